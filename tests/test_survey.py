"""Filtering a survey and its headline numbers, on a hand-built package."""

import pandas as pd
import pytest

from landmap.io.camtrapdp import read_camtrapdp
from landmap.survey import headline
from tests.conftest import dep, obs


@pytest.fixture
def survey(make_package):
    deployments = [
        dep(1, deploymentStart="2020-12-01T12:00:00+10:00",
            deploymentEnd="2021-01-31T12:00:00+10:00"),
        dep(2, latitude="43.2", deploymentStart="2021-06-01T00:00:00+10:00",
            deploymentEnd="2021-06-11T00:00:00+10:00", timestampIssues="true"),
    ]
    observations = [
        obs(1, eventStart="2020-12-31T23:50:00+10:00", eventEnd="2020-12-31T23:51:00+10:00"),
        obs(2, eventStart="2021-01-01T00:10:00+10:00", eventEnd="2021-01-01T00:11:00+10:00",
            individualID="Leo 2M", sex="male"),
        obs(3, deploymentID="d2", eventStart="2021-06-05T01:00:00+10:00",
            eventEnd="2021-06-05T01:01:00+10:00"),
        obs(4, deploymentID="d2", scientificName="Cervus nippon", individualID="",
            eventStart="2021-06-05T03:00:00+10:00", eventEnd="2021-06-05T03:01:00+10:00"),
    ]
    return read_camtrapdp(make_package(deployments=deployments, observations=observations))


def test_headline_of_everything(survey):
    h = headline(survey)
    # d1: 61 days; d2: 10 days (flagged).
    assert (h.stations, h.trap_nights, h.flagged_trap_nights) == (2, 71.0, 10.0)
    assert (h.detections, h.individuals) == (3, 2)


def test_year_filter_uses_local_time_and_clips_effort(survey):
    h2020 = headline(survey.filter(years=(2020, 2020)))
    # 1 Dec 12:00 to 1 Jan 00:00 local = 30.5 days; the 23:50 photo on 31 Dec is 2020's.
    assert (h2020.stations, h2020.trap_nights, h2020.detections, h2020.individuals) == \
        (1, 30.5, 1, 1)
    h2021 = headline(survey.filter(years=(2021, 2021)))
    assert (h2021.stations, h2021.trap_nights, h2021.detections, h2021.individuals) == \
        (2, 40.5, 2, 2)


def test_individual_filter(survey):
    h = headline(survey.filter(individuals=["Leo 2M"]))
    assert (h.detections, h.individuals, h.stations) == (1, 1, 2)


def test_unknown_individual_is_named(survey):
    with pytest.raises(ValueError, match="unknown ID\\(s\\) 'Leo 7F'"):
        survey.filter(individuals=["Leo 7F"])


def test_reversed_years(survey):
    with pytest.raises(ValueError, match="the first year must not come after the last"):
        survey.filter(years=(2022, 2020))


def test_filter_does_not_change_the_original(survey):
    survey.filter(years=(2020, 2020), individuals=["Leo 2M"])
    assert len(survey.observations) == 4 and survey.years is None


def test_leopard_ids_in_catalogue_order(survey):
    assert survey.leopard_ids() == ["Leo 1F", "Leo 2M"]


def test_sex_life_stage_and_country_filters(survey, demo):
    assert headline(survey.filter(sex=["male"])).detections == 1
    assert headline(survey.filter(life_stage=["adult"])).detections == 3
    with pytest.raises(ValueError, match=r"sex: unknown value\(s\) \['m'\]"):
        survey.filter(sex=["m"])
    with pytest.raises(ValueError, match="country: unknown code"):
        survey.filter(country=["XX"])
    china = demo.filter(years=(2021, 2021), country=["CHN"])
    assert set(china.deployments["country"]) == {"CHN"}
    assert headline(china).stations == 150


def test_a_selection_of_everything_shares_the_survey_columns(demo):
    """The dashboard opens on the whole span: that selection holds no second copy of the
    observations (at 100x the demo, 560 MB), and is the same table."""
    import numpy as np

    whole = demo.filter(years=demo.year_span, sex=["female", "male", ""])
    assert whole.observations.equals(demo.observations)
    for column in ("eventStart_offset", "eventStart"):
        assert np.shares_memory(whole.observations[column].array._ndarray,
                                demo.observations[column].array._ndarray)
    one = demo.filter(years=2020)
    assert 0 < len(one.observations) < len(demo.observations)
    assert not np.shares_memory(one.observations["eventStart_offset"].array._ndarray,
                                demo.observations["eventStart_offset"].array._ndarray)


def test_species_sex_stages_and_ids_are_held_as_categories(demo):
    """The columns of few distinct values are categories with their values sorted, and
    hold exactly the text of the package's file (at 100x the demo: 280 MB of text,
    25 MB as categories)."""
    import pandas as pd

    from landmap.demo import DEMO_DIR
    from landmap.survey import CATEGORY_COLUMNS

    written = pd.read_csv(DEMO_DIR / "observations.csv", dtype=str, keep_default_na=False)
    held = demo.observations
    for column in CATEGORY_COLUMNS:
        dtype = held[column].dtype
        assert isinstance(dtype, pd.CategoricalDtype), column
        assert list(dtype.categories) == sorted(written[column].unique()), column
        assert held[column].astype(str).tolist() == written[column].tolist(), column
    text = written[list(CATEGORY_COLUMNS)].astype("str").memory_usage(deep=True).sum()
    assert held[list(CATEGORY_COLUMNS)].memory_usage(deep=True).sum() < text / 5
    # a selection keeps the categories; only the values it holds are counted
    females = demo.filter(sex=["female"]).observations
    assert females["sex"].dtype == held["sex"].dtype
    assert set(females["sex"].unique()) == {"female"}


def test_a_survey_leaves_the_frame_it_was_given_as_text(survey):
    import dataclasses

    text = survey.observations.astype({"sex": "str", "individualID": "str"})
    again = dataclasses.replace(survey, observations=text)
    assert again.observations["sex"].dtype == "category"
    assert text["sex"].dtype == "str"
    assert headline(again) == headline(survey)


def test_categories_put_in_sorted_order_keep_each_rows_value():
    from landmap.survey import _in_sorted_order

    values = pd.Series(pd.Categorical(["Sus scrofa", "Panthera pardus", None, "Capreolus"],
                                      categories=["Sus scrofa", "Panthera pardus", "Capreolus",
                                                  "Zzz unused"], ordered=True),
                       index=[7, 8, 9, 10], name="scientificName")
    out = _in_sorted_order(values)
    assert out.cat.categories.tolist() == ["Capreolus", "Panthera pardus", "Sus scrofa",
                                           "Zzz unused"]
    assert not out.cat.ordered and out.index.tolist() == [7, 8, 9, 10]
    assert out.astype(object).where(out.notna(), None).tolist() == [
        "Sus scrofa", "Panthera pardus", None, "Capreolus"]
    assert out.cat.codes.tolist() == [2, 1, -1, 0] and out.name == "scientificName"

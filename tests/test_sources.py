"""The Parquet cache gives the same survey as the CSV files, and follows their changes."""

import dataclasses
import shutil

import pandas as pd
import pytest

from landmap.demo import DEMO_DIR
from landmap.io.camtrapdp import read_camtrapdp
from landmap.io.sources import CACHE_ENV, cache_dir, load_survey
from landmap.io.validate import DataError
from landmap.survey import headline


@pytest.fixture
def package(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    folder = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, folder)
    return folder


def test_cache_gives_the_same_survey(package):
    fresh = load_survey(package)
    assert (cache_dir(package) / "fingerprint.json").exists()
    cached = load_survey(package)
    pd.testing.assert_frame_equal(cached.observations, fresh.observations)
    pd.testing.assert_frame_equal(pd.DataFrame(cached.deployments.drop(columns="geometry")),
                                  pd.DataFrame(fresh.deployments.drop(columns="geometry")))
    assert cached.deployments.geometry.equals(fresh.deployments.geometry)
    assert cached.problems == fresh.problems
    assert cached.metadata == fresh.metadata
    assert headline(cached.filter(years=(2021, 2021))) == \
        headline(fresh.filter(years=(2021, 2021)))


def test_changed_package_is_read_again(package):
    load_survey(package)
    obs = pd.read_csv(package / "observations.csv", dtype=str, keep_default_na=False)
    obs.iloc[:100].to_csv(package / "observations.csv", index=False)
    assert len(load_survey(package).observations) == 100


def test_invalid_package_is_never_cached(package):
    load_survey(package)
    (package / "deployments.csv").write_text("deploymentID\nd1\n")
    with pytest.raises(DataError, match="field 'latitude': a required column is missing"):
        load_survey(package)
    assert not (cache_dir(package) / "fingerprint.json").exists()


def test_originals_are_untouched(package):
    before = {p: p.read_bytes() for p in package.rglob("*") if p.is_file()}
    load_survey(package)
    load_survey(package)
    assert {p: p.read_bytes() for p in package.rglob("*") if p.is_file()} == before
    assert read_camtrapdp(package).observation_level == "event"


def _same_selection(a, b):
    pd.testing.assert_frame_equal(a.observations, b.observations)
    pd.testing.assert_frame_equal(pd.DataFrame(a.deployments.drop(columns="geometry")),
                                  pd.DataFrame(b.deployments.drop(columns="geometry")))
    assert a.year_span == b.year_span and headline(a) == headline(b)


def test_a_span_of_years_reads_only_its_own_files_and_selects_as_the_filter(package):
    whole = load_survey(package)
    _same_selection(load_survey(package, years=2021), whole.filter(years=2021))
    parts = sorted(p.name for p in (cache_dir(package) / "observations").iterdir())
    assert parts == [f"year={y}" for y in range(2013, 2025)]
    # from the cache: the other years' files are not opened
    for part in parts:
        if part not in ("year=2020", "year=2021"):
            shutil.rmtree(cache_dir(package) / "observations" / part)
    two = load_survey(package, years=(2020, 2021))
    _same_selection(two, whole.filter(years=(2020, 2021)))
    # every year is read from one file in the package's order, not from the years' files
    again = load_survey(package)
    pd.testing.assert_frame_equal(again.observations, whole.observations)
    assert set(two.observations["eventStart"].dt.year) <= {2019, 2020, 2021}  # UTC edges


def test_a_selection_of_years_reads_the_deployments_of_its_years_only(package):
    """A camera working across New Year is in both years' files; read for a span of two
    years it is there once, in the package's order and with its row label, as the filter
    of the whole survey keeps it."""
    whole = load_survey(package)
    folder = cache_dir(package) / "deployments"
    by_year = {int(p.name.split("=")[1]): p for p in folder.iterdir()}
    assert sorted(by_year) == list(range(2013, 2025))
    # the demo's deployments working in 2021, counted from the CSV file by hand's rule:
    # local start year <= 2021 <= local end year (the offsets written in the timestamps)
    csv = pd.read_csv(package / "deployments.csv", dtype=str)
    start, end = (csv[c].str[:4].astype(int) for c in ("deploymentStart", "deploymentEnd"))
    assert len(pd.read_parquet(by_year[2021] / "part-0.parquet")) == \
        ((start <= 2021) & (end >= 2021)).sum() == len(whole.filter(years=2021).deployments)
    # the whole table is not opened for one year, nor for two
    (cache_dir(package) / "deployments.parquet").rename(cache_dir(package) / "moved")
    one = load_survey(package, years=2021)
    two = load_survey(package, years=(2020, 2021))
    for got, want in ((one, whole.filter(years=2021)),
                      (two, whole.filter(years=(2020, 2021)))):
        _same_selection(got, want)
        assert got.deployments.index.equals(want.deployments.index)
        assert got.deployments.geometry.equals(want.deployments.geometry)
        assert got.deployments["deploymentID"].is_unique
    across = two.deployments
    assert ((across["deploymentStart"].dt.year <= 2020)
            & (across["deploymentEnd"].dt.year >= 2021)).any()  # in both files, kept once
    (cache_dir(package) / "moved").rename(cache_dir(package) / "deployments.parquet")
    # most years: the whole table is quicker to read, and gives the same
    _same_selection(load_survey(package, years=(2014, 2024)),
                    whole.filter(years=(2014, 2024)))


def test_the_cache_keeps_the_order_of_a_file_not_sorted_by_time(make_package, tmp_path,
                                                                  monkeypatch):
    from tests.conftest import dep, obs

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    d = dep(deploymentStart="2019-01-01T00:00:00+10:00",
            deploymentEnd="2022-01-01T00:00:00+10:00")
    rows = [obs(1, eventStart="2021-05-01T00:00:00+10:00", eventEnd="2021-05-01T00:00:10+10:00"),
            obs(2, eventStart="2019-05-01T00:00:00+10:00", eventEnd="2019-05-01T00:00:10+10:00"),
            obs(3, eventStart="2020-05-01T00:00:00+10:00", eventEnd="2020-05-01T00:00:10+10:00")]
    folder = make_package(deployments=[d], observations=rows)
    first = load_survey(folder)
    again = load_survey(folder)
    assert again.observations["observationID"].tolist() == ["o1", "o2", "o3"]
    pd.testing.assert_frame_equal(again.observations, first.observations)


def test_a_year_gone_from_the_package_is_gone_from_the_cache(package):
    load_survey(package)
    obs = pd.read_csv(package / "observations.csv", dtype=str, keep_default_na=False)
    obs[~obs["eventStart"].str.startswith("2013")].to_csv(package / "observations.csv",
                                                           index=False)
    load_survey(package)  # rewrites the cache
    again = load_survey(package, years=2013)
    assert len(again.observations) == 0
    assert "year=2013" not in {p.name for p in (cache_dir(package) / "observations").iterdir()}


def test_a_span_without_observations_has_the_same_columns_as_the_filter(package):
    whole = load_survey(package)
    empty = load_survey(package, years=2010)  # before the survey: no year file is read
    assert len(empty.observations) == 0
    _same_selection(empty, whole.filter(years=2010))
    # the species a table can hold stay those of the survey (a picker offers them)
    assert list(empty.observations["scientificName"].cat.categories) == \
        list(whole.observations["scientificName"].cat.categories)
    assert "Panthera pardus orientalis" in empty.observations["scientificName"].cat.categories


def test_a_header_naming_a_column_twice_loads_every_time_without_a_cache(
        make_package, tmp_path, monkeypatch):
    from tests.conftest import dep, obs

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    folder = make_package(deployments=[dep()], observations=[obs(1), obs(2)])
    for name in ("deployments.csv", "observations.csv"):
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        lines = [lines[0] + ",note,note"] + [f"{line},first,second" for line in lines[1:]]
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = load_survey(folder)  # Parquet cannot hold the table: no cache, no error
    assert not (cache_dir(folder) / "fingerprint.json").exists()
    again = load_survey(folder)
    pd.testing.assert_frame_equal(again.observations, first.observations)
    assert again.observations["note"].to_numpy().tolist() == [["first", "second"]] * 2
    assert list(again.deployments.columns).count("note") == 2


def _rows_looked_up(survey):
    from landmap._arrow import positions

    return positions(survey.observations["deploymentID"], survey.deployments["deploymentID"])


def test_each_observations_deployment_row_is_carried_through_cache_and_selections(package):
    """Survey.deployment_rows, known from the reader's checks or the cache and carried by
    filter, is what a look-up of every deployment ID gives, whatever the selection."""
    from landmap.privacy import Precision, protect

    fresh = load_survey(package)  # validates, writes the cache
    cached = load_survey(package)
    assert fresh._deployment_rows is not None and cached._deployment_rows is not None
    surveys = {"validated": fresh, "cached": cached,
               "cached 2021": load_survey(package, years=2021),
               "cached 2015-2018": load_survey(package, years=(2015, 2018)),
               "cached 2014-2024": load_survey(package, years=(2014, 2024))}
    for name, base in list(surveys.items())[:2]:
        surveys[f"{name}, 2021"] = base.filter(years=2021)
        surveys[f"{name}, China"] = base.filter(country=["CHN"])
        surveys[f"{name}, 2020-2021 in Russia"] = base.filter(years=(2020, 2021),
                                                              country=["RUS"])
        ids = base.leopard_ids()[:3]
        surveys[f"{name}, three leopards"] = base.filter(individuals=ids)
        surveys[f"{name}, females, 2019"] = base.filter(years=2019, sex=["female"])
    surveys["2021 of 2015-2021"] = fresh.filter(years=(2015, 2021)).filter(years=2021)
    for name, survey in surveys.items():
        known = survey._deployment_rows
        assert known is not None, name
        assert len(known) == len(survey.observations), name
        assert (known == _rows_looked_up(survey)).all(), name
        assert (known >= 0).all(), name  # every observation of the demo has its deployment
    # generalised, the rows are the same rows: carried; a survey made by hand finds them
    coarse = protect(fresh.filter(years=2021), Precision(5))
    assert coarse._deployment_rows is not None
    assert (coarse.deployment_rows() == _rows_looked_up(coarse)).all()
    by_hand = dataclasses.replace(cached, observations=cached.observations.iloc[::-1])
    assert by_hand._deployment_rows is None
    assert (by_hand.deployment_rows() == _rows_looked_up(by_hand)).all()


def test_an_observation_without_its_deployment_has_no_deployment_row(make_package, tmp_path,
                                                                     monkeypatch):
    """A photograph dated after its deployment ended (a reset clock: flagged and kept)
    stays in a selection of its year, which holds no deployment of it: row -1."""
    from tests.conftest import dep, obs

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    late = {"eventStart": "2022-01-05T02:00:00+10:00", "eventEnd": "2022-01-05T02:00:30+10:00"}
    folder = make_package(
        deployments=[dep(1), dep(2, deploymentStart="2021-06-01T12:00:00+10:00",
                             deploymentEnd="2022-03-01T12:00:00+10:00")],
        observations=[obs(1, deploymentID="d2", **late), obs(2, deploymentID="d1", **late),
                      obs(3, deploymentID="d1"),
                      obs(4, deploymentID="d1", observationLevel="media")])
    for survey in (load_survey(folder), load_survey(folder)):  # validated, then cached
        # the media-level row is kept aside: three event-level rows remain
        assert survey.deployment_rows().tolist() == [1, 0, 0]
        later = survey.filter(years=2022)
        assert later.deployments["deploymentID"].tolist() == ["d2"]
        assert later.deployment_rows().tolist() == [0, -1]
        assert (later.deployment_rows() == _rows_looked_up(later)).all()
    assert any("outside its deployment's span" in str(p.message) for p in survey.problems)

"""Camtrap DP reader: what loads, what is kept aside, and the message for each bad input."""

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from landmap.io.camtrapdp import format_timestamps, parse_timestamps, read_camtrapdp
from landmap.io.validate import DataError
from tests.conftest import dep, obs


def _error(folder) -> DataError:
    with pytest.raises(DataError) as info:
        read_camtrapdp(folder)
    return info.value


def test_small_package_loads_with_offsets_kept(make_package):
    cn = dep(2, latitude="42.95", longitude="130.9",
             deploymentStart="2021-01-01T09:00:00+08:00",
             deploymentEnd="2021-02-01T09:00:00+08:00")
    folder = make_package(deployments=[dep(), cn],
                          observations=[obs(), obs(2, deploymentID="d2",
                                                   eventStart="2021-01-05T23:30:00+08:00",
                                                   eventEnd="2021-01-05T23:31:00+08:00")])
    s = read_camtrapdp(folder)
    assert s.deployments["country"].tolist() == ["RUS", "CHN"]
    assert s.observations["eventStart_offset"].tolist() == [600, 480]
    assert str(s.observations["eventStart"].iloc[1]) == "2021-01-05 15:30:00+00:00"
    text = format_timestamps(s.observations["eventStart"], s.observations["eventStart_offset"])
    assert text.tolist() == ["2021-01-10T02:00:00+10:00", "2021-01-05T23:30:00+08:00"]


def test_unknown_extra_columns_are_kept(make_package):
    folder = make_package(observations=[obs(habitatNote="ridge")])
    assert read_camtrapdp(folder).observations["habitatNote"].tolist() == ["ridge"]


def test_both_levels_count_event_level_only(make_package):
    rows = [obs(1), obs(2, observationLevel="media", eventID="e1"),
            obs(3, observationLevel="media", eventID="e1")]
    s = read_camtrapdp(make_package(observations=rows))
    assert s.observation_level == "event"
    assert s.observations["observationID"].tolist() == ["o1"]
    kept = [p for p in s.problems if p.field == "observationLevel"]
    assert kept and "media-level observations kept aside: 2" in kept[0].message


def test_media_only_package_counts_media_level(make_package):
    s = read_camtrapdp(make_package(observations=[obs(1, observationLevel="media")]))
    assert s.observation_level == "media" and len(s.observations) == 1


def test_timestamp_issue_is_flagged_not_dropped(make_package):
    s = read_camtrapdp(make_package(deployments=[dep(timestampIssues="true")]))
    assert len(s.deployments) == 1 and bool(s.deployments["timestampIssues"].iloc[0])
    flagged = s.problem_table
    assert flagged[["file", "row", "field", "action"]].values.tolist() == [
        ["deployments.csv", 2, "timestampIssues", "flagged"]]


def test_individuals_table_is_read(make_package):
    s = read_camtrapdp(make_package(individuals=[{"individualID": "Leo 1F", "name": "Borte"}]))
    assert s.individuals.loc[0, "name"] == "Borte"


# --- bad input: each case names the file, the row and the field ---------------------------
@pytest.mark.parametrize(
    ("tables", "expected"),
    [
        pytest.param({"deployments": [{k: v for k, v in dep().items() if k != "latitude"}]},
                     "deployments.csv, field 'latitude': a required column is missing",
                     id="missing-required-field"),
        pytest.param({"observations": [obs(), obs(2, eventStart="2021-13-45T99:00:00+10:00")]},
                     "observations.csv, row 3, field 'eventStart': not a date-time",
                     id="unparsable-date"),
        pytest.param({"observations": [obs(eventStart="2021-01-10T02:00:00")]},
                     "observations.csv, row 2, field 'eventStart': not a date-time with a UTC "
                     "offset", id="date-without-offset"),
        pytest.param({"deployments": [dep(), dep(2, latitude="143.1")]},
                     "deployments.csv, row 3, field 'latitude': out of range",
                     id="latitude-out-of-range"),
        pytest.param({"deployments": [dep(longitude="east")]},
                     "deployments.csv, row 2, field 'longitude': not a number",
                     id="longitude-not-a-number"),
        pytest.param({"observations": [obs(), obs(2, deploymentID="d9")]},
                     "observations.csv, row 3, field 'deploymentID': refers to a deployment "
                     "that is not in deployments.csv", id="unknown-deployment"),
        pytest.param({"deployments": [dep(), dep(1)]},
                     "deployments.csv, row 3, field 'deploymentID': duplicate ID",
                     id="duplicate-deployment"),
        pytest.param({"deployments": [dep(deploymentEnd="2020-12-01T12:00:00+10:00")]},
                     "deployments.csv, row 2, field 'deploymentEnd': the deployment ends "
                     "before it starts", id="end-before-start"),
        pytest.param({"observations": [obs(observationType="leopard")]},
                     "observations.csv, row 2, field 'observationType': must be one of",
                     id="bad-observation-type"),
        pytest.param({"observations": [obs(count="two")]},
                     "observations.csv, row 2, field 'count': must be a whole number",
                     id="bad-count"),
    ],
)
def test_bad_input_names_file_row_and_field(make_package, tables, expected):
    err = _error(make_package(**tables))
    assert expected in str(err)


def test_all_problems_are_reported_together(make_package):
    err = _error(make_package(deployments=[dep(latitude="99"), dep(2, longitude="200")]))
    fields = sorted((p.row, p.field) for p in err.problems)
    assert fields == [(2, "latitude"), (3, "longitude")]


def test_empty_observations_file(make_package):
    err = _error(make_package(raw={"observations.csv": ""}))
    assert "observations.csv: the file is empty" in str(err)


def test_not_utf8(make_package):
    err = _error(make_package(raw={"deployments.csv": "deploymentID\n\xff\xfe".encode("latin-1")
                                   + b"\xff"}))
    assert "deployments.csv: the file is not UTF-8 text" in str(err)


def test_missing_descriptor(tmp_path):
    err = _error(tmp_path)
    assert "no datapackage.json here" in str(err)


def test_descriptor_without_observations(make_package):
    folder = make_package(descriptor={"resources": [{"name": "deployments",
                                                     "path": "deployments.csv"}]})
    (folder / "observations.csv").unlink()
    err = _error(folder)
    assert "the package has no 'observations' resource" in str(err)


def test_parse_timestamps_keeps_negative_and_z_offsets():
    t, off, bad = parse_timestamps(pd.Series(["2021-06-01T00:00:00-03:30",
                                              "2021-06-01T00:00:00Z"]))
    assert off.tolist() == [-210, 0] and not bad.any()
    assert format_timestamps(t, off).tolist() == ["2021-06-01T00:00:00-03:30",
                                                  "2021-06-01T00:00:00+00:00"]


def test_offsets_of_a_day_or_more_and_years_no_clock_holds_are_refused_by_row(make_package):
    """RFC 3339 offsets stop at 23:59; a year 1500 once crashed the load (Arrow overflow)."""
    rows = [obs(1, eventStart="2021-01-10T02:00:00+24:00"),
            obs(2, eventStart="2021-01-10T02:00:00+99:00"),
            obs(3, eventStart="1500-01-10T02:00:00+10:00"),
            obs(4, eventStart="2500-01-10T02:00:00+10:00"),
            obs(5, eventStart="2021-01-10T02:00:00+2400"),
            obs(6, eventStart="2021-01-10T02:00:00+14:00", eventEnd="2021-01-10T02:00:00+14:00"),
            obs(7, eventStart="2021-01-10T02:00:00-12:00", eventEnd="2021-01-10T02:00:00-12:00")]
    err = _error(make_package(observations=rows))
    bad = [(p.row, p.value) for p in err.problems if p.field == "eventStart"]
    assert bad == [(2, "2021-01-10T02:00:00+24:00"), (3, "2021-01-10T02:00:00+99:00"),
                   (4, "1500-01-10T02:00:00+10:00"), (5, "2500-01-10T02:00:00+10:00"),
                   (6, "2021-01-10T02:00:00+2400")]


@pytest.mark.parametrize("where", [[0], [9_999], [5_000], [0, 1, 2, 4_097, 9_998],
                                   list(range(0, 10_000, 7))])
def test_a_long_column_names_exactly_its_bad_values(where):
    """Arrow casts a whole column or refuses it; the parser halves a refused column, so
    bad values at its ends, in its middle or everywhere must each be found, and only
    they, with every good value parsed as a per-value parser reads it."""
    good = pd.date_range("2013-01-01", "2024-12-31", periods=10_000).strftime(
        "%Y-%m-%dT%H:%M:%S")
    text = pd.Series([f"{g}{'+10:00' if i % 3 else '+08:00'}" for i, g in enumerate(good)])
    text.iloc[where] = ["2021-02-30T00:00:00+10:00", "2021-01-01T25:00:00+10:00",
                        "2021-04-31T12:00:00Z", "2021-13-01T00:00:00+10:00"] * (
        len(where) // 4) + ["2021-02-29T00:00:00+08:00"] * (len(where) % 4)
    instants, offsets, bad = parse_timestamps(text)
    assert np.flatnonzero(bad).tolist() == sorted(where)
    for i in range(0, 10_000, 97):
        if not bad[i]:
            expected = datetime.fromisoformat(text.iloc[i])
            assert instants.iloc[i] == pd.Timestamp(expected)
            assert offsets.iloc[i] == expected.utcoffset().total_seconds() // 60


def test_a_load_leaves_the_cycle_collector_as_it_found_it(tmp_path):
    """The collector is paused during a load (its walks cost more than they find there)
    and must be back on after it, whether the package loads or is refused, and stay off
    for a program that turned it off itself."""
    import gc

    from landmap.demo import DEMO_DIR

    assert gc.isenabled()
    read_camtrapdp(DEMO_DIR)
    assert gc.isenabled()
    with pytest.raises(DataError):
        read_camtrapdp(tmp_path)
    assert gc.isenabled()
    gc.disable()
    try:
        read_camtrapdp(DEMO_DIR)
        assert not gc.isenabled()
    finally:
        gc.enable()

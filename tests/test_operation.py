"""When the cameras worked (landmap.operation), against a station worked out by hand.

Station L1 (UTC+10): deployment d1 from 1 January 12:00 to 11 January 12:00; deployment d2
from 20 January 00:00 to 10 February 00:00, tagged failed, its last photograph on
25 January at 12:00. By hand, day by day on the local clock: 1 January half a day and
2-10 January whole days working, 11 January half a day; 12-19 January no camera set;
20-24 January working and 25 January half; 26 January - 9 February a failed camera out.
The longest gap between the first and last working day is 12-19 January (8 days).
"""

from __future__ import annotations

import datetime as dt

import pytest

from landmap.io.camtrapdp import read_camtrapdp
from landmap.operation import camera_operation, longest_gaps
from tests.conftest import dep, obs


@pytest.fixture
def survey(make_package):
    deployments = [
        dep(1, locationID="L1", deploymentStart="2021-01-01T12:00:00+10:00",
            deploymentEnd="2021-01-11T12:00:00+10:00"),
        dep(2, locationID="L1", deploymentStart="2021-01-20T00:00:00+10:00",
            deploymentEnd="2021-02-10T00:00:00+10:00", deploymentTags="failed")]
    observations = [obs(1, deploymentID="d1", eventStart="2021-01-05T02:00:00+10:00",
                        eventEnd="2021-01-05T02:00:00+10:00"),
                    obs(2, deploymentID="d2", eventStart="2021-01-25T12:00:00+10:00",
                        eventEnd="2021-01-25T12:00:00+10:00")]
    return read_camtrapdp(make_package(deployments=deployments, observations=observations))


def test_each_day_has_the_state_worked_out_by_hand(survey):
    op = camera_operation(survey).set_index("period_start")
    day = dt.date
    assert op.index[0] == day(2021, 1, 1) and op.index[-1] == day(2021, 2, 9)
    assert op.loc[day(2021, 1, 1), "worked"] == pytest.approx(0.5)
    assert (op.loc[day(2021, 1, 2):day(2021, 1, 10), "worked"] == 1).all()
    assert op.loc[day(2021, 1, 11), "worked"] == pytest.approx(0.5)
    assert (op.loc[day(2021, 1, 12):day(2021, 1, 19), "state"] == "not set").all()
    assert (op.loc[day(2021, 1, 20):day(2021, 1, 25), "state"] == "working").all()
    assert op.loc[day(2021, 1, 25), "worked"] == pytest.approx(0.5)
    assert (op.loc[day(2021, 1, 26):day(2021, 2, 9), "state"] == "failed").all()
    assert op["state"].value_counts().to_dict() == {"working": 17, "failed": 15,
                                                    "not set": 8}


def test_the_longest_gap_lies_between_working_days(survey):
    gaps = longest_gaps(camera_operation(survey))
    assert gaps.to_dict("records") == [{
        "locationID": "L1", "country": "RUS", "gap_start": dt.date(2021, 1, 12),
        "gap_end": dt.date(2021, 1, 19), "periods": 8, "failed_periods": 0}]
    weekly = camera_operation(survey, period_days=7)
    assert weekly["period_start"].tolist()[:2] == [dt.date(2021, 1, 1), dt.date(2021, 1, 8)]
    # week 2 (8-14 January) worked 3.5 of 7 days
    assert weekly["worked"].iloc[1] == pytest.approx(3.5 / 7)


def test_the_command_writes_the_operation_and_the_gaps(tmp_path):
    import pandas as pd

    from landmap.cli import main
    from landmap.demo import DEMO_DIR, load_demo

    out = tmp_path / "operation.csv"
    assert main(["export", str(DEMO_DIR), "--what", "operation", "--year", "2021",
                 "--occasion-days", "7", "--output", str(out)]) == 0
    expected = camera_operation(load_demo().filter(years=2021), period_days=7)
    written = pd.read_csv(out)
    assert len(written) == len(expected)
    assert written["state"].value_counts().to_dict() == expected["state"].value_counts(
        ).to_dict()
    gaps = pd.read_csv(tmp_path / "operation-gaps.csv")
    assert gaps["periods"].tolist() == longest_gaps(expected)["periods"].tolist()


def test_runs_merge_periods_of_one_state_and_cover_every_period(demo):
    from landmap.operation import camera_operation, operation_runs

    op = camera_operation(demo.filter(years=(2020, 2021)), period_days=7)
    runs = operation_runs(op)
    assert runs["periods"].sum() == len(op)  # every station-period in exactly one run
    assert len(runs) < len(op) / 10  # the chart draws a tenth as many marks
    # expanded back, the runs give each period's state
    weeks = (runs["run_end"] - runs["run_start"]).dt.days / 7
    assert (weeks == runs["periods"]).all()
    expanded = runs.loc[runs.index.repeat(runs["periods"]), ["locationID", "state"]]
    original = op.sort_values(["locationID", "period_start"], kind="stable")
    assert expanded["state"].tolist() == original["state"].tolist()
    assert expanded["locationID"].tolist() == original["locationID"].tolist()
    # neighbouring runs of one station differ in state
    same = (runs["locationID"].shift() == runs["locationID"]) & (
        runs["state"].shift() == runs["state"])
    assert not same.any()

"""Local dates and hours follow the camera's clock: its deployment's UTC offset, also when
a package writes its observations in UTC, as Camtrap DP's own example does (deployments
at +02:00, observations with ``Z``)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from landmap.home_range import independent_detections
from landmap.io.camtrapdp import read_camtrapdp
from landmap.io.exports import camtrapdp_zip
from landmap.observations import camera_offset, local_time
from tests.conftest import ROOT, dep, obs

EXAMPLE = ROOT.parent / "shared" / "reference" / "camtrap-dp-example"


def _utc_package(make_package):
    # A camera in Primorye (+10:00) whose observations were exported in UTC: 20:30 UTC on
    # 31 December 2020 is 06:30 on 1 January 2021 on the camera's clock.
    deployments = [dep(1, deploymentStart="2020-12-01T12:00:00+10:00",
                       deploymentEnd="2021-02-01T12:00:00+10:00")]
    observations = [obs(1, eventStart="2020-12-31T20:30:00Z", eventEnd="2020-12-31T20:31:00Z"),
                    obs(2, eventStart="2021-01-05T02:00:00+10:00",
                        eventEnd="2021-01-05T02:01:00+10:00")]
    return read_camtrapdp(make_package(deployments=deployments, observations=observations))


def test_utc_observations_take_their_deployments_clock(make_package):
    s = _utc_package(make_package)
    local = local_time(s.observations["eventStart"], camera_offset(s.observations))
    assert local.dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2021-01-01 06:30",
                                                            "2021-01-05 02:00"]
    assert s.observation_years().tolist() == [2021, 2021]  # not 2020 by the UTC date
    assert len(s.filter(years=(2020, 2020)).observations) == 0
    assert independent_detections(s)["eventStart_offset"].tolist() == [600, 600]
    found = [p for p in s.problems if p.field == "eventStart"]
    assert len(found) == 1
    assert str(found[0]).startswith(
        "observations.csv, field 'eventStart': 1 observations are written with another UTC "
        "offset than their deployment; their local dates and hours use the deployment's "
        "(+10:00)")


def test_the_export_keeps_the_offsets_as_written(make_package):
    s = _utc_package(make_package)
    with zipfile.ZipFile(io.BytesIO(camtrapdp_zip(s))) as archive:
        text = archive.read("observations.csv").decode()
    assert "2020-12-31T20:30:00Z" in text or "2020-12-31T20:30:00+00:00" in text
    assert "2021-01-05T02:00:00+10:00" in text
    assert "local_offset" not in text.splitlines()[0]


@pytest.mark.skipif(not (EXAMPLE / "datapackage.json").exists(),
                    reason="the shared copy of Camtrap DP's example is not beside the project")
def test_the_official_example_shows_its_cameras_local_time():
    s = read_camtrapdp(EXAMPLE)
    first = s.observations.sort_values("eventStart").iloc[:1]
    assert str(first["eventStart"].iloc[0]) == "2020-05-30 02:57:37+00:00"
    assert local_time(first["eventStart"], camera_offset(first)).iloc[0].strftime(
        "%H:%M:%S") == "04:57:37"  # +02:00, the deployment's offset
    assert any(p.field == "eventStart" and "+02:00" in str(p) for p in s.problems)


def test_example_path_is_where_the_brief_says():
    assert EXAMPLE.name == "camtrap-dp-example" and isinstance(EXAMPLE, Path)


# --- loaded, but flagged for a look (issue 19, plausibility) -------------------------------
def _flags(survey, field):
    return [p for p in survey.problems if p.field == field and p.action == "flagged"]


def test_doubtful_rows_load_with_a_named_note(make_package):
    deployments = [dep(1), dep(2, timestampIssues="maybe"),
                   dep(3, latitude="51.5", longitude="4.8")]      # Belgium: far away
    observations = [obs(1, scientificName=""),                    # an ID with no species
                    obs(2, eventStart="2022-04-10T02:00:00+10:00",  # 13 months too late
                        eventEnd="2022-04-10T02:00:30+10:00")]
    s = read_camtrapdp(make_package(deployments=deployments, observations=observations))
    assert len(s.deployments) == 3 and len(s.observations) == 2  # nothing dropped
    [odd] = _flags(s, "timestampIssues")
    assert (odd.row, odd.value) == (3, "maybe") and "read as false" in odd.message
    [far] = _flags(s, "latitude")
    assert far.row == 4 and far.message.startswith("far from the mapped region")
    [nameless] = _flags(s, "individualID")
    assert nameless.row == 2 and "an individual without a species" in nameless.message
    [late] = [p for p in _flags(s, "eventStart") if "span" in p.message]
    assert late.row == 3 and "was the camera clock reset?" in late.message


def test_the_overview_says_when_rows_were_flagged(make_package, dashboard_on):
    folder = make_package(deployments=[dep(1), dep(2, timestampIssues="maybe")],
                          observations=[obs(1, scientificName="")])
    app = dashboard_on(folder)
    app.run()
    assert not app.exception
    assert [w.value for w in app.warning] == [
        "2 rows of these data were flagged for a look (see the Data page)."]

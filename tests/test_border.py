"""Cross-border individuals on hand-built tracks, and on the demo against the simulator."""

import pytest

from landmap.border import cross_border_by_year, crossings_by_individual, station_countries
from landmap.io.camtrapdp import read_camtrapdp
from tests.conftest import dep, obs

# Stations 6-10 km either side of the border near 43.0 N (the line crosses 42.95, 43.0 and
# 43.05 N at 131.091, 131.075 and 131.106 E), placed as mirror images of each other.
RU = [("r1", "43.00", "131.175"), ("r2", "43.05", "131.206"), ("r3", "42.95", "131.191"),
      ("r4", "43.02", "131.215"), ("r5", "42.98", "131.165")]
CN = [("c1", "43.00", "130.975"), ("c2", "43.05", "131.006"), ("c3", "42.95", "130.991"),
      ("c4", "43.02", "130.965"), ("c5", "42.98", "130.985")]


def _deployments():
    rows = []
    for name, lat, lon in RU + CN:
        offset = "+10:00" if name.startswith("r") else "+08:00"
        rows.append(dep(0, deploymentID=name, locationID=name, latitude=lat, longitude=lon,
                        deploymentStart=f"2021-01-01T00:00:00{offset}",
                        deploymentEnd=f"2021-12-31T00:00:00{offset}"))
    return rows


def _track(stations: list[str], who: str = "Leo 9M", start: int = 0):
    rows = []
    for k, station in enumerate(stations):
        day = f"2021-02-{k + 1:02d}"
        offset = "+10:00" if station.startswith("r") else "+08:00"
        rows.append(obs(start + k + 1, deploymentID=station, individualID=who, sex="male",
                        eventStart=f"{day}T03:00:00{offset}", eventEnd=f"{day}T03:01:00{offset}"))
    return rows


def test_stations_get_their_country(make_package):
    s = read_camtrapdp(make_package(deployments=_deployments(), observations=_track(["r1"])))
    st = station_countries(s).set_index("locationID")
    assert (st.loc[[n for n, *_ in RU], "country"] == "RUS").all()
    assert (st.loc[[n for n, *_ in CN], "country"] == "CHN").all()
    assert not st["on_border"].any()
    assert station_countries(s, tolerance_m=20_000)["on_border"].all()


def test_three_crossings_exactly(make_package):
    # RU, RU, CN, CN, RU, CN: changes of country at 3 places.
    track = _track(["r1", "r2", "c1", "c2", "r3", "c3"])
    s = read_camtrapdp(make_package(deployments=_deployments(), observations=track))
    row = crossings_by_individual(s).set_index("individualID").loc["Leo 9M"]
    assert row["crossings"] == 3
    assert row["status"] == "both"
    assert (row["detections_rus"], row["detections_chn"]) == (3, 3)
    assert (row["stations_rus"], row["stations_chn"]) == (3, 3)
    # first Chinese photo: 3 Feb 03:00 at +08:00 (2 Feb 19:00 UTC): the table keeps the
    # camera's own clock, so "first seen in China" is the 3rd, as the photo says
    assert str(row["first_chn"]) == "2021-02-03 03:00:00"
    assert str(row["last_rus"]) == "2021-02-05 03:00:00"


def test_range_cut_in_half_by_the_border(make_package):
    # Mirror-image stations on each side: the range should split about evenly.
    track = _track([n for n, *_ in RU] + [n for n, *_ in CN])
    s = read_camtrapdp(make_package(deployments=_deployments(), observations=track))
    row = crossings_by_individual(s).set_index("individualID").loc["Leo 9M"]
    # tolerance 10 points: the border is not a straight north-south line here
    assert row["kde95_share_rus"] == pytest.approx(0.5, abs=0.10)
    assert row["kde95_share_chn"] == pytest.approx(0.5, abs=0.10)
    assert row["mcp_share_rus"] + row["mcp_share_chn"] == pytest.approx(1, abs=0.01)
    assert row["crossings"] == 1


def test_one_sided_animals(make_package):
    track = _track(["r1", "r2"], "Leo 1F") + _track(["c1"], "Leo 2F", start=10)
    s = read_camtrapdp(make_package(deployments=_deployments(), observations=track))
    table = crossings_by_individual(s).set_index("individualID")
    assert table.loc["Leo 1F", "status"] == "Russia only"
    assert table.loc["Leo 2F", "status"] == "China only"
    assert table["crossings"].tolist() == [0, 0]
    by_year = cross_border_by_year(s).set_index("year")
    assert by_year.loc[2021, ["russia", "china", "both", "individuals"]].tolist() == [1, 1, 0, 2]


def test_demo_matches_the_simulator(demo, demo_summary):
    by_year = cross_border_by_year(demo).set_index("year")
    assert by_year["russia"].to_dict() == demo_summary["individuals_russia"].to_dict()
    assert by_year["china"].to_dict() == demo_summary["individuals_china"].to_dict()
    assert by_year["both"].to_dict() == demo_summary["individuals_both"].to_dict()
    table = crossings_by_individual(demo)
    share = (table["status"] == "both").mean()
    assert 0.35 <= share <= 0.40
    # every animal seen on both sides crossed at least once, and no other animal did
    assert ((table["status"] == "both") == (table["crossings"] > 0)).all()

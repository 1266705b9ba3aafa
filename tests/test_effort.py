"""Trap-nights of hand-built deployments, computed by hand (exact, to 1e-9 days)."""

import numpy as np
import pandas as pd
import pytest

from landmap.effort import trap_nights
from landmap.io.camtrapdp import parse_timestamps


def _deployments(pairs):
    start, so, _ = parse_timestamps(pd.Series([a for a, _ in pairs]))
    end, eo, _ = parse_timestamps(pd.Series([b for _, b in pairs]))
    return pd.DataFrame({"deploymentStart": start, "deploymentStart_offset": so,
                         "deploymentEnd": end, "deploymentEnd_offset": eo})


def test_whole_and_partial_days():
    d = _deployments([("2021-03-01T12:00:00+10:00", "2021-03-11T18:00:00+10:00"),
                      ("2021-03-01T09:00:00+08:00", "2021-03-01T21:00:00+08:00")])
    assert trap_nights(d).tolist() == pytest.approx([10.25, 0.5], abs=1e-9)


def test_offsets_are_respected():
    # 12:00 in Vladivostok (+10) is 02:00 UTC; 12:00 in Hunchun (+8) is 04:00 UTC: 2 h apart.
    d = _deployments([("2021-03-01T12:00:00+10:00", "2021-03-01T12:00:00+08:00")])
    assert trap_nights(d).iloc[0] == pytest.approx(2 / 24, abs=1e-9)


def test_new_year_is_split_in_local_time():
    # 30 Dec 12:00 to 2 Jan 06:00 (+10): 1.5 days in 2020, 1.25 in 2021.
    d = _deployments([("2020-12-30T12:00:00+10:00", "2021-01-02T06:00:00+10:00")])
    assert trap_nights(d, (2020, 2020)).iloc[0] == pytest.approx(1.5, abs=1e-9)
    assert trap_nights(d, (2021, 2021)).iloc[0] == pytest.approx(1.25, abs=1e-9)
    assert trap_nights(d, (2020, 2021)).iloc[0] == pytest.approx(2.75, abs=1e-9)
    assert trap_nights(d, (2022, 2024)).iloc[0] == 0


def test_reversed_years_are_refused():
    d = _deployments([("2020-12-30T12:00:00+10:00", "2021-01-02T06:00:00+10:00")])
    with pytest.raises(ValueError, match=r"years=\(2021, 2020\)"):
        trap_nights(d, (2021, 2020))


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="deploymentEnd"):
        trap_nights(pd.DataFrame({"deploymentStart": []}))


# --- grid and coverage ------------------------------------------------------------------
from landmap.boundaries import Boundaries, load_boundaries  # noqa: E402
from landmap.effort import coverage, coverage_gaps, effort_grid  # noqa: E402
from landmap.io.camtrapdp import read_camtrapdp  # noqa: E402
from tests.conftest import dep, obs  # noqa: E402


@pytest.fixture
def two_stations(make_package):
    # Two stations 40 m apart (one 5 km cell), one far away; 2021 deployments of 10, 20, 5 days.
    deployments = [
        dep(1, latitude="43.10000", longitude="131.45000",
            deploymentStart="2021-05-01T00:00:00+10:00", deploymentEnd="2021-05-11T00:00:00+10:00"),
        dep(2, latitude="43.10030", longitude="131.45030",
            deploymentStart="2021-05-01T00:00:00+10:00", deploymentEnd="2021-05-21T00:00:00+10:00"),
        dep(3, latitude="42.80000", longitude="131.00000",
            deploymentStart="2021-05-01T00:00:00+10:00", deploymentEnd="2021-05-06T00:00:00+10:00"),
    ]
    observations = [obs(1), obs(2, deploymentID="d2", individualID="Leo 2M"),
                    obs(3, deploymentID="d2", individualID="Leo 2M"),
                    obs(4, deploymentID="d2", scientificName="Sus scrofa", individualID="")]
    for o, t in zip(observations, ["05-02", "05-03", "05-04", "05-05"], strict=True):
        o["eventStart"] = f"2021-{t}T01:00:00+10:00"
        o["eventEnd"] = f"2021-{t}T01:01:00+10:00"
    return read_camtrapdp(make_package(deployments=deployments, observations=observations))


def test_grid_counts_by_hand(two_stations):
    g = effort_grid(two_stations, cell_km=5).sort_values("trap_nights", ascending=False)
    top = g.iloc[0]
    assert (top["year"], top["stations"], top["trap_nights"], top["detections"],
            top["individuals"]) == (2021, 2, 30.0, 3, 2)
    assert top["stations_per_100km2"] == pytest.approx(2 / 25 * 100)
    assert top["detection_rate"] == pytest.approx(3 / 30 * 100)
    assert g.iloc[1][["stations", "trap_nights", "detections"]].tolist() == [1, 5.0, 0]
    assert g.geometry.area.iloc[0] == pytest.approx(25e6)
    boar = effort_grid(two_stations, cell_km=5, species="Sus scrofa")
    assert boar["detections"].sum() == 1 and boar["individuals"].sum() == 0


def test_grid_refuses_odd_cell_size(two_stations):
    with pytest.raises(ValueError, match=r"cell_km=0\.0"):
        effort_grid(two_stations, cell_km=0)


def _square_park(side_m: float = 10_000) -> Boundaries:
    import geopandas as gpd
    import shapely

    b = load_boundaries()
    centre = gpd.GeoSeries([shapely.Point(131.45, 43.1)], crs=4326).to_crs(32652).iloc[0]
    square = shapely.box(centre.x - side_m / 2, centre.y - side_m / 2, centre.x + side_m / 2,
                         centre.y + side_m / 2)
    park = gpd.GeoDataFrame({"park_id": ["square"], "approximate": [True], "source": ["test"]},
                            geometry=[square], crs=32652).to_crs(4326)
    return Boundaries(b.countries, b.border, park)


def _station_east_of_the_square(make_package, km_from_edge: float):
    """A survey of one station ``km_from_edge`` east of the square park's east edge."""
    import dataclasses

    import geopandas as gpd
    import shapely

    centre = gpd.GeoSeries([shapely.Point(131.45, 43.1)], crs=4326).to_crs(32652).iloc[0]
    at = gpd.GeoSeries([shapely.Point(centre.x + 5000 + km_from_edge * 1000, centre.y)],
                       crs=32652).to_crs(4326).iloc[0]
    survey = read_camtrapdp(make_package(deployments=[dep(1, latitude=f"{at.y:.6f}",
                                                          longitude=f"{at.x:.6f}")]))
    return dataclasses.replace(survey, boundaries=_square_park())


def test_coverage_is_measured_only_for_a_selection_with_a_station_near_the_park(make_package):
    """Up to 20 km from the park (PARK_REACH_KM) a station's selection has the park's
    coverage measured (none of it covered from 19 km away: every cell a gap); farther, and
    for a package recorded elsewhere (the standard's example lies in Belgium), both
    measures refuse with the reason instead of calling the whole park a gap."""
    from landmap.effort import PARK_REACH_KM

    assert PARK_REACH_KM == 20
    near = _station_east_of_the_square(make_package, 19)
    assert coverage(near, distance_km=3, park_id="square")["share"] == 0
    gaps = coverage_gaps(near, cell_km=5, park_id="square")
    assert gaps["area_km2"].sum() == pytest.approx(100, rel=1e-3)
    far = _station_east_of_the_square(make_package, 21)
    for measure in (coverage, coverage_gaps):
        with pytest.raises(ValueError, match=r"no station of the selection lies within 20 km "
                                             r"of square: the park's coverage by cameras is "
                                             r"not measured"):
            measure(far, park_id="square")
    belgian = read_camtrapdp(make_package(deployments=[dep(latitude="51.07",
                                                           longitude="4.47")]))
    with pytest.raises(ValueError) as refused:
        coverage_gaps(belgian)
    assert str(refused.value) == ("no station of the selection lies within 20 km of Land of "
                                  "the Leopard National Park: the park's coverage by cameras "
                                  "is not measured")
    from landmap.i18n import language

    assert language("ru").text(refused.value.args[0]).startswith(
        "ни одна станция выборки не находится в пределах 20 км от парка (Национальный парк "
        "«Земля леопарда»)")
    assert "豹之乡国家公园" in language("zh").text(refused.value.args[0])


def test_coverage_of_a_square_park_by_one_central_station(make_package):
    survey = read_camtrapdp(make_package(deployments=[dep(1, latitude="43.1",
                                                          longitude="131.45")]))
    import dataclasses

    survey = dataclasses.replace(survey, boundaries=_square_park())
    c = coverage(survey, distance_km=2, park_id="square")
    # a 2 km disc in a 10 x 10 km park: pi * 4 / 100 (buffer drawn with 128 segments: 0.1 %)
    assert c["share"] == pytest.approx(np.pi * 4 / 100, rel=0.002)
    assert c["park_km2"] == pytest.approx(100, rel=1e-3)
    gaps = coverage_gaps(survey, cell_km=5, park_id="square")
    # By hand: every 5 km cell of the park is a gap except the one holding the station.
    import shapely

    x, y = survey.deployments.to_crs(32652).geometry.iloc[0].coords[0]
    cell = shapely.box(x // 5000 * 5000, y // 5000 * 5000, x // 5000 * 5000 + 5000,
                       y // 5000 * 5000 + 5000)
    park = survey.boundaries.parks.to_crs(32652).geometry.iloc[0]
    assert gaps["area_km2"].sum() == pytest.approx(100 - park.intersection(cell).area / 1e6,
                                                   rel=1e-6)
    assert len(gaps) in (3, 5, 8)  # a 10 km square spans 2 or 3 cells each way


def test_detection_rate_counts_independent_events(make_package):
    # Station S1 has two cameras (d1, d2), each working 10 days: 20 camera-days.
    # Leo 1F at 02:00 on d1 and 02:05 on d2 (one event at one station); an unidentified
    # leopard at 03:00 and 03:10 (one event), again at 05:00 (another). By hand at 30 min:
    # 3 independent detections, 15 per 100 trap-nights; at 1 min every record counts (5).
    from landmap.effort import effort_grid
    from landmap.io.camtrapdp import read_camtrapdp
    from tests.conftest import dep, obs

    days = {"deploymentStart": "2021-01-01T12:00:00+10:00",
            "deploymentEnd": "2021-01-11T12:00:00+10:00"}
    deployments = [dep(1, locationID="S1", **days), dep(2, locationID="S1", **days)]

    def at(i, camera, time, who):
        return obs(i, deploymentID=camera, individualID=who, sex="" if not who else "female",
                   eventStart=f"2021-01-05T{time}:00+10:00", eventEnd=f"2021-01-05T{time}:30+10:00")

    rows = [at(1, "d1", "02:00", "Leo 1F"), at(2, "d2", "02:05", "Leo 1F"),
            at(3, "d1", "03:00", ""), at(4, "d2", "03:10", ""), at(5, "d1", "05:00", "")]
    s = read_camtrapdp(make_package(deployments=deployments, observations=rows))
    grid = effort_grid(s, cell_km=5, by_year=False)
    assert grid["trap_nights"].sum() == pytest.approx(20.0)
    assert int(grid["detections"].sum()) == 3
    assert grid["detection_rate"].iloc[0] == pytest.approx(15.0)
    assert int(effort_grid(s, cell_km=5, by_year=False, threshold="1min")["detections"].sum()) == 5


def _events_by_text(observations, deployments, species, threshold):
    """Independent events as the rule reads, with the text sorted by pandas: records of
    one animal (or, unnamed, of the species) at one station, sorted by time; a record
    within ``threshold`` of the one before it continues that record's event."""
    from landmap.observations import detections

    rows = detections(observations, species)
    station = deployments.drop_duplicates("deploymentID").set_index("deploymentID")[
        "locationID"]
    rows = rows.assign(locationID=station.reindex(rows["deploymentID"]).to_numpy())
    ids = rows["individualID"].astype("str")
    ranked = rows.assign(_who=ids.where(ids != "", "\x00" + species)).sort_values(
        ["_who", "locationID", "eventStart"], kind="stable")
    same = (ranked["_who"].eq(ranked["_who"].shift())
            & ranked["locationID"].eq(ranked["locationID"].shift()))
    close = ranked["eventStart"].diff() < pd.Timedelta(threshold)
    return ranked[~(same & close)].drop(columns="_who").sort_values("eventStart",
                                                                    kind="stable")


@pytest.mark.parametrize("threshold", ["0min", "30min", "1D"])
def test_independent_events_equal_the_rule_applied_to_the_text(demo, threshold):
    """The events counted with integer keys are those the rule gives on the text, row
    for row, also with records of unknown deployments, of animals without an ID, without
    a time, and with deployments listed in another order (a station is its deployment's
    first row)."""
    from landmap.observations import LEOPARD, independent_events

    o = demo.observations.iloc[:6000].copy()
    o["individualID"] = o["individualID"].astype("str")
    o.loc[o.index[:40], "deploymentID"] = "not a deployment"
    o.loc[o.index[40:90], "individualID"] = np.nan
    o.loc[o.index[90:99], "eventStart"] = pd.NaT
    d = demo.deployments.iloc[::-1]
    for species in (LEOPARD, "Sus scrofa"):
        got = independent_events(o, d, species, threshold)
        pd.testing.assert_frame_equal(got, _events_by_text(o, d, species, threshold))
    assert len(got) > 100 and got["locationID"].isna().sum() > 0


def test_a_failed_camera_stops_at_its_own_last_photograph():
    """Worked by hand: a is not failed (its own end); b is failed ("bait | FAILED ") and
    photographed until 20 January (an event without an end counts by its start, a later
    photograph of another deployment does not count for it); c is failed and never
    photographed (its start); d's tag only contains the word ("notfailed": not failed);
    a photograph of an unknown deployment counts for none."""
    from landmap.effort import effort_end

    d = _deployments([("2021-01-01T00:00:00+10:00", "2021-03-01T00:00:00+10:00")] * 4)
    d["deploymentID"] = ["a", "b", "c", "d"]
    d["deploymentTags"] = ["", "bait | FAILED ", "failed", "notfailed"]
    start, _, _ = parse_timestamps(pd.Series([
        "2021-01-10T00:00:00+10:00", "2021-01-15T00:00:00+10:00", "2021-01-20T00:00:00+10:00",
        "2021-02-25T00:00:00+10:00", "2021-02-26T00:00:00+10:00"]))
    end = start.copy()
    end.iloc[2] = pd.NaT  # b's last event has no end: its start counts
    o = pd.DataFrame({"deploymentID": ["b", "b", "b", "a", "x"], "eventStart": start,
                      "eventEnd": end})
    got = effort_end(d, o).dt.tz_convert("Etc/GMT-10").dt.strftime("%Y-%m-%d %H:%M")
    assert got.tolist() == ["2021-03-01 00:00", "2021-01-20 00:00", "2021-01-01 00:00",
                            "2021-03-01 00:00"]
    # the rows of each observation's deployment given by the caller give the same ends
    rows = np.array([1, 1, 1, 0, -1])
    assert effort_end(d, o, deployment_rows=rows).equals(effort_end(d, o))

"""A package recorded the way Camtrap DP's own example and other programmes record data
(a mother's row plus count rows for her cubs, two cameras at one station, a camera that
failed before it was collected, animals seen at one or two places) gives the numbers a
hand count gives: in the analyses, on the pages (AppTest), in ``landmap summary`` and in
the exports.

The hand count, all in 2021, cameras on UTC+10:

- stations S1 (cameras d1: 60 days, d2: 30 days, same 1 January start), S2 (d3: set for
  100 days but tagged ``failed``, last photograph after 20 days), S3 (d4: 31 days),
  S4 (d5: 30 days). Camera-days 60 + 30 + 20 + 31 + 30 = 171; station-days
  60 + 20 + 31 + 30 = 141; 4 stations.
- Leo 1F (adult female) at S1 on d1 at 02:00 with a row for two unidentified cubs and her
  identified cub Leo 9M, then on d2 five minutes later, at S2 and at S4. Leo 2M at S3 on
  two days. Leo 3M at S1 and S3.
- Records that are detections: 9 (the cubs' count row rides with its mother).
  Independent detections at 30 min: Leo 1F 3 (the two cameras of S1 see one event),
  Leo 9M 1, Leo 2M 2, Leo 3M 2: 8.
- Individuals 4, adults 3 (Leo 9M is a cub), females 1, males 3, new 4; one female with
  cubs, 3 cubs (2 by count + 1 identified).
- Home ranges: Leo 1F's MCP is the triangle S1-S2-S4; Leo 2M has 1 place, Leo 3M 2:
  no MCP, with the reason.
"""

from __future__ import annotations

import io
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from landmap.cli import main
from landmap.effort import effort_grid
from landmap.home_range import home_ranges, independent_detections
from landmap.io.camtrapdp import read_camtrapdp
from landmap.io.exports import geojson_bytes
from landmap.population import yearly_population
from landmap.summary import summarise
from landmap.survey import headline
from tests.conftest import dep, obs

PLACES = {"S1": (43.10, 131.40), "S2": (43.15, 131.47), "S3": (43.20, 131.50),
          "S4": (43.12, 131.55)}


def _deployment(i, station, days, **kw):
    lat, lon = PLACES[station]
    end = pd.Timestamp("2021-01-01T12:00") + pd.Timedelta(days=days)
    return dep(i, locationID=station, latitude=str(lat), longitude=str(lon),
               deploymentStart="2021-01-01T12:00:00+10:00",
               deploymentEnd=f"{end:%Y-%m-%dT%H:%M}:00+10:00", **kw)


def _seen(i, camera, when, who, event=None, **kw):
    row = obs(i, deploymentID=camera, eventID=event or f"e{i}", individualID=who,
              eventStart=f"2021-{when}+10:00", eventEnd=f"2021-{when}+10:00",
              sex="female" if who.endswith("F") else "male" if who else "")
    row.update(kw)
    return row


@pytest.fixture
def family(make_package):
    deployments = [_deployment(1, "S1", 60), _deployment(2, "S1", 30),
                   _deployment(3, "S2", 100, deploymentTags="failed"),
                   _deployment(4, "S3", 31), _deployment(5, "S4", 30)]
    observations = [
        _seen(1, "d1", "01-10T02:00:00", "Leo 1F", "ev1"),
        _seen(2, "d1", "01-10T02:00:00", "", "ev1", lifeStage="juvenile", count="2"),
        _seen(3, "d1", "01-10T02:00:00", "Leo 9M", "ev1", lifeStage="juvenile"),
        _seen(4, "d2", "01-10T02:05:00", "Leo 1F"),
        # the failed camera's last photograph: 20 days after it was set up
        _seen(5, "d3", "01-21T12:00:00", "Leo 1F"),
        _seen(6, "d5", "01-25T03:00:00", "Leo 1F"),
        _seen(7, "d4", "01-25T04:00:00", "Leo 2M"),
        _seen(8, "d4", "01-26T04:00:00", "Leo 2M"),
        _seen(9, "d1", "01-27T04:00:00", "Leo 3M"),
        _seen(10, "d4", "01-28T04:00:00", "Leo 3M"),
    ]
    return make_package(deployments=deployments, observations=observations)


def test_analyses_give_the_hand_count(family):
    s = read_camtrapdp(family)
    h = headline(s)
    assert (h.stations, h.trap_nights, h.detections, h.individuals) == (4, 171.0, 9, 4)
    assert headline(s, effort="station").trap_nights == 141.0
    assert len(independent_detections(s)) == 8
    grid = effort_grid(s, cell_km=50, by_year=False)
    assert (int(grid["detections"].sum()), float(grid["trap_nights"].sum())) == (8, 171.0)
    assert float(effort_grid(s, cell_km=50, by_year=False, effort="station")[
        "trap_nights"].sum()) == 141.0
    p = yearly_population(s).set_index("year").loc[2021]
    assert (p["individuals"], p["adults"], p["females"], p["males"]) == (4, 3, 1, 3)
    assert (p["new_individuals"], p["females_with_cubs"], p["cubs"]) == (4, 1, 3)
    failed = [x for x in s.problems if x.field == "deploymentTags"]
    assert len(failed) == 1 and "80.0 camera-days after it are not effort" in str(failed[0])


def _triangle_km2(stations) -> float:
    pts = gpd.GeoSeries(gpd.points_from_xy([PLACES[k][1] for k in stations],
                                           [PLACES[k][0] for k in stations]),
                        crs="EPSG:4326").to_crs("EPSG:32652").get_coordinates().to_numpy()
    (x1, y1), (x2, y2), (x3, y3) = pts
    return abs((x2 - x1) * (y3 - y1) - (x3 - x1) * (y2 - y1)) / 2 / 1e6  # shoelace


def test_home_ranges_and_their_export_give_the_hand_count(family, tmp_path):
    s = read_camtrapdp(family)
    r = home_ranges(s, method="mcp").set_index("individualID")
    assert r.loc["Leo 1F", "area_km2"] == pytest.approx(_triangle_km2(["S1", "S2", "S4"]),
                                                         rel=1e-9)
    assert r.loc["Leo 2M", "note"] == "only 1 distinct place(s); MCP needs at least 3"
    assert r.loc["Leo 3M", "note"] == "only 2 distinct place(s); MCP needs at least 3"
    back = gpd.read_file(io.BytesIO(geojson_bytes(r[r.geometry.notna()].reset_index())))
    assert back["individualID"].tolist() == ["Leo 1F"]
    assert back.to_crs("EPSG:32652").area.iloc[0] / 1e6 == pytest.approx(
        r.loc["Leo 1F", "area_km2"], rel=1e-3)


def test_summary_command_gives_the_hand_count(family, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("LANDMAP_CACHE", str(tmp_path / "cache"))
    for effort, nights in (("camera", 171.0), ("station", 141.0)):
        assert main(["summary", str(family), "--format", "json", "--effort", effort]) == 0
        result = json.loads(capsys.readouterr().out)
        h, year = result["headline"], result["yearly"][0]
        assert (h["stations"], h["trap_nights"], h["detections"], h["individuals"]) == \
            (4, nights, 9, 4)
        assert h["effort_unit"] == year["effort_unit"] == f"{effort}-days"
        assert (year["individuals"], year["adults"], year["cubs"],
                year["females_with_cubs"], year["russia_only"], year["both"]) == (4, 3, 3, 1,
                                                                                  4, 0)
    assert summarise(read_camtrapdp(family)).yearly["trap_nights"].tolist() == [171.0]
    grid = tmp_path / "grid.csv"
    assert main(["export", str(family), "--what", "effort", "--effort", "station",
                 "--cell-km", "50", "--output", str(grid)]) == 0
    cells = pd.read_csv(grid)
    assert (cells["trap_nights"].sum(), cells["detections"].sum()) == (141.0, 8)
    assert set(cells["effort_unit"]) == {"station-days"}


def test_pages_show_the_hand_count(family, dashboard_on):
    app = dashboard_on(family)
    app.run()
    assert not app.exception
    shown = {m.label: m.value for m in app.metric}
    assert shown == {"Camera stations": "4", "Trap-nights": "171", "Leopard detections": "9",
                     "Individuals": "4"}
    app.radio(key="effort").set_value("station").run()
    assert {m.label: m.value for m in app.metric}["Trap-nights"] == "141"
    assert app.query_params["effort"] in ("station", ["station"])
    app.switch_page("pages/trap_density.py").run()
    assert not app.exception
    shown = {m.label: m.value for m in app.metric}
    assert shown["Trap-nights"] == "141"
    app.switch_page("pages/home_ranges.py").run()
    assert not app.exception
    table = next(d.value for d in app.dataframe if "area_km2" in d.value.columns)
    mcp = table[(table["individualID"] == "Leo 1F") & (table["method"] == "mcp")]
    assert mcp["area_km2"].iloc[0] == pytest.approx(_triangle_km2(["S1", "S2", "S4"]),
                                                    rel=1e-6)
    assert np.isfinite(mcp["area_km2"].iloc[0])
    app.switch_page("pages/sightings.py").run()
    assert not app.exception
    assert {m.label: m.value for m in app.metric}["Leopard detections"] == "9"
    app.switch_page("pages/cross_border.py").run()
    assert not app.exception
    shown = {m.label: m.value for m in app.metric}
    assert (shown["Russia only"], shown["Seen on both sides"], shown["China only"]) == \
        ("4", "0", "0")
    app.switch_page("pages/individuals.py").run()
    app.selectbox(key="profile").set_value("Leo 1F").run()
    assert not app.exception
    shown = {m.label: m.value for m in app.metric}
    # Leo 1F: the two cameras of S1 saw one event; S2 and S4 one each
    assert (shown["Independent detections"], shown["Stations"]) == ("3", "3")
    cubs = [d.value for d in app.dataframe if "cubs" in d.value.columns]
    assert cubs and cubs[0]["cubs"].tolist() == [3]


def test_a_mothers_selection_keeps_her_cubs(family):
    # Selecting Leo 1F keeps the unidentified cubs of her events (their row has no ID to
    # select them by); her identified cub Leo 9M is an individual of its own and counts
    # when it is selected too. Before, a mother's selection showed no cubs at all.
    s = read_camtrapdp(family)
    year = summarise(s, individuals=["Leo 1F"]).yearly.iloc[0]
    assert (year["individuals"], year["females_with_cubs"], year["cubs"]) == (1, 1, 2)
    both = summarise(s, individuals=["Leo 1F", "Leo 9M"]).yearly.iloc[0]
    assert (both["individuals"], both["cubs"]) == (2, 3)
    assert headline(s.filter(individuals=["Leo 1F"])).detections == 4  # the cubs ride along


def test_loading_on_the_data_page_switches_every_number_at_once(family, dashboard_on):
    # Before: right after a load, a KeyError on "years" and the previous package's numbers.
    app = dashboard_on(LANDMAP_DATA_ROOTS=family.parent)
    app.query_params["years"] = "2017-2018"  # a span the new package does not have
    app.run()
    app.switch_page("pages/data.py").run()
    app.text_input(key="package-path").set_value(str(family)).run()
    app.button(key="load-path").click().run()
    assert not app.exception
    shown = {m.label: m.value for m in app.metric}
    assert (shown["Deployments"], shown["Stations"], shown["Years"]) == ("5", "4", "2021–2021")
    app.switch_page("pages/overview.py").run()
    assert not app.exception
    assert {m.label: m.value for m in app.metric}["Trap-nights"] == "171"
    # a folder outside the data folders is refused with a message, the data stay
    app.switch_page("pages/data.py").run()
    app.text_input(key="package-path").set_value("/etc").run()
    app.button(key="load-path").click().run()
    assert not app.exception
    assert any("loads packages only from its data folders" in e.value for e in
               [*app.error, *app.markdown, *app.caption]) or any(
        "loads packages only from its data folders" in str(d.value.to_csv())
        for d in app.dataframe)
    assert {m.label: m.value for m in app.metric}["Deployments"] == "5"

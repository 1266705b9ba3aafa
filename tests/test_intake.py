"""Own data that must load: Camtrap DP packages with the standard's variety, by folder, zip
and upload, spreadsheet tables, and boundary layers in each format and CRS."""

from __future__ import annotations

import io
import json
import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landmap.home_range import home_ranges
from landmap.io.camtrapdp import read_camtrapdp
from landmap.io.exports import camtrapdp_zip
from landmap.io.intake import open_package, package_from_files
from landmap.io.layers import read_layer
from landmap.io.tables import guess_columns, read_csv_text, survey_from_tables
from landmap.io.validate import DataError
from landmap.observations import LEOPARD
from landmap.survey import headline
from tests.conftest import dep, obs


def _zip_folder(folder) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in folder.iterdir():
            archive.write(path, f"my-package/{path.name}")  # packed with its folder
    return buffer.getvalue()


def test_package_with_several_species_both_levels_no_ids_and_extra_resources(make_package):
    observations = [
        obs(1, individualID=None), obs(2, scientificName="Sus scrofa", individualID=None,
                                       count="4"),
        obs(3, scientificName="Homo sapiens", observationType="human", individualID=None),
        obs(4, observationType="blank", scientificName="", individualID=None),
        obs(5, observationLevel="media", individualID=None, mediaID="m1"),
    ]
    for row in observations:
        row.pop("individualID")
    weather = "date,snow_cm\n2021-01-10,35\n"
    descriptor = {"name": "t", "resources": [
        {"name": "deployments", "path": "deployments.csv"},
        {"name": "observations", "path": "observations.csv"},
        {"name": "media", "path": "media.csv"},
        {"name": "weather", "path": "weather.csv"}]}
    folder = make_package(observations=observations, descriptor=descriptor,
                          raw={"weather.csv": weather, "media.csv": "mediaID\nm1\n"})
    s = read_camtrapdp(folder)
    assert sorted(set(s.observations["scientificName"]) - {""}) == [
        "Homo sapiens", LEOPARD, "Sus scrofa"]
    assert s.observation_level == "event" and len(s.observations) == 4
    assert s.leopard_ids() == []  # no individual IDs at all: nothing invented
    assert headline(s).detections == 1 and headline(s).individuals == 0
    assert any("media-level observations kept aside: 1" in p.message for p in s.problems)


def test_package_from_the_other_side_of_the_world(make_package):
    """Kenya: south of the equator, UTM zone 37S, in no bundled country. Four stations on
    the corners of a 2 km square (drawn in UTM 37S) give an MCP of 4 km² by hand."""
    from pyproj import Transformer

    corners = [(250_000, 9_850_000), (252_000, 9_850_000), (252_000, 9_852_000),
               (250_000, 9_852_000)]
    lon, lat = Transformer.from_crs(32737, 4326, always_xy=True).transform(*zip(*corners,
                                                                             strict=True))
    stations = [dep(i + 1, latitude=f"{lat[i]:.7f}", longitude=f"{lon[i]:.7f}",
                    deploymentStart="2021-01-01T12:00:00+03:00",
                    deploymentEnd="2021-03-01T12:00:00+03:00") for i in range(4)]
    sightings = [obs(i + 1, deploymentID=f"d{i + 1}",
                     eventStart=f"2021-01-{11 + i}T02:00:00+03:00",
                     eventEnd=f"2021-01-{11 + i}T02:00:30+03:00") for i in range(4)]
    s = read_camtrapdp(make_package(deployments=stations, observations=sightings))
    assert s.metric_crs == "EPSG:32737"
    assert set(s.deployments["country"]) == {""}
    mcp = home_ranges(s, method="mcp")
    assert mcp["area_km2"].iloc[0] == pytest.approx(4.0, rel=1e-4)
    assert mcp.crs.to_epsg() == 32737


def test_zip_upload_and_loose_files_load_the_same_survey(make_package):
    folder = make_package(deployments=[dep(), dep(2, latitude="43.0")],
                          observations=[obs(), obs(2, deploymentID="d2")])
    from_folder = read_camtrapdp(folder)
    from_zip = open_package(_zip_folder(folder), "my-package.zip")
    loose = package_from_files([(p.name, p.read_bytes()) for p in folder.iterdir()])
    for s in (from_zip, loose):
        assert headline(s) == headline(from_folder)
        assert s.observations["eventStart"].equals(from_folder.observations["eventStart"])
    assert from_zip.source.startswith("my-package.zip (upload, sha256 ")
    zipped = folder.parent / "package.zip"
    zipped.write_bytes(_zip_folder(folder))
    assert headline(open_package(zipped)) == headline(from_folder)
    assert sorted(p.name for p in folder.iterdir()) == [
        "datapackage.json", "deployments.csv", "observations.csv"]  # originals untouched


def test_demo_round_trips_through_an_uploaded_zip(demo):
    back = open_package(camtrapdp_zip(demo), "demo.zip")
    assert headline(back) == headline(demo)
    assert back.leopard_ids() == demo.leopard_ids()
    assert back.observations["eventStart_offset"].equals(demo.observations["eventStart_offset"])


# ----------------------------------------------------------------------------- tables
def _stations_csv() -> bytes:
    return ("Station;utm_x;utm_y;Setup_date;Retrieval_date;Problem1_from;Problem1_to\n"
            "A;533000;4772000;01.01.2021;01.03.2021;;\n"
            "B;540000;4768000;02.01.2021;02.03.2021;01.02.2021;10.02.2021\n").encode("utf-8-sig")


def _records_csv() -> bytes:
    return (b"Station,Species,Date,Time,Individual,Count\n"
            b"A,Panthera pardus orientalis,15.01.2021,03:20,Leo 1F,1\n"
            b"B,Panthera pardus orientalis,15.02.2021,22:05,Leo 1F,2\n"
            b"B,Sus scrofa,20.01.2021,12:00,,3\n")


def test_camtrapr_tables_with_utm_coordinates_and_a_problem_period():
    stations = read_csv_text(_stations_csv(), "CTtable.csv")
    records = read_csv_text(_records_csv(), "recordTable.csv")
    st_map = guess_columns(stations.columns, "stations")
    rec_map = guess_columns(records.columns, "records")
    assert (st_map["x"], st_map["setup"], rec_map["date"], rec_map["time"]) == (
        "utm_x", "Setup_date", "Date", "Time")
    s = survey_from_tables(stations, records, station_columns=st_map, record_columns=rec_map,
                           timezone="Asia/Vladivostok", date_format="%d.%m.%Y",
                           crs="EPSG:32652", names=("CTtable.csv", "recordTable.csv"))
    # B's problem period (1–10 Feb) splits it into two deployments.
    assert s.deployments["deploymentID"].tolist() == ["A-r2-1", "B-r3-1", "B-r3-2"]
    assert s.deployments["locationID"].tolist() == ["A", "B", "B"]
    # Dates without a time are noon local time (UTC+10): 2021-01-01 12:00 = 02:00 UTC.
    assert str(s.deployments["deploymentStart"].iloc[0]) == "2021-01-01 02:00:00+00:00"
    assert str(s.deployments["deploymentEnd"].iloc[1]) == "2021-02-01 02:00:00+00:00"
    assert str(s.deployments["deploymentStart"].iloc[2]) == "2021-02-10 02:00:00+00:00"
    # By hand: UTM 52N has its central meridian at 129°E and false easting 500 km, so
    # 533 000 E is 33 km east of it: 33 / (111.32 × cos 43.1°) = 0.406°; 4 772 000 N is
    # about 43.1°N (0.9996 scale, ~110.7 km per degree). Tolerance 0.01° (~1 km).
    assert s.deployments["latitude"].iloc[0] == pytest.approx(43.10, abs=0.01)
    assert s.deployments["longitude"].iloc[0] == pytest.approx(129.406, abs=0.01)
    assert s.observations["eventStart_offset"].unique().tolist() == [600]
    assert s.observations["deploymentID"].tolist() == ["A-r2-1", "B-r3-2", "B-r3-1"]
    assert s.observations["count"].tolist() == [1, 2, 3]
    assert s.leopard_ids() == ["Leo 1F"]
    assert headline(s).detections == 2
    assert s.source == "CTtable.csv + recordTable.csv (tables)"


def test_camera_exif_dates_and_own_offsets_are_read():
    stations = pd.DataFrame({"Station": ["A"], "lat": ["42.9"], "lon": ["130.9"],
                             "Setup_date": ["2021-01-01"], "Retrieval_date": ["2021-03-01"]})
    records = pd.DataFrame({"Station": ["A", "A"], "Species": ["Panthera pardus orientalis"] * 2,
                            "DateTimeOriginal": ["2021:01:15 03:20:00",
                                                 "2021-01-16T03:20:00+08:00"]})
    s = survey_from_tables(stations, records,
                           station_columns=guess_columns(stations.columns, "stations"),
                           record_columns=guess_columns(records.columns, "records"),
                           timezone="Asia/Shanghai")
    assert s.observations["eventStart_offset"].tolist() == [480, 480]
    assert [str(t) for t in s.observations["eventStart"]] == [
        "2021-01-14 19:20:00+00:00", "2021-01-15 19:20:00+00:00"]


# ----------------------------------------------------------------------------- layers
@pytest.fixture
def zones() -> gpd.GeoDataFrame:
    """Two management zones near Kedrovaya Pad in UTM 52N (a CRS the user might have)."""
    return gpd.GeoDataFrame({"zone": ["core", "buffer"], "area_ha": [1200, 5400]},
                            geometry=[shapely.box(520_000, 4_770_000, 525_000, 4_775_000),
                                      shapely.box(525_000, 4_770_000, 535_000, 4_775_000)],
                            crs="EPSG:32652")


@pytest.mark.parametrize(("suffix", "driver"), [(".geojson", "GeoJSON"), (".gpkg", "GPKG"),
                                                (".kml", "KML"), (".zip", "ESRI Shapefile")])
def test_boundary_layer_formats_are_reprojected(tmp_path, zones, suffix, driver):
    source = zones if driver != "KML" else zones.to_crs(4326)  # KML is always WGS84
    if suffix == ".zip":
        source.to_file(tmp_path / "zones.shp")
        path = tmp_path / "zones.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for part in tmp_path.glob("zones.*"):
                if part.suffix != ".zip":
                    archive.write(part, f"shapes/{part.name}")
    else:
        path = tmp_path / f"zones{suffix}"
        source.to_file(path, driver=driver)
    layer = read_layer(path)
    assert layer.features.crs.to_epsg() == 4326
    assert layer.problems == []
    assert len(layer.features) == 2
    # Areas survive the round trip: 25 km² and 50 km² (by hand: 5×5 and 10×5 km).
    areas = layer.features.to_crs(32652).area.to_numpy() / 1e6
    assert np.allclose(areas, [25, 50], rtol=1e-3)
    if driver != "KML":
        assert "32652" in layer.source_crs


def test_geopackage_layer_choice(tmp_path, zones):
    path = tmp_path / "park.gpkg"
    zones.to_file(path, layer="zones")
    zones.iloc[:1].to_file(path, layer="core")
    layer = read_layer(path, layer="core")
    assert layer.name == "park.gpkg:core" and len(layer.features) == 1


def test_user_layer_is_drawn_on_the_map(tmp_path, zones, demo):
    import dataclasses

    from landmap.maps import overview_map

    path = tmp_path / "zones.geojson"
    zones.to_file(path, driver="GeoJSON")
    layer = read_layer(path)
    s = dataclasses.replace(demo.filter(years=(2021, 2021)), boundaries=dataclasses.replace(
        demo.boundaries, extra=((layer.name, layer.features),)))
    html = overview_map(s).get_root().render()
    assert "zones.geojson (your layer, 2 features)" in html
    assert html.count('"zone": "buffer"') == 1


# ----------------------------------------------------------------------------- properties
_cells = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
                 max_size=12)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_cells, min_size=5, max_size=5), min_size=0, max_size=6),
       header=st.sampled_from([
           ["deploymentID", "latitude", "longitude", "deploymentStart", "deploymentEnd"],
           ["deploymentID", "latitude", "longitude", "deploymentStart", "extra"],
           ["a", "b", "c", "d", "e"]]))
def test_reader_never_crashes_on_arbitrary_deployments(make_package, rows, header):
    text = pd.DataFrame(rows, columns=header).to_csv(index=False)
    folder = make_package(raw={"deployments.csv": text})
    try:
        s = read_camtrapdp(folder)
    except DataError as error:
        assert error.problems and all(p.file and p.message for p in error.problems)
    else:
        assert len(s.deployments) == len(rows)  # nothing silently dropped


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=300))
def test_table_reader_never_crashes_on_arbitrary_bytes(data):
    try:
        frame = read_csv_text(data, "stations.csv")
    except DataError as error:
        assert error.problems[0].file == "stations.csv"
    else:
        assert isinstance(frame, pd.DataFrame)


@settings(max_examples=100, deadline=None)
@given(values=st.lists(_cells, min_size=1, max_size=4))
def test_tables_never_crash_on_arbitrary_dates(values):
    stations = pd.DataFrame({"Station": ["A"] * len(values), "lat": ["43.1"] * len(values),
                             "lon": ["131.4"] * len(values), "Setup_date": values,
                             "Retrieval_date": ["2021-03-01"] * len(values)})
    records = pd.DataFrame({"Station": ["A"], "Species": ["x"],
                            "DateTimeOriginal": [values[0]]})
    try:
        survey_from_tables(stations, records,
                           station_columns=guess_columns(stations.columns, "stations"),
                           record_columns=guess_columns(records.columns, "records"))
    except DataError as error:
        assert all(p.message for p in error.problems)


def test_descriptor_keeps_unknown_properties(make_package):
    folder = make_package()
    descriptor = json.loads((folder / "datapackage.json").read_text())
    descriptor["project"] = {"title": "Land of the Leopard camera traps"}
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    assert read_camtrapdp(folder).metadata["project"]["title"] == \
        "Land of the Leopard camera traps"

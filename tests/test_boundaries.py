"""Boundary layers: valid, in the published ranges, known places in the right country."""

import subprocess
import sys

import pytest

from landmap.boundaries import GEODATA_DIR, country_of, load_boundaries
from tests.conftest import ROOT


def test_layers_are_valid_wgs84(boundaries):
    for frame in (boundaries.countries, boundaries.border, boundaries.parks):
        assert frame.crs.to_epsg() == 4326
        assert frame.is_valid.all()
        assert {"source", "approximate"} <= set(frame.columns)


def test_countries_and_border():
    b = load_boundaries()
    assert sorted(b.countries["iso_a3"]) == ["CHN", "PRK", "RUS"]
    assert b.border.geom_type.iloc[0] in ("LineString", "MultiLineString")
    # The Natural Earth border in the 129-133.5 E, 41.8-45.5 N window (independent check:
    # the Hunchun-Primorye stretch alone is about 246 km per Chinese sources).
    length_km = b.border.to_crs("EPSG:32652").length.iloc[0] / 1000
    assert 400 < length_km < 800


def test_a_callers_change_to_its_layers_reaches_no_other_caller():
    """The layers are parsed once and each caller gets its own (shallow) copies: a page
    that renames, moves, edits or reprojects must not change the next page's map."""
    import shapely

    mine = load_boundaries()
    mine.countries["iso_a3"] = "XXX"
    mine.countries.loc[mine.countries.index[0], "geometry"] = shapely.Point(0, 0)
    mine.parks.loc[mine.parks.index[0], "source"] = "edited"
    mine.border.set_crs("EPSG:3857", allow_override=True, inplace=True)
    theirs = load_boundaries()
    assert sorted(theirs.countries["iso_a3"]) == ["CHN", "PRK", "RUS"]
    assert theirs.countries.geometry.iloc[0].geom_type in ("Polygon", "MultiPolygon")
    assert "edited" not in set(theirs.parks["source"]) and theirs.border.crs.to_epsg() == 4326


@pytest.mark.parametrize(
    ("park_id", "low", "high"),
    [
        # Published: about 2,620-2,800 km2 (park and government releases).
        ("land-of-the-leopard", 2620, 2800),
        # Published: 179 km2; outline built to 179 km2 within 1 %.
        ("kedrovaya-pad", 177.2, 180.8),
        # Published: about 14,065 km2 (Chinese national park administration); 1 % tolerance.
        ("ne-china-tiger-leopard", 13_925, 14_240),
    ],
)
def test_park_areas_in_published_ranges(boundaries, park_id, low, high):
    area = float(boundaries.area_km2().loc[boundaries.park(park_id).index[0]])
    assert low <= area <= high


def test_parks_are_marked_approximate_with_a_source(boundaries):
    parks = boundaries.parks
    assert parks["approximate"].all()
    assert parks["source"].str.contains("APPROXIMATE").all()


def test_kedrovaya_pad_lies_inside_land_of_the_leopard(boundaries):
    park = boundaries.park("land-of-the-leopard").to_crs("EPSG:32652").geometry.iloc[0]
    reserve = boundaries.park("kedrovaya-pad").to_crs("EPSG:32652").geometry.iloc[0]
    assert reserve.difference(park).area / reserve.area < 0.001


@pytest.mark.parametrize(
    ("place", "lat", "lon", "iso"),
    [
        ("Kraskino", 42.708, 130.782, "RUS"),
        ("Hunchun", 42.863, 130.366, "CHN"),
        ("Kedrovaya Pad centre", 43.1, 131.5, "RUS"),
        ("Khasan", 42.428, 130.646, "RUS"),
        ("Grodekovo", 44.41, 131.38, "RUS"),
    ],
)
def test_known_places_fall_in_the_right_country(boundaries, place, lat, lon, iso):
    assert country_of([lon], [lat], boundaries).tolist() == [iso], place


def test_unknown_park_id_is_named(boundaries):
    with pytest.raises(KeyError, match="park_id='yellowstone'"):
        boundaries.park("yellowstone")


def test_missing_layer_names_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"countries\.geojson"):
        load_boundaries(tmp_path)


def test_derive_script_reproduces_the_committed_layers(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "scripts" / "derive_geodata.py"), "--out",
                    str(tmp_path)], check=True, capture_output=True)
    for name in ("countries", "border", "parks"):
        assert (tmp_path / f"{name}.geojson").read_bytes() == \
            (GEODATA_DIR / f"{name}.geojson").read_bytes(), name


def test_suifenhe_shows_the_border_generalisation(boundaries):
    """Suifenhe (44.41 N 131.16 E, China) lies 0.6 km on the Russian side of the 1:10m line.

    A known limit of Natural Earth 1:10m (about 1 km): stations this close to the border
    need the official line or the on-border flag, not the polygon alone.
    """
    import geopandas as gpd
    from shapely.geometry import Point

    point = gpd.GeoSeries([Point(131.16, 44.41)], crs=4326).to_crs("EPSG:32652").iloc[0]
    distance = boundaries.border.to_crs("EPSG:32652").distance(point).iloc[0]
    assert distance < 1_000


def test_station_points_give_each_station_its_place_and_country_and_leave_the_table_alone(
        boundaries):
    import pandas as pd

    from landmap.io.camtrapdp import station_points

    # a Russian station, the same place again, a Chinese one and one at sea (the places
    # of country_of's example); a table that already has a country column keeps it where it stands
    table = pd.DataFrame({"deploymentID": ["a", "b", "c", "d"],
                          "country": ["?", "?", "?", "?"],
                          "longitude": [130.782, 130.782, 130.366, 131.9],
                          "latitude": [42.708, 42.708, 42.863, 42.6]})
    before = table.copy()
    stations = station_points(table, boundaries)
    assert list(stations.columns) == ["deploymentID", "country", "longitude", "latitude",
                                      "geometry"]
    assert stations["country"].tolist() == ["RUS", "RUS", "CHN", ""]
    assert stations.geometry.to_wkt().tolist() == [
        "POINT (130.782 42.708)", "POINT (130.782 42.708)", "POINT (130.366 42.863)",
        "POINT (131.9 42.6)"]
    assert stations.crs.to_epsg() == 4326
    stations.loc[0, "longitude"] = 0.0  # the stations are the caller's to change
    pd.testing.assert_frame_equal(table, before)

"""Location precision: what generalisation does to points, shapes, surveys and files."""

import dataclasses
import io
import json
import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from landmap.home_range import home_ranges
from landmap.io.exports import camtrapdp_zip, csv_bytes, geojson_bytes, gpkg_bytes
from landmap.io.validate import Problem
from landmap.privacy import EXACT, WITHHELD, Precision, protect, snap_points
from landmap.survey import headline
from tests.conftest import off_grid


def test_precision_parse_label_and_metadata_values():
    assert [Precision.parse(c).label for c in ("exact", "1", "5", "10")] == [
        "locations exact", "locations generalised to 1 km", "locations generalised to 5 km",
        "locations generalised to 10 km"]
    # Camtrap DP coordinatePrecision: the cell in degrees of latitude (1° ≈ 111.32 km),
    # rounded up to one significant digit: 1 km = 0.00898° → 0.009; 5 km = 0.0449° → 0.05.
    assert [Precision(k).degrees for k in (1, 5, 10)] == [0.009, 0.05, 0.09]
    # Half the diagonal of the cell: 5 km × √2 / 2 = 3,535.5 m, rounded up.
    assert Precision(5).uncertainty_m == 3536
    with pytest.raises(ValueError, match="'exactly' is not one of exact, 1, 5, 10"):
        Precision.parse("exactly")
    with pytest.raises(ValueError, match="cell_km=3"):
        Precision(3)


def test_grids_that_may_be_shown_nest_in_the_precision_grid():
    assert [k for k in (1, 2, 5, 10) if Precision(5).allows_cells(k)] == [5, 10]
    assert [k for k in (1, 2, 5, 10) if Precision(1).allows_cells(k)] == [1, 2, 5, 10]
    assert [k for k in (1, 2, 5, 10) if EXACT.allows_cells(k)] == [1, 2, 5, 10]


def test_points_move_to_the_centre_of_their_cell():
    # By hand: 12,345 m lies in the 10-15 km cell (centre 12,500); -1 m in the -5-0 cell.
    x, y = snap_points([12_345.0, -1.0, 15_000.0], [4_771_234.0, 4_770_000.0, 0.0], 5000)
    assert x.tolist() == [12_500.0, -2_500.0, 17_500.0]
    assert y.tolist() == [4_772_500.0, 4_772_500.0, 2_500.0]


def test_generalised_survey_keeps_every_record_and_attribute(demo):
    five = protect(demo, Precision(5))
    assert five.precision == Precision(5) and demo.precision == EXACT
    d, g = demo.deployments, five.deployments
    assert len(g) == len(d)
    assert g["deploymentID"].tolist() == d["deploymentID"].tolist()
    assert g["country"].tolist() == d["country"].tolist()  # countries from the exact places
    assert off_grid(g["longitude"], g["latitude"], 5).size == 0
    assert off_grid(g.geometry.x, g.geometry.y, 5).size == 0
    assert len(off_grid(d["longitude"], d["latitude"], 5)) == len(d)  # exact ones are not
    # No station moves further than half a cell diagonal.
    moved = d.geometry.to_crs(32652).distance(g.geometry.to_crs(32652), align=False)
    assert moved.max() <= 3536
    assert (g["coordinateUncertainty"] >= 3536).all()
    # Counts do not depend on where the stations are drawn.
    assert headline(five) == headline(demo)
    assert five.filter(years=(2021, 2021)).precision == Precision(5)
    assert demo.deployments.equals(d)  # the input is not changed


def test_generalised_metadata_states_precision_and_extent_on_the_grid(demo):
    meta = protect(demo, Precision(10)).metadata
    assert meta["coordinatePrecision"] == 0.09
    assert meta["location_precision"] == "locations generalised to 10 km"
    corners = np.array(meta["spatial"]["coordinates"][0])
    assert off_grid(corners[:, 0], corners[:, 1], 10).size == 0
    assert demo.metadata["coordinatePrecision"] == 0.00001  # the source is untouched


def test_problem_report_withholds_coordinates(demo):
    s = dataclasses.replace(demo, problems=[
        Problem("deployments.csv", 7, "latitude", "43.123456", "flagged", "odd"),
        Problem("deployments.csv", 8, "deploymentEnd", "2021-13-01", "refused", "bad date")])
    values = [p.value for p in protect(s, Precision(1)).problems]
    assert values == [WITHHELD, "2021-13-01"]
    assert [p.value for p in protect(s, EXACT).problems] == ["43.123456", "2021-13-01"]


def _on_centre_lines(xy: np.ndarray, cell: float) -> np.ndarray:
    """Whether each vertex lies on a line through the cell centres (x or y), to 1 mm."""
    r = np.mod(xy - cell / 2, cell)
    return (np.minimum(r, cell - r) < 1e-3).any(axis=1)


def _edges(geom) -> np.ndarray:
    parts = shapely.get_parts(geom)
    rings = shapely.get_rings(parts)
    return np.concatenate([np.diff(shapely.get_coordinates(r), axis=0) for r in rings])


@pytest.mark.parametrize("cell_km", [1, 5, 10])
def test_viewer_ranges_are_outlines_between_cell_centres_and_keep_their_areas(demo, cell_km):
    s = demo.filter(years=(2021, 2021))
    ranges = home_ranges(s, method=("kde", "mcp"), levels=(50, 95))
    drawn = ranges[ranges.geometry.notna()]
    safe = protect(drawn, Precision(cell_km))
    assert safe["area_km2"].tolist() == drawn["area_km2"].tolist()  # computed exact
    assert safe.attrs["location_precision"] == f"locations generalised to {cell_km} km"
    assert safe.geometry.is_valid.all() and not safe.geometry.is_empty.any()
    # The privacy rule: every vertex sits on a line joining two cell centres ...
    xy = shapely.get_coordinates(safe.geometry.to_numpy())
    assert _on_centre_lines(xy, cell_km * 1000).all()
    # ... and is not one of the grid's squares: no edge runs along a grid line.
    edges = np.concatenate([_edges(g) for g in safe.geometry])
    assert not (np.abs(edges) < 1e-6).any(axis=1).any()
    # The outline keeps roughly the size of a range of four cells or more (the area shown
    # is the exact one). Tolerance: the line between centres cuts a convex range's
    # corners, measured at -2 % (1 km), -14 % (5 km) and -20 % (10 km) in the median.
    large = drawn["area_km2"] > 4 * cell_km**2
    ratio = safe.area[large] / 1e6 / drawn.loc[large, "area_km2"]
    assert large.any() and ratio.between(0.6, 1.25).all()
    assert 0.75 <= ratio.median() <= 1.02


def test_an_outline_tells_only_the_share_of_each_cell_an_area_covers():
    # Two ranges that differ inside one cell (its left or its right half covered) but
    # cover every cell in the same share look the same to a viewer.
    core = shapely.box(500_000, 4_770_000, 520_000, 4_785_000)
    left = core.union(shapely.box(520_000, 4_775_000, 522_500, 4_780_000))
    right = core.union(shapely.box(522_500, 4_775_000, 525_000, 4_780_000))
    layer = gpd.GeoDataFrame({"individualID": ["a", "b"]}, geometry=[left, right], crs=32652)
    shown = protect(layer, Precision(5)).geometry
    assert shown[0].normalize().equals_exact(shown[1].normalize(), 1e-6)
    assert not left.equals(right)


def test_a_range_smaller_than_a_cell_becomes_a_small_outline_around_its_cell():
    tiny = gpd.GeoDataFrame({"area_km2": [0.8]}, geometry=[shapely.Point(502_300, 4_771_200)
                                                           .buffer(500)], crs=32652)
    shape = protect(tiny, Precision(5)).geometry[0]
    # a diamond whose corners lie halfway to the neighbouring cells' centres
    assert shape.centroid.equals_exact(shapely.Point(502_500, 4_772_500), 1e-6)
    assert shape.area == pytest.approx(5000**2 / 2)
    assert protect(tiny, Precision(5))["area_km2"].tolist() == [0.8]


def test_cells_stay_cells_and_a_generalised_layer_is_not_traced_twice(demo):
    cells = gpd.GeoDataFrame({"trap_nights": [10, 20]}, crs=32652, geometry=[
        shapely.box(500_000, 4_770_000, 505_000, 4_775_000),
        shapely.box(500_000, 4_770_000, 510_000, 4_780_000)])
    assert protect(cells, Precision(5)).geometry.geom_equals(cells.geometry).all()
    ranges = home_ranges(demo.filter(years=(2021, 2021)), method="kde", levels=(95,))
    once = protect(ranges, Precision(5))
    assert protect(once, Precision(5)) is once


def test_protect_is_stable_when_applied_twice(demo):
    once = protect(demo, Precision(5))
    twice = protect(once, Precision(5))
    assert np.allclose(twice.deployments["latitude"], once.deployments["latitude"], atol=1e-6)
    coarser = protect(protect(demo, Precision(1)), Precision(10))
    direct = protect(demo, Precision(10))
    assert np.allclose(coarser.deployments["longitude"], direct.deployments["longitude"],
                       atol=1e-6)  # 1 km cells nest in 10 km cells


def test_layer_without_crs_is_refused():
    layer = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(1, 2)])
    with pytest.raises(ValueError, match="no CRS"):
        protect(layer, Precision(5))


def test_exports_state_the_precision(demo):
    s = protect(demo.filter(years=(2021, 2021), individuals=["Leo 16F"]), Precision(5))
    deployments = protect(demo.deployments.head(3), Precision(5))
    table = pd.read_csv(io.BytesIO(csv_bytes(deployments)))
    assert set(table["location_precision"]) == {"locations generalised to 5 km"}
    assert off_grid(table["longitude"], table["latitude"], 5).size == 0
    layer = json.loads(geojson_bytes(deployments))
    assert {f["properties"]["location_precision"] for f in layer["features"]} == {
        "locations generalised to 5 km"}
    gpkg = gpd.read_file(io.BytesIO(gpkg_bytes(deployments, "stations")))
    assert set(gpkg["location_precision"]) == {"locations generalised to 5 km"}
    package = zipfile.ZipFile(io.BytesIO(camtrapdp_zip(s)))
    descriptor = json.loads(package.read("datapackage.json"))
    assert descriptor["coordinatePrecision"] == 0.05
    assert descriptor["location_precision"] == "locations generalised to 5 km"
    rows = pd.read_csv(package.open("deployments.csv"))
    assert off_grid(rows["longitude"], rows["latitude"], 5).size == 0


@pytest.fixture(scope="module")
def public(boundaries):
    from tests.conftest import public_places

    return public_places(boundaries)


def _all_maps(s, ranges, exact_survey, precision):
    from landmap.border import crossings_by_individual
    from landmap.effort import coverage_gaps, effort_grid
    from landmap.maps import (
        cross_border_map,
        density_map,
        home_range_map,
        overview_map,
        sightings_map,
    )

    # As the pages do: analyses on the exact survey, their results protected.
    table = crossings_by_individual(exact_survey, ranges=ranges)
    shown = protect(ranges, precision)
    yield "overview", overview_map(s)
    yield "sightings", sightings_map(s)
    yield "home ranges", home_range_map(s, shown)
    grid = protect(effort_grid(exact_survey, cell_km=10, by_year=False), precision)
    gaps = protect(coverage_gaps(exact_survey, cell_km=10), precision)
    yield "density", density_map(s, grid, gaps, "trap_nights")
    yield "cross-border", cross_border_map(s, table, shown)


def test_generalised_maps_hold_no_exact_place(demo, public):
    from tests.conftest import leaked_places

    exact = demo.filter(years=(2021, 2021))
    ranges = home_ranges(exact, levels=(50, 95))
    safe = protect(exact, Precision(5))
    for name, m in _all_maps(safe, ranges, exact, Precision(5)):
        text = m.get_root().render()
        assert "Locations generalised to 5 km" in text, name
        assert leaked_places(text, 5, public) == [], name
        if name == "home ranges":
            assert "lm-station" not in text  # the stations inside ranges are hidden
    # The check finds exact places when they are there.
    for name, m in _all_maps(exact, ranges, exact, EXACT):
        text = m.get_root().render()
        assert "Locations exact" in text, name
        assert len(leaked_places(text, 5, public)) > 20, name

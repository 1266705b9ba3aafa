"""Location precision: exact coordinates, or coordinates generalised to a grid.

Exact camera and leopard locations help poachers, so what leaves the server (a map, a
table, a download) passes through :func:`protect` first. With a generalised
:class:`Precision` every point moves to the centre of its cell of a square grid in UTM
zone 52N (cells aligned on multiples of their size), lines have their vertices moved to
the grid's corners, shapes already made of grid cells (effort, density) stay, and any
other area (home ranges) is redrawn as the 50 % contour of the share of each cell it
covers (:func:`cell_outline`). Attributes (counts, areas, dates, countries) are left as
computed from the exact data: only positions are coarsened.

Published boundary layers (countries, the border, park outlines) are public and pass
through unchanged.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from landmap._contour import superlevel, tracer
from landmap.boundaries import METRIC_CRS
from landmap.i18n import Text

__all__ = ["EXACT", "GRID_KM", "Precision", "cell_outline", "protect", "snap_points"]

#: Grid sizes a user can choose, in kilometres.
GRID_KM = (1, 5, 10)
#: Metadata key under which exported files state their precision.
METADATA_KEY = "location_precision"
#: What a problem report shows instead of a withheld coordinate.
WITHHELD = "(withheld: locations generalised)"

_COORDINATE_FIELDS = {"latitude", "longitude"}
# Cell centre to corner: the largest error generalisation adds, in metres per km of cell.
_HALF_DIAGONAL = math.sqrt(2) / 2 * 1000
_KM_PER_DEGREE = 111.32


@dataclass(frozen=True)
class Precision:
    """How precisely locations are shown: ``cell_km=None`` for exact, else the grid size.

    Examples
    --------
    >>> Precision(5).label
    'locations generalised to 5 km'
    >>> Precision.parse("exact").label
    'locations exact'
    >>> Precision.parse("7")
    Traceback (most recent call last):
    ...
    ValueError: precision: '7' is not one of exact, 1, 5, 10 (km).
    """

    cell_km: int | None = None

    def __post_init__(self):
        if self.cell_km is not None and self.cell_km not in GRID_KM:
            raise ValueError(f"cell_km={self.cell_km!r}: choose None (exact) or one of "
                             f"{', '.join(map(str, GRID_KM))} km.")

    @classmethod
    def parse(cls, text: str) -> Precision:
        """A precision from its URL form: ``"exact"`` or a grid size in km (``"5"``)."""
        if text == "exact":
            return cls(None)
        if text in {str(k) for k in GRID_KM}:
            return cls(int(text))
        choices = ", ".join(["exact", *map(str, GRID_KM)])
        raise ValueError(f"precision: {text!r} is not one of {choices} (km).")

    @property
    def exact(self) -> bool:
        return self.cell_km is None

    @property
    def code(self) -> str:
        """The URL form: ``"exact"`` or the grid size in km."""
        return "exact" if self.exact else str(self.cell_km)

    @property
    def label(self) -> str:
        """What maps and files say: "locations exact" or "locations generalised to 5 km"."""
        if self.exact:
            return Text("locations exact")
        return Text("locations generalised to {km} km", km=self.cell_km)

    @property
    def cell_m(self) -> float:
        return float(self.cell_km or 0) * 1000

    @property
    def uncertainty_m(self) -> int:
        """Largest distance between a true location and its cell centre (half a diagonal)."""
        return 0 if self.exact else math.ceil(self.cell_km * _HALF_DIAGONAL)

    @property
    def degrees(self) -> float | None:
        """Camtrap DP ``coordinatePrecision``: the cell as degrees of latitude, rounded up
        to one significant digit (5 km → 0.05)."""
        if self.exact:
            return None
        raw = self.cell_km / _KM_PER_DEGREE
        step = 10 ** math.floor(math.log10(raw))
        return round(math.ceil(raw / step) * step, 10)

    def allows_cells(self, cell_km: float) -> bool:
        """Whether a grid of ``cell_km`` cells can be shown without revealing finer
        positions: its cells must be unions of this precision's cells."""
        if self.exact:
            return True
        ratio = cell_km / self.cell_km
        return ratio >= 1 and math.isclose(ratio, round(ratio))


EXACT = Precision(None)


def snap_points(x, y, cell_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Move metric coordinates to the centres of their grid cells.

    Cells are aligned on multiples of ``cell_m``, so the same point always lands on the
    same centre and grids of 1, 5 and 10 km nest.

    Examples
    --------
    >>> snap_points([500_100.0, 504_999.0], [4_770_000.0, 4_774_200.0], 5000)
    (array([502500., 502500.]), array([4772500., 4772500.]))
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return (np.floor(x / cell_m) + 0.5) * cell_m, (np.floor(y / cell_m) + 0.5) * cell_m


def protect(obj, precision: Precision, crs: str | None = None):
    """``obj`` with every location coarsened to ``precision`` (exact: ``obj`` itself).

    The grid lies in ``crs``: by default a survey's own UTM zone
    (:attr:`~landmap.survey.Survey.metric_crs`), a projected layer's CRS, else UTM 52N.

    Handles a :class:`~landmap.survey.Survey` (deployments, package metadata and the
    problem report), a GeoDataFrame (points to cell centres, lines to grid corners,
    areas to :func:`cell_outline`; a layer this function already generalised to
    ``precision`` comes back unchanged) and a DataFrame
    with ``latitude``/``longitude`` columns. Anything else carries no location and is
    returned as it is. Frames come back as new objects that carry the precision in
    ``attrs["location_precision"]``, which :mod:`landmap.io.exports` writes into files.

    Examples
    --------
    >>> g = gpd.GeoDataFrame({"id": ["a"]}, geometry=[shapely.Point(500_100, 4_770_900)],
    ...                      crs="EPSG:32652")
    >>> protect(g, Precision(1)).geometry[0].wkt
    'POINT (500500 4770500)'
    >>> protect(42, Precision(5))
    42
    """
    if precision.exact:
        if isinstance(obj, pd.DataFrame):
            obj = obj.copy(deep=False)
            obj.attrs[METADATA_KEY] = precision.label
        return obj
    if dataclasses.is_dataclass(obj) and hasattr(obj, "deployments"):
        return _protect_survey(obj, precision, crs or obj.metric_crs)
    if isinstance(obj, gpd.GeoDataFrame):
        if obj.attrs.get(METADATA_KEY) == precision.label:
            # already drawn at this precision (a page's layer going out as a download):
            # outlines traced a second time would shrink, not become safer
            return obj
        if crs is None:
            crs = obj.crs if obj.crs is not None and obj.crs.is_projected else METRIC_CRS
        out = _protect_table(_protect_geometry(obj, precision, crs), precision, crs)
    elif isinstance(obj, pd.DataFrame):
        out = _protect_table(obj.copy(), precision, crs or METRIC_CRS)
    else:
        return obj
    out.attrs[METADATA_KEY] = precision.label
    return out


# ----------------------------------------------------------------------------- helpers
def _protect_table(frame: pd.DataFrame, precision: Precision, crs) -> pd.DataFrame:
    """Coarsen ``latitude``/``longitude`` columns and raise ``coordinateUncertainty``."""
    if {"latitude", "longitude"} <= set(frame.columns):
        lat = pd.to_numeric(frame["latitude"], errors="coerce").to_numpy(dtype=float)
        lon = pd.to_numeric(frame["longitude"], errors="coerce").to_numpy(dtype=float)
        x, y = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(lon, lat)
        x, y = snap_points(x, y, precision.cell_m)
        lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(x, y)
        frame["latitude"], frame["longitude"] = np.round(lat, 6), np.round(lon, 6)
    if "coordinateUncertainty" in frame:
        known = pd.to_numeric(frame["coordinateUncertainty"], errors="coerce")
        frame["coordinateUncertainty"] = (known.fillna(0).clip(lower=precision.uncertainty_m)
                                          .round().astype("int64"))
    return frame


def _protect_geometry(frame: gpd.GeoDataFrame, precision: Precision, crs) -> gpd.GeoDataFrame:
    out = frame.copy()
    geoms = out.geometry.to_crs(crs).to_numpy() if out.crs else None
    if geoms is None:
        raise ValueError("protect: the layer has no CRS, so its positions cannot be "
                         "generalised; set one first.")
    cell = precision.cell_m
    result = np.array(geoms, dtype=object)
    present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    points = present & (shapely.get_type_id(geoms) == shapely.GeometryType.POINT)
    if points.any():
        x, y = snap_points(shapely.get_x(geoms[points]), shapely.get_y(geoms[points]), cell)
        result[points] = shapely.points(x, y)
    shapes = present & ~points
    if shapes.any():
        snapped = shapely.set_precision(geoms[shapes], cell)
        lost = shapely.is_empty(snapped)
        # A shape thinner than a cell vanishes when snapped: show the cells it touches.
        snapped[lost] = [_touched_cells(g, cell) for g in geoms[shapes][lost]]
        # Areas drawn freely (home ranges) become an outline between the cell centres;
        # shapes already on the grid (effort cells, density cells) stay as they are.
        free = (shapely.get_dimensions(geoms[shapes]) == 2) & ~shapely.equals(
            snapped, geoms[shapes])
        snapped[free] = [cell_outline(g, cell) for g in geoms[shapes][free]]
        result[shapes] = snapped
    series = gpd.GeoSeries(result, index=out.index, crs=crs).to_crs(out.crs)
    return out.set_geometry(series.values, crs=out.crs)


def cell_outline(area, cell: float) -> shapely.MultiPolygon:
    """The outline a viewer sees of an area: the half-covered line of the grid's cells.

    Each cell of the grid (aligned on multiples of ``cell`` metres) gets the share of it
    that ``area`` covers; the outline is the 50 % contour of these shares, traced by
    marching squares between the cell centres. Every vertex lies on a line joining two
    neighbouring centres, placed there by the two cells' shares alone, so the outline says
    how much of each cell the area covers and nothing finer, and two areas that cover every
    cell in the same shares look the same. For a large smooth area the outline keeps its
    size; an area covering less than half of any cell is outlined at half its largest share
    instead, so that it is not lost.

    Examples
    --------
    A disc of 2 km radius in the middle of a 5 km cell: a diamond around the cell's centre
    whose corners lie halfway to the neighbouring centres.

    >>> shape = cell_outline(shapely.Point(502_500, 4_772_500).buffer(2000), 5000)
    >>> sorted(set(map(tuple, shapely.get_coordinates(shape).tolist())))[:2]
    [(500000.0, 4772500.0), (502500.0, 4770000.0)]
    """
    x0, y0, x1, y1 = area.bounds
    # one empty ring of cells around the area, so that every contour closes
    i = np.arange(math.floor(x0 / cell) - 1, math.floor(x1 / cell) + 2)
    j = np.arange(math.floor(y0 / cell) - 1, math.floor(y1 / cell) + 2)
    gx, gy = np.meshgrid(i * cell, j * cell)
    boxes = shapely.box(gx, gy, gx + cell, gy + cell)
    shapely.prepare(area)
    share = np.zeros(boxes.shape)
    touched = shapely.intersects(boxes, area)
    share[touched] = shapely.area(shapely.intersection(boxes[touched], area)) / cell**2
    generator, peak = tracer((i + 0.5) * cell, (j + 0.5) * cell, share)
    parts = superlevel(generator, peak, min(0.5, peak / 2))
    return shapely.MultiPolygon(parts) if parts else shapely.MultiPolygon()


def _touched_cells(geom, cell: float):
    """The union of the grid cells a shape touches (its interior or its vertices)."""
    x0, y0, x1, y1 = geom.bounds
    xs = np.arange(math.floor(x0 / cell), math.floor(x1 / cell) + 1) * cell
    ys = np.arange(math.floor(y0 / cell), math.floor(y1 / cell) + 1) * cell
    gx, gy = np.meshgrid(xs, ys)
    boxes = shapely.box(gx.ravel(), gy.ravel(), gx.ravel() + cell, gy.ravel() + cell)
    return shapely.union_all(boxes[shapely.intersects(boxes, geom)])


def _protect_survey(survey, precision: Precision, crs):
    deployments = _protect_geometry(_protect_table(survey.deployments.copy(), precision, crs),
                                    precision, crs)
    problems = [dataclasses.replace(p, value=WITHHELD)
                if p.field in _COORDINATE_FIELDS and p.value not in (None, "") else p
                for p in survey.problems]
    from landmap.survey import _know_deployment_rows  # (survey imports this module)

    coarse = dataclasses.replace(survey, deployments=deployments,
                                 metadata=_protect_metadata(survey.metadata, deployments,
                                                            precision, crs),
                                 problems=problems, precision=precision)
    # the same deployments and observations, row for row: each observation's deployment
    # row is still that of the survey (a look-up of every ID is half a second at 100x)
    if survey._deployment_rows is not None:
        _know_deployment_rows(coarse, survey._deployment_rows)
    return coarse


def _protect_metadata(metadata: dict, deployments: gpd.GeoDataFrame,
                      precision: Precision, crs) -> dict:
    """The package descriptor with its extent and precision matching the coarsened data."""
    out = dict(metadata)
    out["coordinatePrecision"] = precision.degrees
    out[METADATA_KEY] = precision.label
    if "spatial" in out:
        if len(deployments):
            # The descriptor's extent is drawn through the outermost stations: use the
            # extent of the generalised ones, with corners on the grid of cell centres.
            box = shapely.box(*deployments.geometry.to_crs(crs).total_bounds)
            box = gpd.GeoSeries([box], crs=crs).to_crs("EPSG:4326").iloc[0]
            out["spatial"] = json.loads(shapely.to_geojson(box))
        else:
            out.pop("spatial")
    return out


@dataclass(frozen=True)
class Release:
    """A selection as it may leave the server: the exact survey stays inside, everything
    taken from it comes out at ``precision``.

    Downloads are made after the page has been drawn (when the button is clicked), so they
    take one of these instead of the page's session.

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> r = Release(load_demo().filter(years=(2021, 2021)), Precision(10))
    >>> r.view().precision.label
    'locations generalised to 10 km'
    """

    exact: object
    precision: Precision
    everything: object = None  # the same filters without the years, for "new" counts

    def protect(self, obj):
        return protect(obj, self.precision, self.exact.metric_crs)

    def view(self):
        """The survey at the release's precision."""
        return self.protect(self.exact)

    def compute(self, func, all_years: bool = False, **params):
        """``func(survey, **params)`` on the exact data, returned at the precision."""
        survey = self.everything if all_years and self.everything is not None else self.exact
        return self.protect(func(survey, **params))

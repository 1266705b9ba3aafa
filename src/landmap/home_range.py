"""Home ranges of individual leopards: minimum convex polygons and kernel density isopleths.

Locations are the *independent* detections of an identified animal, placed at the camera
station's coordinates and projected to UTM 52N. Methods follow adehabitatHR (Calenge 2006):

* ``mcp`` - minimum convex polygon of the ``percent`` % of locations nearest the mean centre
  (adehabitatHR's ``mcp``: locations farther than the ``percent`` quantile of distances to
  the centroid are dropped; quantile type 7).
* ``kde`` - fixed bivariate normal kernel with one bandwidth ``h`` for both axes
  (adehabitatHR's ``kernelUD``): ``href = sqrt((var x + var y) / 2) * n^(-1/6)``, least-squares
  cross-validation (``lscv``), or a number of metres. The p % isopleth bounds the highest
  density holding p % of the estimate on a grid of at most h/4, drawn by marching squares
  (contourpy) through the grid rather than along cell edges; it may have several parts and
  holes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landmap._contour import superlevel, tracer
from landmap.i18n import N_
from landmap.observations import LEOPARD, camera_offset, independent_events, local_year
from landmap.survey import Survey, catalogue_order

if TYPE_CHECKING:
    from landmap.i18n import Language

__all__ = [
    "RANGE_COLUMNS",
    "RANGE_DEFAULTS",
    "home_ranges",
    "href",
    "independent_detections",
    "kde_isopleths",
    "lscv_bandwidth",
    "mcp",
    "range_notes",
    "range_overlap",
]

#: Columns of a home-range table, in order.
RANGE_COLUMNS = ["individualID", "year_from", "year_to", "method", "level", "n_locations",
                 "n_stations", "bandwidth_m", "area_km2", "note", "geometry"]

#: The ranges every page starts from (the Home ranges page's defaults): pages that need
#: ranges ask for these, so one computation serves them all.
RANGE_DEFAULTS = {"method": ("kde", "mcp"), "by": "individual", "mcp_percent": 100,
                  "levels": (50, 95), "bandwidth": "href"}

#: Fewest distinct places for each method (a KDE of fewer places says little). A place is
#: a point of its own: two stations at the same coordinates are one place.
MIN_STATIONS = {"mcp": 3, "kde": 5}
# Why a range is missing or doubtful (the ``note`` column), written once for every language.
_TOO_FEW = N_("only {n} distinct place(s); {method} needs at least {need}")
_ON_A_LINE = N_("the places lie on a line: a convex polygon around them has no area")
_NO_LSCV = N_("LSCV found no minimum inside its search range; the reference bandwidth "
              "(href) is used")


# ----------------------------------------------------------------------------- locations
def independent_detections(survey: Survey, threshold: str | pd.Timedelta = "30min",
                           species: str = LEOPARD) -> gpd.GeoDataFrame:
    """Independent detections of identified animals, at their stations, in UTM 52N.

    The independent events of :func:`landmap.observations.independent_events` that name
    an individual: records of the same animal at the same station less than ``threshold``
    after the previous one are one detection (the clock restarts with each record, so a
    long visit stays one detection). Cubs without an ID are not located.

    Parameters
    ----------
    survey : Survey
    threshold : str or Timedelta, default "30min"
    species : str, default the Amur leopard

    Returns
    -------
    geopandas.GeoDataFrame
        ``individualID``, ``year`` (camera local time), ``locationID``, ``country``,
        ``eventStart`` (UTC) with ``eventStart_offset`` (the camera's UTC offset in minutes)
        and point geometry in the survey's metric CRS (EPSG:32652 in
        Primorye), one row per independent detection, sorted by individual and time.

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> s = load_demo().filter(years=(2021, 2021), individuals=["Leo 16F"])
    >>> len(independent_detections(s)) <= len(s.observations)
    True
    """
    events = independent_events(survey.observations, survey.deployments, species, threshold)
    events = events[events["individualID"] != ""]
    stations = survey.deployments.drop_duplicates("deploymentID")[
        ["deploymentID", "longitude", "latitude", "country"]]
    rows = events[["individualID", "deploymentID", "locationID", "eventStart"]].assign(
        eventStart_offset=camera_offset(events).to_numpy()).merge(stations, on="deploymentID")
    rows = rows.assign(year=local_year(rows["eventStart"], rows["eventStart_offset"]))
    rows = rows.sort_values(["individualID", "eventStart"], kind="stable")
    points = gpd.GeoDataFrame(
        rows[["individualID", "year", "locationID", "country", "eventStart",
              "eventStart_offset"]].reset_index(drop=True),
        geometry=gpd.points_from_xy(rows["longitude"], rows["latitude"]), crs="EPSG:4326",
    )
    return points.to_crs(survey.metric_crs)


def _xy(points) -> np.ndarray:
    if isinstance(points, gpd.GeoSeries | gpd.GeoDataFrame):
        return shapely.get_coordinates(points.geometry.to_numpy())
    xy = np.asarray(points, dtype=float)
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise ValueError(f"points: expected an (n, 2) array of x, y in metres, got shape "
                         f"{xy.shape}.")
    return xy


def range_notes(ranges: pd.DataFrame, lang: Language) -> pd.Series:
    """The ``note`` column of :func:`home_ranges` written in ``lang``.

    Examples
    --------
    >>> from landmap.i18n import language
    >>> t = pd.DataFrame({"method": ["kde", "mcp"], "n_stations": [2, 9],
    ...                   "note": [_TOO_FEW.format(n=2, method="KDE", need=5), ""]})
    >>> range_notes(t, language("ru")).tolist()
    ['разных мест: 2; для KDE нужно не меньше 5', '']
    """
    def one(method: str, n: int, note: str) -> str:
        if not note:
            return ""
        if note in (_NO_LSCV, _ON_A_LINE):
            return lang.gettext(note)
        return lang.gettext(_TOO_FEW).format(n=n, method=method.upper(),
                                             need=MIN_STATIONS[method])

    return pd.Series([one(m, n, note) for m, n, note in zip(
        ranges["method"], ranges["n_stations"], ranges["note"], strict=True)],
        index=ranges.index, dtype=object)


# ----------------------------------------------------------------------------- MCP
def mcp(points, percent: float = 100) -> shapely.Polygon:
    """Minimum convex polygon of the ``percent`` % of locations nearest their mean centre.

    Parameters
    ----------
    points : (n, 2) array-like or GeoSeries
        Locations in a metric CRS.
    percent : float, default 100
        Share of locations kept, in (0, 100].

    Returns
    -------
    shapely.Polygon
        Empty if fewer than 3 distinct locations remain (the hull is then no area).

    Examples
    --------
    The unit square with a far outlier: 100 % keeps it, 80 % drops it.

    >>> pts = [(0, 0), (1, 0), (1, 1), (0, 1), (10, 10)]
    >>> mcp(pts).area, mcp(pts, 80).area
    (10.0, 1.0)
    >>> mcp([(0, 0), (1, 1)]).is_empty
    True
    """
    if not 0 < percent <= 100:
        raise ValueError(f"percent={percent!r}: must be in (0, 100].")
    xy = _xy(points)
    if len(xy) and percent < 100:
        dist = np.hypot(*(xy - xy.mean(axis=0)).T)
        xy = xy[dist <= np.quantile(dist, percent / 100)]
    hull = shapely.convex_hull(shapely.multipoints(xy)) if len(xy) else shapely.Polygon()
    return hull if isinstance(hull, shapely.Polygon) else shapely.Polygon()


# ----------------------------------------------------------------------------- KDE
def href(points) -> float:
    """Reference bandwidth in metres: ``sqrt((var x + var y) / 2) * n^(-1/6)`` (adehabitatHR).

    Examples
    --------
    >>> round(href([(0, 0), (2, 0), (0, 2), (2, 2)]), 4)
    0.9165
    """
    xy = _xy(points)
    if len(xy) < 2:
        raise ValueError("points: href needs at least 2 locations.")
    var = xy.var(axis=0, ddof=1)
    return float(np.sqrt(var.sum() / 2) * len(xy) ** (-1 / 6))


def lscv_bandwidth(points, lower: float = 0.1, upper: float = 2.0,
                   steps: int = 100) -> tuple[float, bool]:
    """Bandwidth minimising the least-squares cross-validation score.

    Parameters
    ----------
    points : (n, 2) array-like
    lower, upper : float
        The search range as multiples of :func:`href`.
    steps : int
        Candidate bandwidths, spaced evenly on a log scale.

    Returns
    -------
    h : float
        Metres.
    converged : bool
        False when the minimum lies at an end of the range (adehabitatHR warns then). Many
        detections at the same camera make the score fall towards h = 0.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> h, ok = lscv_bandwidth(rng.normal(0, 1000, (300, 2)))
    >>> ok and 150 < h < 700
    True
    >>> lscv_bandwidth([(5, 5)] * 4)
    Traceback (most recent call last):
    ...
    ValueError: points: every location is at the same place, so no bandwidth fits them; ...
    """
    xy = _xy(points)
    n = len(xy)
    if n < 3:
        raise ValueError("points: LSCV needs at least 3 locations.")
    if len(np.unique(xy, axis=0)) < 2:
        raise ValueError("points: every location is at the same place, so no bandwidth fits "
                         "them; LSCV needs locations at two or more places.")
    d2 = ((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2)
    off = ~np.eye(n, dtype=bool)
    d2 = d2[off]
    candidates = href(xy) * np.geomspace(lower, upper, steps)
    scores = []
    for h in candidates:
        h2 = h * h
        integral = (n + np.exp(-d2 / (4 * h2)).sum()) / (4 * np.pi * h2 * n * n)
        leave_one_out = np.exp(-d2 / (2 * h2)).sum() / (2 * np.pi * h2 * n * (n - 1))
        scores.append(integral - 2 * leave_one_out)
    best = int(np.argmin(scores))
    return float(candidates[best]), 0 < best < steps - 1


def _clusters(xy: np.ndarray, reach: float) -> list[np.ndarray]:
    """Groups of locations whose kernels (cut at ``reach`` metres) touch: each gets a grid of
    its own, so a disperser's far-apart places do not stretch one grid over the gap."""
    boxes = shapely.box(*(xy - reach).T, *(xy + reach).T)
    parts = shapely.get_parts(shapely.union_all(boxes))
    tree = shapely.STRtree(parts)
    which = tree.query(shapely.points(xy), predicate="intersects")
    label = np.empty(len(xy), dtype=int)
    label[which[0]] = which[1]
    return [xy[label == k] for k in np.unique(label)]


def _density_grid(xy: np.ndarray, h: float, cell: float, n_total: int, reach: float):
    """Kernel density of ``xy`` (a share ``len(xy) / n_total`` of the mass) on a grid of
    ``cell`` metres aligned on multiples of the cell, covering ``reach`` around them."""
    lo = np.floor((xy.min(axis=0) - reach) / cell) * cell
    hi = xy.max(axis=0) + reach
    nx, ny = np.ceil((hi - lo) / cell).astype(int) + 1
    xs = lo[0] + (np.arange(nx) + 0.5) * cell
    ys = lo[1] + (np.arange(ny) + 0.5) * cell
    # A separable Gaussian: the grid density is a product of two small matrices.
    kx = np.exp(-0.5 * ((xs[:, None] - xy[None, :, 0]) / h) ** 2)
    ky = np.exp(-0.5 * ((ys[:, None] - xy[None, :, 1]) / h) ** 2)
    density = ky @ kx.T / (2 * np.pi * h * h * n_total)
    return xs, ys, density


def kde_isopleths(points, levels=(50, 95), bandwidth: float | str = "href",
                  cell: float | None = None) -> tuple[dict[int, shapely.MultiPolygon], float]:
    """Isopleths of a fixed bivariate normal kernel density estimate.

    Parameters
    ----------
    points : (n, 2) array-like
        Locations in metres.
    levels : iterable of float, default (50, 95)
        Percent of the estimated density inside each isopleth.
    bandwidth : "href", "lscv" or float, default "href"
        Kernel standard deviation in metres, or how to choose it.
    cell : float, optional
        Grid cell size in metres; by default h / 6, coarsened to keep a group of places
        within 400 cells a side but never coarser than h / 4 (at h / 6 the 50 % and 95 %
        areas are within 1 % of an independent computation). Places farther apart than the
        kernels reach get grids of their own, so a long spread (a disperser) keeps the fine
        cell.

    Returns
    -------
    isopleths : dict of level -> shapely.MultiPolygon
    h : float
        The bandwidth used, in metres.

    Examples
    --------
    One location: the 95 % isopleth of a normal kernel is a disc of area
    pi h^2 * 2 ln(20):

    >>> iso, h = kde_isopleths([(0, 0)], levels=[95], bandwidth=1000)
    >>> round(float(iso[95].area / (np.pi * 1000**2 * 2 * np.log(20))), 2)
    1.0

    Two places 50 km apart with a 200 m bandwidth: two such discs, half the mass each.

    >>> iso, h = kde_isopleths([(0, 0), (50_000, 0)], levels=[95], bandwidth=200)
    >>> round(float(iso[95].area / (2 * np.pi * 200**2 * 2 * np.log(20))), 2)
    1.0
    """
    xy = _xy(points)
    if len(xy) == 0:
        raise ValueError("points: a kernel density estimate needs at least one location.")
    if isinstance(bandwidth, str):
        if bandwidth == "href":
            h = href(xy)
        elif bandwidth == "lscv":
            h, _ = lscv_bandwidth(xy)
        else:
            raise ValueError(f"bandwidth={bandwidth!r}: use 'href', 'lscv' or metres.")
    else:
        h = float(bandwidth)
    if not h > 0:
        raise ValueError(f"bandwidth={bandwidth!r}: the bandwidth must be positive (got {h}).")
    levels = [float(level) for level in levels]
    if any(not 0 < level < 100 for level in levels):
        raise ValueError(f"levels={levels!r}: each level must be in (0, 100).")
    reach = 4.5 * h
    # one grid when it stays within 400 cells of h / 6 a side; else a grid per group
    spread = np.ptp(xy, axis=0).max() + 2 * reach
    groups = [xy] if cell or spread <= 400 * h / 6 else _clusters(xy, reach)
    grids = []
    for group in groups:
        size = cell or min(max(h / 6, (np.ptp(group, axis=0).max() + 2 * reach) / 400), h / 4)
        grids.append((size, *_density_grid(group, h, size, len(xy), reach)))
    flat = np.concatenate([g[3].ravel() for g in grids])
    area = np.concatenate([np.full(g[3].size, g[0] ** 2) for g in grids])
    # Cells under 1e-4 of the peak hold about 0.01 % of the mass, far below any level:
    # only the others need ordering (about half the grid, and the slowest step).
    top = np.flatnonzero(flat >= flat.max() * 1e-4)
    order = top[np.argsort(flat[top], kind="stable")[::-1]]
    mass = np.cumsum(flat[order] * area[order])
    tracers = [tracer(xs, ys, density) for _, xs, ys, density in grids]
    out = {}
    for level in levels:
        k = int(np.searchsorted(mass, level / 100))
        threshold = flat[order[min(k, len(order) - 1)]]
        parts = [superlevel(generator, peak, threshold) for generator, peak in tracers]
        polygons = [p for part in parts for p in part]
        merged = shapely.MultiPolygon(polygons) if polygons else shapely.MultiPolygon()
        out[int(level) if level.is_integer() else level] = merged
    return out, h


# ----------------------------------------------------------------------------- per animal
def _check_methods(methods) -> list[str]:
    methods = [methods] if isinstance(methods, str) else list(methods)
    bad = [m for m in methods if m not in MIN_STATIONS]
    if bad:
        raise ValueError(f"method={bad[0]!r}: use 'mcp' or 'kde'.")
    return methods


def _one(xy: np.ndarray, methods, mcp_percent, levels, bandwidth) -> list[dict]:
    # places, not station IDs: two IDs at one spot add no spread
    n_stations = len(np.unique(np.round(xy), axis=0))
    base = {"n_locations": len(xy), "n_stations": n_stations}
    rows = []
    for method in methods:
        wanted = [mcp_percent] if method == "mcp" else list(levels)
        need = MIN_STATIONS[method]
        if n_stations < need:
            note = _TOO_FEW.format(n=n_stations, method=method.upper(), need=need)
            rows += [{**base, "method": method, "level": lv, "bandwidth_m": np.nan,
                      "area_km2": np.nan, "note": note, "geometry": None} for lv in wanted]
            continue
        if method == "mcp":
            poly = mcp(xy, mcp_percent)
            # narrower than a metre on average: places on one line (a straight line in degrees
            # bends a little in UTM, so the hull is a sliver, not exactly empty)
            if poly.is_empty or poly.area < np.hypot(*np.ptp(xy, axis=0)):
                rows.append({**base, "method": "mcp", "level": mcp_percent,
                             "bandwidth_m": np.nan, "area_km2": np.nan, "note": _ON_A_LINE,
                             "geometry": None})
                continue
            rows.append({**base, "method": "mcp", "level": mcp_percent, "bandwidth_m": np.nan,
                         "area_km2": poly.area / 1e6, "note": "", "geometry": poly})
            continue
        note = ""
        if bandwidth == "lscv":
            h, converged = lscv_bandwidth(xy)
            if not converged:
                h, note = "href", _NO_LSCV
        else:
            h = bandwidth
        iso, h = kde_isopleths(xy, levels=wanted, bandwidth=h)
        rows += [{**base, "method": "kde", "level": lv, "bandwidth_m": h,
                  "area_km2": geom.area / 1e6, "note": note, "geometry": geom}
                 for lv, geom in iso.items()]
    return rows


def home_ranges(
    survey: Survey,
    method: Literal["mcp", "kde"] | list[str] = ("mcp", "kde"),
    by: Literal["individual", "year"] = "individual",
    mcp_percent: float = 100,
    levels=(50, 95),
    bandwidth: float | Literal["href", "lscv"] = "href",
    threshold: str = "30min",
) -> gpd.GeoDataFrame:
    """Home ranges of every identified leopard in a selection.

    Parameters
    ----------
    survey : Survey
        Any selection (years, individuals).
    method : "mcp", "kde" or both, default both
    by : "individual" or "year", default "individual"
        One range per animal over the selected years, or one per animal and year.
    mcp_percent : float, default 100
    levels : iterable of float, default (50, 95)
        KDE isopleth levels in percent.
    bandwidth : "href", "lscv" or metres, default "href"
    threshold : str, default "30min"
        Independence interval, see :func:`independent_detections`.

    Returns
    -------
    geopandas.GeoDataFrame
        :data:`RANGE_COLUMNS` in the survey's metric CRS (EPSG:32652 in Primorye). An
        animal with too few stations for a method gets a row with no geometry, no area and
        the reason in ``note``.

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> s = load_demo().filter(years=(2021, 2021), individuals=["Leo 16F"])
    >>> r = home_ranges(s, method="kde")
    >>> r[["individualID", "method", "level"]].values.tolist()
    [['Leo 16F', 'kde', 50], ['Leo 16F', 'kde', 95]]
    """
    methods = _check_methods(method)
    if by not in ("individual", "year"):
        raise ValueError(f"by={by!r}: use 'individual' or 'year'.")
    if not (isinstance(bandwidth, int | float) or bandwidth in ("href", "lscv")):
        raise ValueError(f"bandwidth={bandwidth!r}: use 'href', 'lscv' or metres.")
    points = independent_detections(survey, threshold)
    keys = ["individualID"] if by == "individual" else ["individualID", "year"]
    xy = shapely.get_coordinates(points.geometry.to_numpy())
    year = points["year"].to_numpy(dtype=int)
    # row positions per animal (and year): plain arrays, no frame slicing per animal
    groups = [(key if isinstance(key, tuple) else (key,), rows)
              for key, rows in points.groupby(keys, sort=False).indices.items()]

    def ranges_of(item) -> list[dict]:
        key, rows = item
        years = year[rows]
        return [{"individualID": key[0], "year_from": int(years.min()),
                 "year_to": int(years.max()), **row}
                for row in _one(xy[rows], methods, mcp_percent, levels, bandwidth)]

    # One thread: measured on 2 cores, a thread pool was 10-25 % slower (the work per
    # animal is short and holds the GIL), and processes cost more to start than they save.
    rows = [row for item in groups for row in ranges_of(item)]
    frame = pd.DataFrame(rows, columns=RANGE_COLUMNS)
    frame = frame.sort_values("individualID", key=lambda ids: ids.map(catalogue_order),
                              kind="stable").reset_index(drop=True)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=survey.metric_crs)


def range_overlap(first: shapely.Geometry, second: shapely.Geometry) -> dict[str, float]:
    """Shared area of two ranges (km²) and the share of each that the other covers.

    Examples
    --------
    >>> a, b = shapely.box(0, 0, 2000, 1000), shapely.box(1000, 0, 4000, 1000)
    >>> range_overlap(a, b)
    {'shared_km2': 1.0, 'share_of_first': 0.5, 'share_of_second': 0.3333333333333333}
    """
    shared = shapely.intersection(first, second).area
    return {"shared_km2": shared / 1e6,
            "share_of_first": shared / first.area if first.area else float("nan"),
            "share_of_second": shared / second.area if second.area else float("nan")}

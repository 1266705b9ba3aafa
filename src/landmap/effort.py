"""Camera-trap effort: trap-nights per deployment or per station, clipped to a span of years.

Two units, as camtrapR offers them (``cameraOperation(byCamera = ...)``): *camera-days*
count every camera, so a station with two cameras counts twice; *station-days* count a
station once on each day at least one of its cameras worked. A deployment tagged
``failed`` (in ``deploymentTags``) counts until its last photograph, not until it was
collected (see :func:`effort_end`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from landmap._arrow import positions
from landmap._arrow import text as _text
from landmap._arrow import whole as _whole
from landmap.observations import (
    INDEPENDENCE,
    LEOPARD,
    camera_offset,
    independent_events,
    local_time,
    local_year,
)

__all__ = ["EFFORT_UNITS", "FAILED_TAG", "GRID_COLUMNS", "PARK_REACH_KM", "coverage",
           "coverage_gaps", "effort_end", "effort_grid", "station_days", "station_effort",
           "trap_nights", "working_periods"]

_DAY = pd.Timedelta(days=1)

#: The units effort can be counted in: ``camera`` (camera-days) or ``station`` (station-days).
EFFORT_UNITS = {"camera": "camera-days", "station": "station-days"}
#: The ``deploymentTags`` tag of a deployment whose camera stopped before it was collected.
FAILED_TAG = "failed"
#: A park's coverage is measured for a selection with a station at most this many km from
#: it: a package recorded elsewhere (the standard's example lies in Belgium) would
#: otherwise report the whole park as gaps, 221 cells of 5 km, as if the cameras had
#: failed it.
PARK_REACH_KM = 20.0


def _check_unit(unit: str) -> str:
    if unit not in EFFORT_UNITS:
        raise ValueError(f"effort={unit!r}: use 'camera' (camera-days) or 'station' "
                         "(station-days).")
    return unit


def effort_end(deployments: pd.DataFrame, observations: pd.DataFrame, *,
               deployment_rows: np.ndarray | None = None) -> pd.Series:
    """When each deployment stopped recording (UTC).

    Its ``deploymentEnd``; for a deployment tagged ``failed`` in ``deploymentTags``
    (Camtrap DP separates tags with ``|``), the end of its last photographed event, of any
    species or none (blanks and people count: the camera was working), or its start if it
    photographed nothing. camtrapR treats such days as a "problem" period.

    Parameters
    ----------
    deployments, observations : pandas.DataFrame
        The whole survey's tables (a selection of observations would move the end).
    deployment_rows : numpy.ndarray of int, optional
        The row of ``deployments`` holding each observation's deployment (-1: none), when
        the caller has looked it up already (a reader does, for its own checks).

    Examples
    --------
    >>> def utc(*days):
    ...     return pd.Series(pd.to_datetime(list(days), utc=True))
    >>> d = pd.DataFrame({"deploymentID": ["a", "b"],
    ...                   "deploymentStart": utc("2021-01-01", "2021-01-01"),
    ...                   "deploymentEnd": utc("2021-03-01", "2021-03-01"),
    ...                   "deploymentTags": ["", "bait | failed"]})
    >>> o = pd.DataFrame({"deploymentID": ["a", "b"],
    ...                   "eventStart": utc("2021-01-20", "2021-01-20"),
    ...                   "eventEnd": utc("2021-01-20", "2021-01-20")})
    >>> effort_end(d, o).dt.strftime("%Y-%m-%d").tolist()
    ['2021-03-01', '2021-01-20']
    """
    end = deployments["deploymentEnd"]
    if "deploymentTags" not in deployments:
        return end.rename("effort_end")
    # a survey's deployments share a few tag lists: each distinct one is matched once
    tags = pc.dictionary_encode(_whole(_text(deployments["deploymentTags"].fillna(""))))
    tagged = pc.match_substring_regex(tags.dictionary, rf"(?:^|\|)\s*{FAILED_TAG}\s*(?:\||$)",
                                      ignore_case=True).to_numpy(zero_copy_only=False)
    failed = tagged[tags.indices.to_numpy(zero_copy_only=False)]
    if not failed.any():
        return end.rename("effort_end")
    # the latest photograph of each failed deployment, gathered by row number (no sort,
    # no Python objects: a package may hold millions of observations); only the failed
    # deployments' photographs are read (few in most surveys: at 100x the demo a pass
    # over every observation's time made the load's peak memory)
    row = deployment_rows if deployment_rows is not None else positions(
        observations["deploymentID"], deployments["deploymentID"])
    mine = np.flatnonzero(failed[row] & (row >= 0))
    start = observations["eventStart"].iloc[mine]
    stamp = observations["eventEnd"].iloc[mine].fillna(start) if \
        "eventEnd" in observations else start
    clock = stamp.dt.tz_convert(None).to_numpy(dtype="datetime64[ns]").view(np.int64)
    latest = np.full(len(deployments), np.iinfo(np.int64).min, dtype=np.int64)  # NaT
    np.maximum.at(latest, row[mine], clock)
    last_photo = pd.Series(latest.view("datetime64[ns]"), index=deployments.index
                           ).dt.tz_localize("UTC").dt.as_unit(end.dt.unit)
    stopped = last_photo.fillna(deployments["deploymentStart"])
    stopped = stopped.where(stopped < end, end)
    return end.where(~failed, stopped).rename("effort_end")


def _intervals(deployments: pd.DataFrame, years) -> tuple[pd.Series, pd.Series]:
    """Each deployment's working interval (UTC), clipped to ``years`` in local time."""
    missing = {"deploymentStart", "deploymentEnd", "deploymentStart_offset",
               "deploymentEnd_offset"} - set(deployments.columns)
    if missing:
        raise ValueError(f"deployments lacks the column(s) {sorted(missing)}; read the data "
                         "with landmap.io.camtrapdp.read_camtrapdp.")
    span = _check_years(years)
    start = deployments["deploymentStart"]
    end = deployments["effort_end"] if "effort_end" in deployments else \
        deployments["deploymentEnd"]
    if span is None:
        return start, end
    # The years' edges in each camera's own clock: a UTC instant per end of the interval.
    lo = pd.Timestamp(year=span[0], month=1, day=1, tz="UTC")
    hi = pd.Timestamp(year=span[1] + 1, month=1, day=1, tz="UTC")
    start_off = pd.to_timedelta(deployments["deploymentStart_offset"].to_numpy(), unit="min")
    end_off = pd.to_timedelta(deployments["deploymentEnd_offset"].to_numpy(), unit="min")
    first = pd.Series(lo - start_off, index=deployments.index)
    last = pd.Series(hi - end_off, index=deployments.index)
    return start.where(start > first, first), end.where(end < last, last)


def working_periods(deployments: pd.DataFrame, years: tuple[int, int] | None = None,
                    period_days: float = 1.0) -> tuple[pd.Timestamp, np.ndarray]:
    """Days each deployment worked in each period, on the cameras' local clocks.

    Periods are ``period_days`` long from the local midnight of the first working day
    (camtrapR's ``day1 = "survey"``); they serve detection histories and SECR occasions.

    Returns
    -------
    origin : pandas.Timestamp
        That midnight (local, naive).
    worked : numpy.ndarray
        Deployments × periods: days worked (0 to ``period_days``).

    Raises
    ------
    ValueError
        If no camera worked in the selection.
    """
    from landmap.i18n import Text

    start, end = _intervals(deployments, years)
    start = local_time(start, deployments["deploymentStart_offset"])
    end = local_time(end, deployments["deploymentEnd_offset"])
    working = (end > start).to_numpy()
    if not working.any():
        raise ValueError(Text("no camera worked in the selection"))
    origin = start[working].min().normalize()
    s = ((start - origin) / _DAY).to_numpy()
    e = ((end - origin) / _DAY).to_numpy()
    periods = max(1, int(np.ceil(np.nanmax(e[working]) / period_days)))
    edges = np.arange(periods + 1) * period_days
    worked = np.clip(np.minimum(e[:, None], edges[None, 1:])
                     - np.maximum(s[:, None], edges[None, :-1]), 0, None)
    worked[~working] = 0
    return origin, worked


def _check_years(years) -> tuple[int, int] | None:
    if years is None:
        return None
    first, last = (int(y) for y in years)
    if first > last:
        raise ValueError(f"years={years!r}: the first year must not come after the last.")
    return first, last


def trap_nights(deployments: pd.DataFrame, years: tuple[int, int] | None = None) -> pd.Series:
    """Trap-nights (camera-days, fractions kept) of each deployment.

    Parameters
    ----------
    deployments : pandas.DataFrame
        With ``deploymentStart``/``deploymentEnd`` (UTC instants) and their
        ``*_offset`` columns in minutes, as :func:`landmap.io.camtrapdp.read_camtrapdp` gives.
    years : (int, int), optional
        Count only the part of each deployment inside these calendar years
        (inclusive), in the camera's local time.

    Returns
    -------
    pandas.Series of float
        Days, indexed like ``deployments``; 0 for a deployment outside the years.
        Deployments with ``timestampIssues`` are counted too; the caller decides
        whether to show them apart (the flag is on the deployment).

    Examples
    --------
    A camera set up at noon on 30 December 2020 (+10:00) and collected at
    06:00 on 2 January 2021 ran 2.75 days, 1.5 of them in 2020:

    >>> from landmap.io.camtrapdp import parse_timestamps
    >>> s, so, _ = parse_timestamps(pd.Series(["2020-12-30T12:00:00+10:00"]))
    >>> e, eo, _ = parse_timestamps(pd.Series(["2021-01-02T06:00:00+10:00"]))
    >>> d = pd.DataFrame({"deploymentStart": s, "deploymentStart_offset": so,
    ...                   "deploymentEnd": e, "deploymentEnd_offset": eo})
    >>> float(trap_nights(d).iloc[0]), float(trap_nights(d, (2020, 2020)).iloc[0])
    (2.75, 1.5)
    """
    start, end = _intervals(deployments, years)
    return ((end - start) / _DAY).clip(lower=0).rename("trap_nights")


def station_days(deployments: pd.DataFrame, years: tuple[int, int] | None = None) -> pd.Series:
    """Station-days: per station (``locationID``), the days at least one camera worked.

    Overlapping deployments of one station (two cameras, or a replaced camera left running)
    count once, as camtrapR's ``cameraOperation(byCamera = FALSE)``.

    Returns
    -------
    pandas.Series of float
        Days, indexed by ``locationID``; 0 for a station outside the years.

    Examples
    --------
    Two cameras at one station, 1-11 and 6-16 January: 20 camera-days, 15 station-days.

    >>> from landmap.io.camtrapdp import parse_timestamps
    >>> s, so, _ = parse_timestamps(pd.Series(["2021-01-01T00:00:00+10:00",
    ...                                        "2021-01-06T00:00:00+10:00"]))
    >>> e, eo, _ = parse_timestamps(pd.Series(["2021-01-11T00:00:00+10:00",
    ...                                        "2021-01-16T00:00:00+10:00"]))
    >>> d = pd.DataFrame({"locationID": ["S1", "S1"], "deploymentStart": s,
    ...                   "deploymentStart_offset": so, "deploymentEnd": e,
    ...                   "deploymentEnd_offset": eo})
    >>> float(trap_nights(d).sum()), float(station_days(d)["S1"])
    (20.0, 15.0)
    """
    start, end = _intervals(deployments, years)
    epoch = pd.Timestamp("1970-01-01", tz="UTC")
    frame = pd.DataFrame({"station": deployments["locationID"].to_numpy(),
                          "start": ((start - epoch) / _DAY).to_numpy(dtype=float),
                          "end": ((end - epoch) / _DAY).to_numpy(dtype=float)})
    frame = frame[frame["end"] > frame["start"]].sort_values(["station", "start"],
                                                            kind="stable")
    # the latest end so far at the station: a deployment counts only past it
    reached = frame.groupby("station")["end"].cummax()
    before = reached.groupby(frame["station"]).shift()
    begin = np.fmax(frame["start"].to_numpy(), before.to_numpy())
    days = pd.Series(np.clip(frame["end"].to_numpy() - begin, 0, None), index=frame.index)
    totals = days.groupby(frame["station"]).sum()
    stations = pd.Index(deployments["locationID"].unique(), name="locationID")
    return totals.reindex(stations, fill_value=0.0).rename("station_days")


def station_effort(deployments: pd.DataFrame, years: tuple[int, int] | None = None,
           unit: str = "camera") -> pd.Series:
    """Effort per station (``locationID``) in camera-days or station-days (``unit``).

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> d = load_demo().deployments
    >>> camera = station_effort(d, (2021, 2021))
    >>> station = station_effort(d, (2021, 2021), "station")
    >>> round(float(camera.sum())), round(float(station.sum()))
    (180727, 180727)
    """
    if _check_unit(unit) == "station":
        return station_days(deployments, years)
    nights = trap_nights(deployments, years)
    # grouped by the column's own (Arrow) values: as numpy objects the keys were Python
    # strings, hashed one by one (five times slower at a million deployments)
    return nights.groupby(deployments["locationID"].array).sum().rename_axis(
        "locationID").rename("trap_nights")


# ----------------------------------------------------------------------------- grid
#: Columns of an effort grid, in order.
GRID_COLUMNS = ["cell_id", "year", "stations", "trap_nights", "effort_unit", "stations_per_100km2",
                "detections", "detection_rate", "individuals", "geometry"]


def _check_cell(cell_km: float) -> float:
    cell_km = float(cell_km)
    if not 0.1 <= cell_km <= 100:
        raise ValueError(f"cell_km={cell_km!r}: use a cell size between 0.1 and 100 km.")
    return cell_km * 1000


def _metric_xy(deployments, crs) -> tuple[np.ndarray, np.ndarray]:
    """x and y of each deployment's point in ``crs``, each distinct place projected once:
    the same numbers as ``to_crs`` gives (pyproj, x before y), without a new table and a
    new point per deployment (at 100x the demo, 1.25 million of them on a few thousand
    places took 3.7 s and 460 MB)."""
    import shapely
    from pyproj import Transformer

    points = deployments.geometry.to_numpy()
    back, places = pd.factorize(shapely.get_x(points) + 1j * shapely.get_y(points))
    x, y = Transformer.from_crs(deployments.crs, crs, always_xy=True).transform(
        places.real, places.imag)
    x, y = np.append(np.asarray(x, dtype=float), np.nan), np.append(
        np.asarray(y, dtype=float), np.nan)
    return x[back], y[back]  # a missing point (code -1) takes the last: NaN


def _station_cells(survey, size: float) -> pd.DataFrame:
    d = survey.deployments
    x, y = _metric_xy(d, survey.metric_crs)
    ix, iy = np.floor(x / size).astype(int), np.floor(y / size).astype(int)
    return pd.DataFrame({"deploymentID": d["deploymentID"].to_numpy(),
                         "locationID": d["locationID"].to_numpy(), "ix": ix, "iy": iy},
                        index=d.index)


def _cells(keys: pd.DataFrame, size: float, crs: str):
    import geopandas as gpd
    import shapely

    geom = shapely.box(keys["ix"] * size, keys["iy"] * size, (keys["ix"] + 1) * size,
                       (keys["iy"] + 1) * size)
    return gpd.GeoDataFrame(keys, geometry=geom, crs=crs)


def effort_grid(
    survey,
    cell_km: float = 5.0,
    species: str | None = None,
    by_year: bool = True,
    threshold: str | pd.Timedelta = INDEPENDENCE,
    effort: str = "camera",
):
    """Trap effort, station density and detections on a regular grid (UTM 52N).

    Parameters
    ----------
    survey : Survey
        Any selection; its years (or its whole span) set the years counted.
    cell_km : float, default 5
        Cell size; cells are aligned on multiples of it in the survey's UTM zone, so grids
        of the same size from different selections line up.
    species : str, optional
        Scientific name for ``detections``, ``detection_rate`` and ``individuals``; the Amur
        leopard by default.
    by_year : bool, default True
        One row per cell and year; False sums the selected years (``year`` is then the span's
        first year and stations count those working in any of them).
    threshold : str or Timedelta, default "30min"
        The independence interval: ``detections`` are independent events (see
        :func:`landmap.observations.independent_events`), as camtrapR and the literature
        count them for relative abundance.
    effort : {"camera", "station"}, default "camera"
        ``trap_nights`` as camera-days or station-days (named in ``effort_unit``).

    Returns
    -------
    geopandas.GeoDataFrame
        :data:`GRID_COLUMNS`: only cells with a working station. ``stations_per_100km2`` uses
        the whole cell area; ``detections`` are independent events and ``detection_rate``
        is independent events per 100 trap-nights.

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> g = effort_grid(load_demo().filter(years=(2021, 2021)), cell_km=5)
    >>> int(g["stations"].sum()), round(float(g["trap_nights"].sum()))
    (550, 180727)
    >>> int(g["detections"].sum())  # 1,402 leopard records, 1,247 independent events
    1247
    """
    size = _check_cell(cell_km)
    species = species or LEOPARD
    first, last = survey.year_span
    years = list(range(first, last + 1)) if by_year else [first]
    _check_unit(effort)
    cells = _station_cells(survey, size)
    # a station lies in the cell of its (first) deployment
    station_cell = cells.drop_duplicates("locationID").set_index("locationID")[["ix", "iy"]]
    parts = []
    for year in years:
        span = (year, year) if by_year else (first, last)
        nights = station_effort(survey.deployments, span, effort)
        nights = nights[nights > 0]
        parts.append(station_cell.loc[nights.index].assign(year=year,
                                                           trap_nights=nights.to_numpy()))
    worked = pd.concat(parts)
    keys = ["ix", "iy", "year"]
    grid = worked.groupby(keys).agg(stations=("trap_nights", "size"),
                                    trap_nights=("trap_nights", "sum")).reset_index()

    obs = independent_events(survey.observations, survey.deployments, species, threshold)
    year = local_year(obs["eventStart"], camera_offset(obs)) if by_year else first
    located = obs[["deploymentID", "individualID"]].assign(year=year).merge(
        cells, on="deploymentID")
    hits = located.groupby(keys).agg(detections=("deploymentID", "size"))
    named = located[located["individualID"] != ""]
    hits["individuals"] = named.groupby(keys)["individualID"].nunique()
    grid = grid.merge(hits.reset_index(), on=keys, how="left")
    grid[["detections", "individuals"]] = grid[["detections", "individuals"]].fillna(0).astype(int)
    area_km2 = (size / 1000) ** 2
    grid["stations_per_100km2"] = grid["stations"] / area_km2 * 100
    grid["detection_rate"] = grid["detections"] / grid["trap_nights"] * 100
    grid["cell_id"] = grid["ix"].astype(str) + "_" + grid["iy"].astype(str)
    grid["effort_unit"] = EFFORT_UNITS[effort]
    return _cells(grid, size, survey.metric_crs)[GRID_COLUMNS]


def coverage(survey, distance_km: float = 3.0, park_id: str = "land-of-the-leopard") -> dict:
    """Share of a park within ``distance_km`` of a station working in the selection.

    Parameters
    ----------
    survey : Survey
    distance_km : float, default 3
        About a female leopard's detection scale (sigma) in this landscape.
    park_id : str, default "land-of-the-leopard"

    Returns
    -------
    dict
        ``park_km2``, ``covered_km2``, ``share`` (0-1) and ``stations`` used.

    Raises
    ------
    ValueError
        If no station of the selection lies within :data:`PARK_REACH_KM` of the park.

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> c = coverage(load_demo().filter(years=(2013, 2013)))
    >>> c["stations"], 0.5 < c["share"] < 1
    (200, True)
    """
    if not distance_km > 0:
        raise ValueError(f"distance_km={distance_km!r}: must be positive.")
    park = _park_in_reach(survey, park_id)
    nights = trap_nights(survey.deployments, survey.years).to_numpy()
    working = survey.deployments[nights > 0].drop_duplicates("locationID").to_crs(survey.metric_crs)
    reach = working.geometry.buffer(distance_km * 1000, quad_segs=32).union_all()
    covered = park.intersection(reach).area if len(working) else 0.0
    return {"park_km2": park.area / 1e6, "covered_km2": covered / 1e6,
            "share": covered / park.area, "stations": int(working["locationID"].nunique())}


def coverage_gaps(survey, cell_km: float = 5.0, park_id: str = "land-of-the-leopard"):
    """Grid cells of a park with no working station in the selected years.

    Returns
    -------
    geopandas.GeoDataFrame
        ``cell_id``, ``area_km2`` (the part of the cell inside the park) and geometry (the
        cell clipped to the park), in the survey's metric CRS.

    Raises
    ------
    ValueError
        If no station of the selection lies within :data:`PARK_REACH_KM` of the park.

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> gaps = coverage_gaps(load_demo().filter(years=(2013, 2013)))
    >>> len(gaps) > len(coverage_gaps(load_demo().filter(years=(2021, 2021))))
    True
    """
    import geopandas as gpd

    size = _check_cell(cell_km)
    park = _park_in_reach(survey, park_id)
    minx, miny, maxx, maxy = park.bounds
    ix, iy = np.meshgrid(np.arange(np.floor(minx / size), np.ceil(maxx / size)).astype(int),
                         np.arange(np.floor(miny / size), np.ceil(maxy / size)).astype(int))
    cells = _cells(pd.DataFrame({"ix": ix.ravel(), "iy": iy.ravel()}), size, survey.metric_crs)
    cells["geometry"] = cells.geometry.intersection(park)
    cells = cells[~cells.geometry.is_empty & (cells.geometry.area > 0)]
    nights = trap_nights(survey.deployments, survey.years).to_numpy()
    used = _station_cells(survey, size)[nights > 0]
    occupied = set(zip(used["ix"], used["iy"], strict=True))
    empty = [(a, b) not in occupied for a, b in zip(cells["ix"], cells["iy"], strict=True)]
    gaps = cells[empty].copy()
    gaps["cell_id"] = gaps["ix"].astype(str) + "_" + gaps["iy"].astype(str)
    gaps["area_km2"] = gaps.geometry.area / 1e6
    return gpd.GeoDataFrame(gaps[["cell_id", "area_km2", "geometry"]], crs=survey.metric_crs)


def _park_in_reach(survey, park_id: str):
    """The park's outline in the survey's metric CRS, if a station of the selection lies
    within :data:`PARK_REACH_KM` of it (each place measured once)."""
    import geopandas as gpd
    import shapely

    from landmap.i18n import Text

    layer = survey.boundaries.park(park_id)
    park = layer.to_crs(survey.metric_crs).geometry.union_all()
    stations = survey.deployments.geometry
    if len(stations):
        # each place projected once (a million deployments stand at a few thousand places)
        places = gpd.GeoSeries(shapely.points(np.unique(shapely.get_coordinates(
            stations.array), axis=0)), crs=stations.crs).to_crs(survey.metric_crs)
        if (shapely.distance(places.array, park) <= PARK_REACH_KM * 1000).any():
            return park
    # the bundled parks' names are catalogue messages: shown translated
    name = str(layer["name_en"].iloc[0]) if "name_en" in layer else park_id
    raise ValueError(Text("no station of the selection lies within {km} km of {park}: the "
                          "park's coverage by cameras is not measured",
                          km=f"{PARK_REACH_KM:g}", park=Text(name)))

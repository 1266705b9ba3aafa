"""Movements of an individual: its detections in time order, joined station to station."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landmap.home_range import independent_detections
from landmap.i18n import Text
from landmap.survey import Survey

__all__ = ["MOVEMENT_COLUMNS", "movement_path"]

MOVEMENT_COLUMNS = ["individualID", "step", "start", "end", "days", "from_station",
                    "to_station", "from_country", "to_country", "crosses_border",
                    "distance_km", "geometry"]


def movement_path(survey: Survey, individual: str,
                  threshold: str | pd.Timedelta = "30min") -> gpd.GeoDataFrame:
    """The moves of one animal between the places it was photographed, in time order.

    Consecutive independent detections at one place are one stay; each change of place is
    a step from the last detection there to the first at the next place. The positions
    are the survey's own: with generalised locations (a viewer's survey) they are the
    centres of the policy grid's cells, so the path has no finer vertex, and moves within
    one cell are not steps.

    Parameters
    ----------
    survey : Survey
    individual : str
        An ID photographed in the survey, e.g. ``"Leo 16F"``.
    threshold : str or Timedelta, default "30min"
        Independence interval of :func:`landmap.home_range.independent_detections`.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per step (:data:`MOVEMENT_COLUMNS`): ``step`` (1, 2, ...), ``start`` and
        ``end`` (UTC), ``days`` between them, stations and countries at both ends,
        ``crosses_border``, ``distance_km`` (straight line) and a two-point line in the
        survey's metric CRS. Empty when the animal was photographed at one place only.

    Raises
    ------
    ValueError
        When ``individual`` is not photographed in the survey.

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> path = movement_path(load_demo().filter(years=2021), "Leo 16F")
    >>> bool(path["start"].is_monotonic_increasing), bool((path["distance_km"] > 0).all())
    (True, True)
    """
    known = survey.leopard_ids()
    if individual not in known:
        raise ValueError(Text("{individual} is not photographed in this selection (it has "
                              "{sample} …)", individual=individual,
                              sample=", ".join(known[:3])))
    points = independent_detections(survey.filter(individuals=[individual]), threshold)
    points = points.sort_values("eventStart", kind="stable").reset_index(drop=True)
    x, y = points.geometry.x.to_numpy(), points.geometry.y.to_numpy()
    moved = np.flatnonzero((np.diff(x) != 0) | (np.diff(y) != 0))  # leave index i for i+1
    before, after = points.iloc[moved], points.iloc[moved + 1]
    lines = shapely.linestrings(np.stack([np.column_stack([x[moved], y[moved]]),
                                          np.column_stack([x[moved + 1], y[moved + 1]])],
                                         axis=1)) if len(moved) else []
    start = before["eventStart"].reset_index(drop=True)
    end = after["eventStart"].reset_index(drop=True)
    frame = pd.DataFrame({
        "individualID": individual, "step": np.arange(1, len(moved) + 1),
        "start": start, "end": end, "days": (end - start) / pd.Timedelta(days=1),
        "from_station": before["locationID"].to_numpy(),
        "to_station": after["locationID"].to_numpy(),
        "from_country": before["country"].to_numpy(),
        "to_country": after["country"].to_numpy()})
    frame["crosses_border"] = frame["from_country"] != frame["to_country"]
    frame["distance_km"] = np.hypot(x[moved + 1] - x[moved], y[moved + 1] - y[moved]) / 1000
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(lines, crs=points.crs),
                            crs=points.crs)[MOVEMENT_COLUMNS]

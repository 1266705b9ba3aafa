"""Which leopards roam across the Russia–China border, how often, and how much of their range
lies on each side.

Each camera station gets a country from the country polygons; a station within
``tolerance_m`` of the border line is also flagged ``on_border`` (the 1:10m line is
generalised to about a kilometre, so such a station's side is uncertain).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from landmap.home_range import RANGE_DEFAULTS, home_ranges, independent_detections
from landmap.i18n import N_
from landmap.observations import local_time
from landmap.survey import Survey, catalogue_order

__all__ = ["CROSSING_COLUMNS", "STATUS", "cross_border_by_year", "crossings_by_individual",
           "station_countries"]

#: Columns of the per-individual cross-border table, in order.
CROSSING_COLUMNS = [
    "individualID", "detections_rus", "detections_chn", "stations_rus", "stations_chn",
    "first_rus", "last_rus", "first_chn", "last_chn", "status", "crossings",
    "kde95_share_rus", "kde95_share_chn", "mcp_share_rus", "mcp_share_chn",
]  # fmt: skip

#: Status labels in the user's words, by the set of countries an animal was seen in
#: (English; each is a catalogue text, so a page shows it translated with its gettext).
STATUS = {frozenset({"RUS"}): N_("Russia only"), frozenset({"CHN"}): N_("China only"),
          frozenset({"RUS", "CHN"}): N_("both")}


def station_countries(survey: Survey, tolerance_m: float = 1000.0) -> pd.DataFrame:
    """Country of each camera station, its distance to the border and an on-border flag.

    Parameters
    ----------
    survey : Survey
    tolerance_m : float, default 1000
        Stations closer than this to the border line are flagged ``on_border``.

    Returns
    -------
    pandas.DataFrame
        ``locationID``, ``country``, ``border_distance_m``, ``on_border``.

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> st = station_countries(load_demo())
    >>> sorted(st["country"].unique())
    ['CHN', 'RUS']
    """
    if tolerance_m < 0:
        raise ValueError(f"tolerance_m={tolerance_m!r}: must not be negative.")
    stations = survey.deployments.drop_duplicates("locationID").to_crs(survey.metric_crs)
    line = survey.boundaries.border.to_crs(survey.metric_crs).geometry.union_all()
    distance = stations.geometry.distance(line).to_numpy()
    return pd.DataFrame({"locationID": stations["locationID"].to_numpy(),
                         "country": stations["country"].to_numpy(),
                         "border_distance_m": distance,
                         "on_border": distance < tolerance_m})


def _share_by_country(ranges: gpd.GeoDataFrame, countries: gpd.GeoDataFrame) -> pd.DataFrame:
    metric = countries.to_crs(ranges.crs).set_index("iso_a3").geometry
    out = pd.DataFrame(index=ranges.index)
    area = ranges.geometry.area
    for iso in ("RUS", "CHN"):
        inside = ranges.geometry.intersection(metric[iso]).area
        out[iso] = (inside / area).where(area > 0)
    return out


def crossings_by_individual(survey: Survey, threshold: str = "30min",
                            ranges: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Per leopard: where it was seen, its status, its minimum number of border crossings and
    the share of its range in each country.

    Parameters
    ----------
    survey : Survey
    threshold : str, default "30min"
        Independence interval for detections.
    ranges : GeoDataFrame, optional
        Output of :func:`landmap.home_range.home_ranges` for the same selection (computed
        when not given), from which the 95 % KDE and the 100 % MCP are split by the border.

    Returns
    -------
    pandas.DataFrame
        One row per individual: ``detections_rus``/``_chn``, ``stations_rus``/``_chn``,
        ``first_rus``, ``last_rus``, ``first_chn``, ``last_chn`` (the camera's local
        time, as the photo shows it: a date in UTC can be the day before), ``status``
        ("Russia only", "China only", "both"), ``crossings`` (changes of country between
        consecutive independent detections: a minimum, since cameras miss crossings) and
        ``kde95_share_rus``/``_chn``, ``mcp_share_rus``/``_chn`` (0-1; NaN without a range).

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> t = crossings_by_individual(load_demo().filter(years=(2021, 2021)))
    >>> sorted(t["status"].unique())
    ['China only', 'Russia only', 'both']
    """
    points = independent_detections(survey, threshold)
    points = points[points["country"].isin(["RUS", "CHN"])]
    if points.empty:
        return pd.DataFrame(columns=CROSSING_COLUMNS)
    points = points.assign(local=local_time(points["eventStart"], points["eventStart_offset"]))
    grouped = points.groupby(["individualID", "country"])
    wide = grouped.agg(detections=("locationID", "size"), stations=("locationID", "nunique"),
                       first=("local", "min"), last=("local", "max")).unstack("country")
    table = pd.DataFrame(index=wide.index)
    for field in ("detections", "stations"):
        for iso in ("RUS", "CHN"):
            col = (field, iso)
            table[f"{field}_{iso.lower()}"] = (wide[col].fillna(0).astype(int)
                                               if col in wide else 0)
    for iso in ("RUS", "CHN"):
        for field in ("first", "last"):
            table[f"{field}_{iso.lower()}"] = wide.get((field, iso), pd.NaT)
    seen = points.groupby("individualID")["country"].agg(frozenset)
    table["status"] = seen.map(STATUS)
    ordered = points.sort_values(["individualID", "eventStart"], kind="stable")
    changed = (ordered["country"] != ordered["country"].shift()) & (
        ordered["individualID"] == ordered["individualID"].shift())
    table["crossings"] = changed.groupby(ordered["individualID"]).sum().astype(int)

    if ranges is None:
        ranges = home_ranges(survey, **{**RANGE_DEFAULTS, "threshold": threshold})
    for method, level, label in (("kde", 95, "kde95"), ("mcp", 100, "mcp")):
        chosen = ranges[(ranges["method"] == method) & (ranges["level"] == level)
                        & ranges.geometry.notna()].set_index("individualID")
        shares = _share_by_country(chosen, survey.boundaries.countries)
        table[f"{label}_share_rus"] = shares["RUS"].reindex(table.index)
        table[f"{label}_share_chn"] = shares["CHN"].reindex(table.index)
    order = sorted(table.index, key=catalogue_order)
    return table.loc[order].reset_index()[CROSSING_COLUMNS]


def cross_border_by_year(survey: Survey, threshold: str = "30min") -> pd.DataFrame:
    """Per year: leopards seen in Russia, in China, in both, and the cross-border share.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``russia``, ``china``, ``both``, ``individuals`` and ``share_both`` (of the
        individuals seen that year, the share seen on both sides that year).

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> t = cross_border_by_year(load_demo()).set_index("year")
    >>> int(t.loc[2015, "china"]), int(t.loc[2021, "russia"])
    (0, 110)
    """
    points = independent_detections(survey, threshold)
    points = points[points["country"].isin(["RUS", "CHN"])]
    sides = points.groupby(["year", "individualID"])["country"].agg(frozenset)
    first, last = survey.year_span
    rows = []
    for year in range(first, last + 1):
        seen = sides.loc[year] if year in sides.index.get_level_values(0) else pd.Series()
        russia = int(seen.map(lambda s: "RUS" in s).sum())
        china = int(seen.map(lambda s: "CHN" in s).sum())
        both = int(seen.map(len).eq(2).sum())
        total = len(seen)
        rows.append({"year": year, "russia": russia, "china": china, "both": both,
                     "individuals": total, "share_both": both / total if total else np.nan})
    return pd.DataFrame(rows)

"""Camera stations and the detections at each, as map layers and as a table."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from landmap._arrow import positions
from landmap.effort import trap_nights
from landmap.maps.base import geojson, map_language, tooltip
from landmap.maps.style import COLOURS
from landmap.observations import LEOPARD, detection_mask
from landmap.survey import Survey

__all__ = ["station_sightings"]


def short_list(ids, most: int = 3) -> str:
    """A few names, then how many more ("RU-001, RU-002 and 8 more")."""
    ids = list(dict.fromkeys(i for text in ids for i in str(text).split(", ") if i))
    head = ", ".join(ids[:most])
    return head + (f" and {len(ids) - most} more" if len(ids) > most else "")


def add_stations(m: folium.Map, survey: Survey) -> None:
    lang = map_language(m)
    d = survey.deployments.assign(trap_nights=trap_nights(survey.deployments, survey.years))
    stations = (
        d[d["trap_nights"] > 0]
        .groupby("locationID", as_index=False)
        .agg(longitude=("longitude", "first"), latitude=("latitude", "first"),
             country=("country", "first"), trap_nights=("trap_nights", "sum"))
    )
    # One marker per place: pooled programmes can hold several stations at one spot, and
    # the page must stay small however many there are.
    places = stations.groupby(["longitude", "latitude"], as_index=False, sort=False).agg(
        locationID=("locationID", short_list), country=("country", "first"),
        trap_nights=("trap_nights", "sum"))
    places["trap_nights"] = places["trap_nights"].round(0).astype(int)
    frame = gpd.GeoDataFrame(
        places, geometry=gpd.points_from_xy(places.longitude, places.latitude),
        crs="EPSG:4326",
    )
    folium.GeoJson(
        geojson(frame, ["locationID", "country", "trap_nights"]),
        name=lang.gettext("Camera stations ({n})").format(n=lang.number(len(stations))),
        marker=folium.CircleMarker(radius=3, weight=1, color="#ffffff", fill=True,
                                   fill_color=COLOURS["station"], fill_opacity=0.9),
        style_function=lambda f: {"className": "lm-station"},
        tooltip=tooltip(["locationID", "country", "trap_nights"],
                                      aliases=[lang.gettext(a) for a in (
                                          "Station", "Country", "Trap-nights")]),
    ).add_to(m)


def station_sightings(survey: Survey, species: str = LEOPARD) -> pd.DataFrame:
    """Detections of a species aggregated per station: one row per station with any.

    Parameters
    ----------
    survey : Survey
    species : str, default the Amur leopard

    Returns
    -------
    pandas.DataFrame
        ``locationID``, ``latitude``, ``longitude``, ``country``, ``detections`` (records of
        the species, see :func:`landmap.observations.detections`), ``individuals`` (distinct IDs)
        and ``ids`` (comma-separated).

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> s = load_demo().filter(years=(2021, 2021))
    >>> int(station_sightings(s)["detections"].sum())
    1362
    """
    obs = survey.observations
    obs = obs.loc[detection_mask(obs, species), ["deploymentID", "individualID"]]
    stations = survey.deployments[["locationID", "latitude", "longitude", "country"]]
    # each detection's deployment by row number (deployment IDs are unique): a hashed
    # look-up, where a merge on millions of text keys takes seconds
    at = positions(obs["deploymentID"], survey.deployments["deploymentID"])
    rows = np.flatnonzero(at >= 0)
    # Grouped by integer codes of the stations: pandas aggregates text keys ("first" of a
    # text column) value by value in Python, minutes at a million detections.
    station = at[rows]
    codes, places = pd.factorize(stations["locationID"].array.take(station), sort=True)
    first = np.full(len(places), len(codes), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(codes)))
    head = stations.iloc[station[first]].reset_index(drop=True)
    per = pd.DataFrame({"locationID": pd.Series(places, dtype=stations["locationID"].dtype),
                        "latitude": head["latitude"], "longitude": head["longitude"],
                        "country": head["country"],
                        "detections": np.bincount(codes, minlength=len(places))})
    ids = obs["individualID"].array.take(rows)
    named = np.asarray(ids != "", dtype=bool)
    pairs = pd.DataFrame({"code": codes[named], "id": ids[named]}).drop_duplicates()
    pairs = pairs.sort_values(["code", "id"])
    code = pairs["code"].to_numpy()
    per["individuals"] = np.bincount(code, minlength=len(places))
    # the sorted pairs cut into one run per station, joined as plain Python strings
    # (a groupby would make a pandas object per station)
    cuts = np.flatnonzero(np.diff(code)) + 1
    names = pairs["id"].tolist()
    text = np.full(len(places), "", dtype=object)
    if len(code):
        starts, ends = np.r_[0, cuts], np.r_[cuts, len(code)]
        text[code[starts]] = [", ".join(names[a:b]) for a, b in zip(starts, ends, strict=True)]
    per["ids"] = pd.Series(text, dtype=stations["locationID"].dtype)
    return per


def pool_places(per: pd.DataFrame) -> pd.DataFrame:
    """Station rows of :func:`station_sightings` merged where stations share a place."""
    pooled = per.groupby(["latitude", "longitude"], as_index=False, sort=False).agg(
        locationID=("locationID", short_list), country=("country", "first"),
        detections=("detections", "sum"),
        seen=("ids", lambda s: sorted({i for text in s for i in text.split(", ") if i})))
    pooled["individuals"] = pooled["seen"].map(len)
    pooled["ids"] = pooled["seen"].map(lambda ids: short_list(ids, 12))
    return pooled.drop(columns="seen")

"""Camera stations and the detections at each, as map layers and as a table."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

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
    stations = survey.deployments[["deploymentID", "locationID", "latitude", "longitude",
                                   "country"]]
    joined = obs.merge(stations, on="deploymentID")
    named = joined[joined["individualID"] != ""]
    per = joined.groupby("locationID").agg(
        latitude=("latitude", "first"), longitude=("longitude", "first"),
        country=("country", "first"), detections=("deploymentID", "size"),
    )
    pairs = named[["locationID", "individualID"]].drop_duplicates().sort_values(
        ["locationID", "individualID"])
    ids = pairs.groupby("locationID")["individualID"].agg(list)
    per["individuals"] = ids.map(len).reindex(per.index).fillna(0).astype(int)
    per["ids"] = ids.map(", ".join).reindex(per.index).fillna("")
    return per.reset_index()


def pool_places(per: pd.DataFrame) -> pd.DataFrame:
    """Station rows of :func:`station_sightings` merged where stations share a place."""
    pooled = per.groupby(["latitude", "longitude"], as_index=False, sort=False).agg(
        locationID=("locationID", short_list), country=("country", "first"),
        detections=("detections", "sum"),
        seen=("ids", lambda s: sorted({i for text in s for i in text.split(", ") if i})))
    pooled["individuals"] = pooled["seen"].map(len)
    pooled["ids"] = pooled["seen"].map(lambda ids: short_list(ids, 12))
    return pooled.drop(columns="seen")

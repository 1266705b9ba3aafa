"""Camera stations and the detections at each, as map layers and as a table."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa

from landmap.effort import trap_nights
from landmap.i18n import Language, language
from landmap.maps.base import geojson, map_language, tooltip
from landmap.maps.style import COLOURS
from landmap.observations import LEOPARD, detection_mask
from landmap.survey import Survey

__all__ = ["name_lists", "place_sightings", "station_sightings"]


def _places(latitude, longitude) -> tuple[np.ndarray, np.ndarray]:
    """Each row's place (a code per distinct latitude and longitude, in first-seen order) and
    the first row of every place; rows without a coordinate get -1."""
    lat, _ = pd.factorize(np.asarray(latitude, dtype=float))
    lon, lons = pd.factorize(np.asarray(longitude, dtype=float))
    # one number per pair (NaN where a coordinate is missing, which factorize leaves out)
    both = np.where((lat < 0) | (lon < 0), np.nan, lat * float(max(len(lons), 1)) + lon)
    place, _ = pd.factorize(both)
    firsts = np.full(int(place.max(initial=-1)) + 1, len(place), dtype=np.int64)
    np.minimum.at(firsts, place[place >= 0], np.flatnonzero(place >= 0))
    return place, firsts


def _pooled(stations: pd.DataFrame, total: str, lang: Language | None
            ) -> tuple[pd.DataFrame, np.ndarray]:
    """Stations merged where they share a place: ``latitude``, ``longitude``,
    ``locationID`` (the first three, then how many more), ``country`` (of the first) and
    ``total`` summed; with each station's place."""
    place, firsts = _places(stations["latitude"], stations["longitude"])
    at = place >= 0
    pooled = stations.iloc[firsts][["latitude", "longitude"]].reset_index(drop=True)
    pooled["locationID"] = name_lists(place, stations["locationID"], len(firsts), 3, lang)[0]
    pooled["country"] = stations["country"].iloc[firsts].to_numpy()
    pooled[total] = np.bincount(place[at], weights=stations[total].to_numpy()[at],
                                minlength=len(firsts))
    return pooled, place


def name_lists(group: np.ndarray, names, size: int, most: int | None = None,
               lang: Language | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The distinct names of each group, sorted: the first ``most`` joined, then how many more.

    Parameters
    ----------
    group : numpy.ndarray of int
        Each name's group, 0 to ``size - 1`` (negative: in no group).
    names : array-like of str
        Empty and missing names are left out.
    size : int
        How many groups there are.
    most : int, optional
        How many names each text spells out (all unless told).
    lang : Language, optional
        The language of "and 8 more" (English unless told).

    Returns
    -------
    tuple of numpy.ndarray
        The texts (object, "" for a group without names) and the number of distinct names.

    Examples
    --------
    >>> text, n = name_lists(np.array([0, 0, 0, 1]), ["RU-2", "RU-1", "RU-2", "CN-7"], 2, 1)
    >>> list(text), n.tolist()
    (['RU-1 and 1 more', 'CN-7'], [2, 1])
    """
    lang = lang or language("en")
    group = np.asarray(group, dtype=np.int64)
    if isinstance(names, pa.Array | pa.ChunkedArray):
        names = pd.arrays.ArrowExtensionArray(names)
    codes, uniques = pd.factorize(pd.Series(names, copy=False), sort=True)
    uniques = np.asarray(uniques, dtype=object)
    useful = (codes >= 0) & (group >= 0)
    useful[useful] = uniques[codes[useful]] != ""
    # distinct (group, name) pairs as one sorted integer key: no text is compared twice
    width = max(len(uniques), 1)
    pairs = np.sort(pd.unique(group[useful] * width + codes[useful]))  # (numpy's unique: 6x)
    owner, name = pairs // width, pairs % width
    count = np.bincount(owner, minlength=size)
    starts = np.searchsorted(owner, np.arange(size))
    text = np.full(size, "", dtype=object)
    more = lang.gettext("{names} and {n} more")
    most = int(count.max(initial=0)) if most is None else most
    for g in np.flatnonzero(count):
        head = ", ".join(uniques[name[starts[g]:starts[g] + min(count[g], most)]])
        text[g] = (more.format(names=head, n=lang.number(count[g] - most))
                   if count[g] > most else head)
    return text, count


def add_stations(m: folium.Map, survey: Survey) -> None:
    lang = map_language(m)
    nights = trap_nights(survey.deployments, survey.years)
    # the four columns needed, not the whole table: a copy of every column costs more than
    # the rest of the layer at a million deployments
    d = survey.deployments[["locationID", "longitude", "latitude", "country"]]
    stations = (
        d[nights > 0].assign(trap_nights=nights[nights > 0])
        .groupby("locationID", as_index=False)
        .agg(longitude=("longitude", "first"), latitude=("latitude", "first"),
             country=("country", "first"), trap_nights=("trap_nights", "sum"))
    )
    # One marker per place: pooled programmes can hold several stations at one spot, and
    # the page must stay small however many there are.
    places, _ = _pooled(stations, "trap_nights", lang)
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
    per, station, ids = _detections_at(survey, species)
    text, per["individuals"] = name_lists(station, ids, len(per))
    per["ids"] = pd.Series(text, dtype=per["locationID"].dtype)
    return per


def place_sightings(survey: Survey, species: str = LEOPARD,
                    lang: Language | None = None) -> pd.DataFrame:
    """:func:`station_sightings` merged where stations share a place: one circle per place.

    Parameters
    ----------
    survey : Survey
    species : str, default the Amur leopard
    lang : Language, optional
        The language of "and 8 more" in the lists (English unless told).

    Returns
    -------
    pandas.DataFrame
        One row per place, in the order of the first station (by ID) at each: ``latitude``,
        ``longitude``, ``locationID`` (the first three stations by ID, then how many more),
        ``country`` (of the first station), ``detections`` (summed), ``individuals``
        (distinct IDs at the place) and ``ids`` (the first twelve, sorted, then how many
        more).

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> s = load_demo().filter(years=(2021, 2021))
    >>> per = place_sightings(s)
    >>> int(per["detections"].sum()), len(per) <= len(station_sightings(s))
    (1362, True)
    """
    per, station, ids = _detections_at(survey, species)
    pooled, place = _pooled(per, "detections", lang)
    pooled["detections"] = pooled["detections"].astype(np.int64)
    # each detection's animal counted at its station's place: no list of text is cut apart
    pooled["ids"], pooled["individuals"] = name_lists(place[station], ids, len(pooled), 12,
                                                      lang)
    return pooled[["latitude", "longitude", "locationID", "country", "detections",
                   "individuals", "ids"]]


def _detections_at(survey: Survey, species: str) -> tuple[pd.DataFrame, np.ndarray, object]:
    """The stations with detections (``locationID``, ``latitude``, ``longitude``,
    ``country``, ``detections``; sorted by ID), each detection's row among them and its
    individual ID."""
    obs = survey.observations
    chosen = detection_mask(obs, species)
    obs = obs.loc[chosen, ["deploymentID", "individualID"]]
    stations = survey.deployments[["locationID", "latitude", "longitude", "country"]]
    # each detection's deployment by row number (deployment IDs are unique), as the survey
    # knows them: a merge on millions of text keys takes seconds, a look-up of them half one
    at = survey.deployment_rows()[chosen]
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
    return per, codes, obs["individualID"].array.take(rows)

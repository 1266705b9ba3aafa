"""Every detection as a point, coloured by individual or by species."""

from __future__ import annotations

import json

import folium
import numpy as np
import pandas as pd
from folium.plugins import FastMarkerCluster
from folium.utilities import JsCode

from landmap.i18n import Language, language
from landmap.maps.base import base_map, finish_map, map_language
from landmap.maps.legend import NOTE, swatch_dot
from landmap.maps.stations import CLUSTER_ICON, add_stations
from landmap.maps.style import COLOURS, colour_cycle
from landmap.observations import LEOPARD, camera_offset, detections, local_time
from landmap.species import species_label
from landmap.survey import Survey, catalogue_order

__all__ = ["MAX_POINTS", "sightings_map"]


_DETECTION_MARKER = """
function (row) {
  var m = L.circleMarker(new L.LatLng(row[0], row[1]), {
    radius: 6, color: '#333', weight: 1, fillColor: COLOURS[row[2]], fillOpacity: 0.9,
    className: 'lm-detection'});
  m.options.detections = row[6] || 1;
  m.bindPopup('<b>' + LABELS[row[3]] + '</b><br>' + row[4] + '<br>' + STATION_WORD + ' '
              + STATIONS[row[5]] + ' (' + COUNTRIES[row[5]] + ')');
  return m;
}
"""


#: Above this many detections a map pools them (one point per place and animal).
MAX_POINTS = 15_000


def _pool_detections(points: pd.DataFrame, max_points: int, lang: Language) -> pd.DataFrame:
    """One point per place and colour group, with its count and date span."""
    pooled = points.groupby(["lat", "lon", "colour", "label"], as_index=False, sort=False).agg(
        first=("when", "min"), last=("when", "max"), station=("station", "first"),
        count=("when", "size"))
    if len(pooled) > max_points:  # still too many: one point per place
        pooled = points.groupby(["lat", "lon"], as_index=False, sort=False).agg(
            colour=("colour", "first"), label=("label", "first"), first=("when", "min"),
            last=("when", "max"), station=("station", "first"), count=("when", "size"))
    pooled["when"] = [
        lang.ngettext("{n} detection, {first} to {last}", "{n} detections, {first} to {last}",
                      int(n)).format(n=lang.number(n), first=first[:10], last=last[:10])
        for n, first, last in zip(pooled["count"], pooled["first"], pooled["last"], strict=True)]
    return pooled[["lat", "lon", "colour", "label", "when", "station", "count"]]


def sightings_map(survey: Survey, species: str | list[str] = LEOPARD,
                  colour_by: str = "individual", title: str | None = None,
                  max_points: int = MAX_POINTS, lang: Language | None = None) -> folium.Map:
    """Each detection of a species as a clustered point coloured by individual or species.

    Parameters
    ----------
    survey : Survey
    species : str or list of str
        Scientific name(s) to show.
    colour_by : {"individual", "species"}
    title : str, optional

    Returns
    -------
    folium.Map
        Popups give the ID (or species), the local date and time, the station and its
        country. Points are sent as compact arrays with lookup tables (about 50 bytes
        each), and cluster when zoomed out. Beyond ``max_points`` detections they are pooled
        per place and animal (a popup then gives the count and the date span), so the page
        stays small at any scale.

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> m = sightings_map(load_demo().filter(years=(2021, 2021)))
    >>> "Leopard detections" in m.get_root().render()
    True
    """
    if colour_by not in ("individual", "species"):
        raise ValueError(f"colour_by={colour_by!r}: use 'individual' or 'species'.")
    wanted = [species] if isinstance(species, str) else list(species)
    obs = pd.concat([detections(survey.observations, name) for name in wanted])
    stations = survey.deployments.drop_duplicates("deploymentID").set_index("deploymentID")
    obs = obs[obs["deploymentID"].isin(stations.index)]
    if colour_by == "individual":
        group = obs["individualID"].where(obs["individualID"] != "", "unidentified")
        keys = sorted(set(group) - {"unidentified"}, key=catalogue_order)
        colours = colour_cycle(keys) | {"unidentified": "#999999"}
        labels = group
    else:
        group = obs["scientificName"]
        keys = sorted(set(group), key=lambda n: (n != LEOPARD, n))
        colours = colour_cycle(keys)
        labels = group.map(species_label)
    order = list(colours)
    label_list = sorted(set(labels))
    location = stations.loc[obs["deploymentID"], "locationID"].to_numpy()
    station_list = sorted(set(location))
    countries = stations.drop_duplicates("locationID").set_index("locationID")["country"]
    local = local_time(obs["eventStart"], camera_offset(obs))
    when = local.dt.strftime("%Y-%m-%d %H:%M").to_numpy()
    lat = stations.loc[obs["deploymentID"], "latitude"].to_numpy()
    lon = stations.loc[obs["deploymentID"], "longitude"].to_numpy()
    colour_index = {k: i for i, k in enumerate(order)}
    label_index = {k: i for i, k in enumerate(label_list)}
    station_index = {k: i for i, k in enumerate(station_list)}
    points = pd.DataFrame({"lat": np.round(lat.astype(float), 5),
                           "lon": np.round(lon.astype(float), 5),
                           "colour": group.map(colour_index).to_numpy(),
                           "label": labels.map(label_index).to_numpy(), "when": when,
                           "station": pd.Series(location).map(station_index).to_numpy()})
    total = len(points)
    if total > max_points:
        points = _pool_detections(points, max_points, lang or language("en"))
    # Send only the labels and stations the points use: at scale the lookup tables would
    # otherwise outweigh the points.
    label_used, points["label"] = np.unique(points["label"].to_numpy(), return_inverse=True)
    station_used, points["station"] = np.unique(points["station"].to_numpy(),
                                                return_inverse=True)
    label_list = [label_list[i] for i in label_used]
    station_list = [station_list[i] for i in station_used]
    data = points.to_numpy().tolist()
    callback = (_DETECTION_MARKER.replace("COLOURS", json.dumps([colours[k] for k in order]))
                .replace("LABELS", json.dumps(label_list))
                .replace("STATIONS", json.dumps(station_list))
                .replace("COUNTRIES", json.dumps([countries.get(s, "") for s in station_list]))
                .replace("STATION_WORD", json.dumps((lang or language("en")).gettext("Station"))))
    m = base_map(survey, lang=lang)
    t = map_language(m).gettext
    add_stations(m, survey)
    name = t("Leopard detections") if wanted == [LEOPARD] else t("Detections")
    FastMarkerCluster(data, callback=callback, name=f"{name} ({map_language(m).number(total)})",
                      options={"iconCreateFunction": JsCode(CLUSTER_ICON),
                               "maxClusterRadius": 45, "disableClusteringAtZoom": 13,
                               "spiderfyOnMaxZoom": False}).add_to(m)
    present = set(group.unique())
    shown = [k for k in order if k in present]
    rows = [(swatch_dot(colours[k], 12),
             (t("unidentified") if k == "unidentified" else k) if colour_by == "individual"
             else species_label(k, t)) for k in shown[:8]]
    note = t(NOTE)
    if len([k for k in shown if k != "unidentified"]) > 8:
        # the first seven by name; the rest is no list on the map but a pointer
        rows = [*rows[:7], (swatch_dot("#ffffff00", 12),
                            t("{n} more groups share these colours: choose individuals in "
                              "the filters to tell them apart").format(n=len(shown) - 7))]
        note = t(NOTE)
    rows.append((swatch_dot(COLOURS["station"]), t("Camera station in the selection")))
    return finish_map(m, survey, title or f"{name}, {survey.span_label}", rows, note)

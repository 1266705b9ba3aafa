"""Folium maps of the survey, drawn with landmap's own copies of Leaflet.

Every builder returns a :class:`folium.Map` whose scripts and stylesheets are local
(:func:`landmap.offline.use_local_assets`), so a map draws with no internet. With no
basemap tiles the map is still readable: sea is the map's background colour, land is
drawn from the country polygons, and the parks and the border lie on top.
"""

from __future__ import annotations

import html
import json

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement, Template
from folium.plugins import FastMarkerCluster, Fullscreen
from folium.utilities import JsCode

from landmap.effort import trap_nights
from landmap.offline import add_css, use_local_assets
from landmap.survey import LEOPARD, Survey

__all__ = ["COLOURS", "overview_map", "station_sightings"]

#: Colours (Okabe-Ito palette where a hue carries meaning, safe for colour-blind viewers).
COLOURS = {
    "sea": "#cfe3ef",
    "RUS": "#f4efe1",
    "CHN": "#e2d8c3",
    "PRK": "#e3e3e3",
    "border": "#b2182b",
    "park": "#009E73",
    "reserve": "#006d4f",
    "station": "#0072B2",
    "sighting": "#E69F00",
}

_CSS = f"""
.leaflet-container {{ background: {COLOURS['sea']} !important;
  font: 14px/1.4 system-ui, sans-serif; }}
.lm-label {{ font: 600 13px system-ui, sans-serif; letter-spacing: .2em; color: #5b5b5b;
  white-space: nowrap; text-shadow: 0 0 3px #fff; }}
.lm-legend {{ background: rgba(255,255,255,.93); padding: 8px 10px; border-radius: 6px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); max-width: 290px; }}
.lm-legend h4 {{ margin: 0 0 4px; font-size: 14px; }}
.lm-legend .row {{ display: flex; align-items: center; gap: 6px; margin: 2px 0; }}
.lm-legend .sw {{ width: 22px; height: 12px; flex: none; }}
.lm-legend .note {{ font-size: 11px; color: #444; margin-top: 4px; }}
.lm-cluster {{ background: rgba(230,159,0,.85); border: 2px solid #7a5200; border-radius: 50%;
  color: #000; font-weight: 700; display: flex; align-items: center; justify-content: center; }}
"""


def _geojson(frame: gpd.GeoDataFrame, columns: list[str]) -> dict:
    return json.loads(frame[[*columns, "geometry"]].to_json(drop_id=True))


def _add_land(m: folium.Map, survey: Survey) -> None:
    countries = survey.boundaries.countries
    folium.GeoJson(
        _geojson(countries, ["iso_a3", "name_en"]),
        name="Countries (Natural Earth 1:10m)",
        style_function=lambda f: {
            "fillColor": COLOURS.get(f["properties"]["iso_a3"], "#eeeeee"),
            "fillOpacity": 1, "color": "#9a9a9a", "weight": 0.6, "className": "lm-country",
        },
        tooltip=folium.GeoJsonTooltip(["name_en"], labels=False),
    ).add_to(m)
    # Country names, so the map reads without a basemap.
    _Labels([("RUSSIA", 43.75, 131.75), ("CHINA", 43.3, 130.25), ("NORTH KOREA", 42.2, 130.2),
             ("SEA OF JAPAN", 42.45, 131.6)]).add_to(m)


def _add_parks(m: folium.Map, survey: Survey) -> None:
    parks = survey.boundaries.parks.copy()
    parks["label"] = parks["name_en"] + np.where(parks["approximate"], " (approximate outline)",
                                                 "")
    folium.GeoJson(
        _geojson(parks, ["park_id", "label"]),
        name="National parks and reserve (approximate)",
        style_function=lambda f: {
            "color": COLOURS["reserve" if f["properties"]["park_id"] == "kedrovaya-pad"
                             else "park"],
            "weight": 2, "dashArray": "6 4", "fillColor": COLOURS["park"], "fillOpacity": 0.12,
            "className": "lm-park",
        },
        tooltip=folium.GeoJsonTooltip(["label"], labels=False),
    ).add_to(m)


def _add_border(m: folium.Map, survey: Survey) -> None:
    folium.GeoJson(
        _geojson(survey.boundaries.border, ["name_en"]),
        name="Russia–China border",
        style_function=lambda f: {"color": COLOURS["border"], "weight": 4, "opacity": 0.95,
                                  "className": "lm-border"},
        tooltip=folium.GeoJsonTooltip(["name_en"], labels=False),
    ).add_to(m)


def _add_stations(m: folium.Map, survey: Survey) -> None:
    d = survey.deployments.assign(trap_nights=trap_nights(survey.deployments, survey.years))
    stations = (
        d[d["trap_nights"] > 0]
        .groupby("locationID", as_index=False)
        .agg(longitude=("longitude", "first"), latitude=("latitude", "first"),
             country=("country", "first"), trap_nights=("trap_nights", "sum"))
    )
    stations["trap_nights"] = stations["trap_nights"].round(0).astype(int)
    frame = gpd.GeoDataFrame(
        stations, geometry=gpd.points_from_xy(stations.longitude, stations.latitude),
        crs="EPSG:4326",
    )
    folium.GeoJson(
        _geojson(frame, ["locationID", "country", "trap_nights"]),
        name=f"Camera stations ({len(frame)})",
        marker=folium.CircleMarker(radius=3, weight=1, color="#ffffff", fill=True,
                                   fill_color=COLOURS["station"], fill_opacity=0.9),
        style_function=lambda f: {"className": "lm-station"},
        tooltip=folium.GeoJsonTooltip(["locationID", "country", "trap_nights"],
                                      aliases=["Station", "Country", "Trap-nights"]),
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
        ``locationID``, ``latitude``, ``longitude``, ``country``, ``detections`` (observation
        rows of the species), ``individuals`` (distinct IDs) and ``ids`` (comma-separated).

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> s = load_demo().filter(years=(2021, 2021))
    >>> int(station_sightings(s)["detections"].sum())
    1398
    """
    obs = survey.observations
    obs = obs[obs["scientificName"] == species]
    stations = survey.deployments[["deploymentID", "locationID", "latitude", "longitude",
                                   "country"]]
    joined = obs[["deploymentID", "individualID"]].merge(stations, on="deploymentID")
    named = joined[joined["individualID"] != ""]
    per = joined.groupby("locationID").agg(
        latitude=("latitude", "first"), longitude=("longitude", "first"),
        country=("country", "first"), detections=("deploymentID", "size"),
    )
    ids = named.groupby("locationID")["individualID"].agg(lambda s: sorted(set(s)))
    per["individuals"] = ids.map(len).reindex(per.index).fillna(0).astype(int)
    per["ids"] = ids.map(", ".join).reindex(per.index).fillna("")
    return per.reset_index()


_CLUSTER_ICON = """
function (cluster) {
  var n = 0;
  cluster.getAllChildMarkers().forEach(function (m) { n += m.options.detections || 0; });
  var size = Math.round(26 + 8 * Math.log10(n + 1));
  return L.divIcon({html: '<div class="lm-cluster" style="width:' + size + 'px;height:' +
    size + 'px">' + n + '</div>', className: 'lm-cluster-icon', iconSize: [size, size]});
}
"""

_SIGHTING_MARKER = """
function (row) {
  var m = L.circleMarker(new L.LatLng(row[0], row[1]), {
    radius: 4 + 2 * Math.sqrt(row[2]), color: '#7a5200', weight: 1, fillColor: 'FILL',
    fillOpacity: 0.9, className: 'lm-sighting'});
  m.options.detections = row[2];
  m.bindTooltip(row[3]);
  return m;
}
""".replace("FILL", COLOURS["sighting"])


def _add_sightings(m: folium.Map, survey: Survey) -> int:
    per = station_sightings(survey)
    if per.empty:
        return 0
    labels = [
        html.escape(f"{r.locationID} ({r.country}): {r.detections} leopard detection(s)"
                    + (f", {r.individuals} individual(s): {r.ids}" if r.individuals else ""))
        for r in per.itertuples()
    ]
    data = [[float(r.latitude), float(r.longitude), int(r.detections), label]
            for r, label in zip(per.itertuples(), labels, strict=True)]
    FastMarkerCluster(
        data, callback=_SIGHTING_MARKER, name=f"Leopard detections ({int(per.detections.sum())})",
        options={"iconCreateFunction": JsCode(_CLUSTER_ICON), "maxClusterRadius": 40,
                 "disableClusteringAtZoom": 11},
    ).add_to(m)
    return int(per["detections"].sum())


class _Labels(MacroElement):
    """Place names as plain text on the map (no marker icon images needed)."""

    _template = Template("""
{% macro script(this, kwargs) %}
{{ this.labels|tojson }}.forEach(function (l) {
  L.marker([l[1], l[2]], {interactive: false, keyboard: false, icon: L.divIcon({
    className: '', html: '<div class="lm-label">' + l[0] + '</div>', iconSize: [140, 16],
    iconAnchor: [70, 8]})}).addTo({{ this._parent.get_name() }});
});
{% endmacro %}
""")

    def __init__(self, labels: list[tuple[str, float, float]]):
        super().__init__()
        self._name = "Labels"
        self.labels = [list(x) for x in labels]


class _Legend(MacroElement):
    """A fixed legend drawn inside the map (travels with it into exports)."""

    _template = Template("""
{% macro html(this, kwargs) %}{% endmacro %}
{% macro script(this, kwargs) %}
var legend_{{ this.get_name() }} = L.control({position: 'bottomright'});
legend_{{ this.get_name() }}.onAdd = function () {
  var div = L.DomUtil.create('div', 'lm-legend');
  div.innerHTML = {{ this.body|tojson }};
  return div;
};
legend_{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, body: str):
        super().__init__()
        self._name = "Legend"
        self.body = body


def _legend(title: str, detections: int) -> str:
    def row(swatch: str, text: str) -> str:
        return f'<div class="row"><span class="sw" style="{swatch}"></span>{text}</div>'

    return (
        f"<h4>{html.escape(title)}</h4>"
        + row(f"border-top:4px solid {COLOURS['border']};height:0", "Russia–China border")
        + row(f"border:2px dashed {COLOURS['park']};background:{COLOURS['park']}22",
              "National park (approximate outline)")
        + row(f"background:{COLOURS['station']};border-radius:50%;width:10px;height:10px",
              "Camera station in the selection")
        + row(f"background:{COLOURS['sighting']};border-radius:50%;width:14px;height:14px",
              f"Leopard detections per station ({detections:,} in all; circles merge into "
              "numbered clusters when zoomed out)")
        + '<div class="note">Park outlines are approximate, built from published areas '
          "(see About). Country outlines: Natural Earth 1:10m.</div>"
    )


def overview_map(survey: Survey, title: str | None = None, basemap: bool = False) -> folium.Map:
    """The landing map: countries, parks, the border, camera stations and leopard detections.

    Parameters
    ----------
    survey : Survey
        The selection to draw (stations with effort in the selected years, detections of
        the selected individuals).
    title : str, optional
        Legend title; defaults to the selected span of years.
    basemap : bool, default False
        Offer an OpenStreetMap tile layer (switched off; it needs internet).

    Returns
    -------
    folium.Map
        With a layer control, a legend, a scale bar and a full-screen button; every script
        and stylesheet served by landmap.

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> from landmap.offline import asset_urls
    >>> m = overview_map(load_demo().filter(years=(2013, 2013)))
    >>> all(u.startswith("/app/static/") for u in asset_urls(m))
    True
    """
    first, last = survey.year_span
    span = str(first) if first == last else f"{first}–{last}"
    # Without a tile layer Leaflet knows no zoom limits, and the cluster plugin needs one.
    m = folium.Map(location=[43.15, 131.0], zoom_start=9, tiles=None, control_scale=True,
                   **{"maxZoom": 15, "minZoom": 6})
    add_css(m, _CSS)
    _add_land(m, survey)
    if basemap:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap (needs internet)", overlay=True,
                         show=False).add_to(m)
    _add_parks(m, survey)
    _add_border(m, survey)
    _add_stations(m, survey)
    detections = _add_sightings(m, survey)
    _Legend(_legend(title or f"Amur leopard camera traps, {span}", detections)).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    Fullscreen().add_to(m)
    bounds = survey.deployments.total_bounds if len(survey.deployments) else None
    if bounds is not None:
        m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    return use_local_assets(m)

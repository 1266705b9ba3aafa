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
import shapely
from branca.element import MacroElement, Template
from folium.plugins import FastMarkerCluster, Fullscreen
from folium.utilities import JsCode

from landmap.effort import trap_nights
from landmap.i18n import N_, Language, language
from landmap.offline import add_css, use_local_assets
from landmap.species import species_label
from landmap.survey import (
    LEOPARD,
    Survey,
    catalogue_order,
    detection_mask,
    detections,
    local_time,
)

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
    "user": "#5e3c99",
}

_CSS = f"""
.leaflet-container {{ background: {COLOURS['sea']} !important;
  font: 14px/1.4 system-ui, sans-serif; }}
.lm-label {{ font: 600 13px system-ui, sans-serif; letter-spacing: .2em; color: #5b5b5b;
  white-space: nowrap; text-shadow: 0 0 3px #fff; }}
.lm-legend {{ background: rgba(255,255,255,.93); padding: 6px 9px; border-radius: 6px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); max-width: 250px; max-height: 45%; overflow-y: auto;
  font-size: 12px; line-height: 1.3; }}
.lm-legend h4 {{ margin: 0 0 4px; font-size: 14px; }}
.lm-legend .row {{ display: flex; align-items: center; gap: 6px; margin: 2px 0; }}
.lm-legend .sw {{ width: 22px; height: 12px; flex: none; }}
.lm-legend .note {{ font-size: 11px; color: #444; margin-top: 4px; }}
.lm-legend .precision {{ font-size: 12px; font-weight: 600; margin-top: 4px; }}
.lm-cluster {{ background: rgba(230,159,0,.85); border: 2px solid #7a5200; border-radius: 50%;
  color: #000; font-weight: 700; display: flex; align-items: center; justify-content: center; }}
"""


def _tooltip(fields: list[str], **kwargs) -> folium.GeoJsonTooltip:
    return _EmptySafeTooltip(fields, **kwargs)


class _EmptySafeTooltip(folium.GeoJsonTooltip):
    """A tooltip that also accepts a layer with no features (an empty selection).

    folium checks the fields against the first feature and fails when there is none.
    """

    def render(self, **kwargs):
        data = getattr(self._parent, "data", None)
        if isinstance(data, dict) and not data.get("features"):
            return None
        return super().render(**kwargs)


def _geojson(frame: gpd.GeoDataFrame, columns: list[str]) -> dict:
    # 1e-5 degrees (about a metre) is finer than any layer here and halves the payload.
    frame = frame[[*columns, "geometry"]].copy()
    frame["geometry"] = shapely.set_precision(frame.geometry.to_numpy(), 1e-5, mode="pointwise")
    return json.loads(frame.to_json(drop_id=True))


def _lang(m: folium.Map) -> Language:
    """The language the map was started in (see :func:`base_map`)."""
    return getattr(m, "_landmap_lang", None) or language("en")


def _name(m: folium.Map, frame: pd.DataFrame) -> str:
    """The place-name column in the map's language (``name_ru``), else English."""
    column = f"name_{_lang(m).code}"
    return column if column in frame else "name_en"


def _add_land(m: folium.Map, survey: Survey) -> None:
    t = _lang(m).gettext
    countries = survey.boundaries.countries
    name = _name(m, countries)
    folium.GeoJson(
        _geojson(countries, ["iso_a3", name]),
        name=t("Countries (Natural Earth 1:10m)"),
        style_function=lambda f: {
            "fillColor": COLOURS.get(f["properties"]["iso_a3"], "#eeeeee"),
            "fillOpacity": 1, "color": "#9a9a9a", "weight": 0.6, "className": "lm-country",
        },
        tooltip=_tooltip([name], labels=False),
    ).add_to(m)
    # Country names, so the map reads without a basemap.
    _Labels([(t("RUSSIA"), 43.75, 131.75), (t("CHINA"), 43.3, 130.25),
             (t("NORTH KOREA"), 42.2, 130.2), (t("SEA OF JAPAN"), 42.45, 131.6)]).add_to(m)


def _add_parks(m: folium.Map, survey: Survey) -> None:
    t = _lang(m).gettext
    parks = survey.boundaries.parks.copy()
    parks["label"] = parks[_name(m, parks)] + np.where(
        parks["approximate"], " " + t("(approximate outline)"), "")
    folium.GeoJson(
        _geojson(parks, ["park_id", "label"]),
        name=t("National parks and reserve (approximate)"),
        style_function=lambda f: {
            "color": COLOURS["reserve" if f["properties"]["park_id"] == "kedrovaya-pad"
                             else "park"],
            "weight": 2, "dashArray": "6 4", "fillColor": COLOURS["park"], "fillOpacity": 0.12,
            "className": "lm-park",
        },
        tooltip=_tooltip(["label"], labels=False),
    ).add_to(m)


def _add_border(m: folium.Map, survey: Survey) -> None:
    border = survey.boundaries.border
    name = _name(m, border)
    folium.GeoJson(
        _geojson(border, [name]),
        name=_lang(m).gettext("Russia–China border"),
        pane="lm-border-pane",
        style_function=lambda f: {"color": COLOURS["border"], "weight": 5, "opacity": 0.95,
                                  "className": "lm-border"},
        tooltip=_tooltip([name], labels=False),
    ).add_to(m)


def _add_stations(m: folium.Map, survey: Survey) -> None:
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
        locationID=("locationID", _names), country=("country", "first"),
        trap_nights=("trap_nights", "sum"))
    places["trap_nights"] = places["trap_nights"].round(0).astype(int)
    frame = gpd.GeoDataFrame(
        places, geometry=gpd.points_from_xy(places.longitude, places.latitude),
        crs="EPSG:4326",
    )
    folium.GeoJson(
        _geojson(frame, ["locationID", "country", "trap_nights"]),
        name=_lang(m).gettext("Camera stations ({n})").format(n=_lang(m).number(len(stations))),
        marker=folium.CircleMarker(radius=3, weight=1, color="#ffffff", fill=True,
                                   fill_color=COLOURS["station"], fill_opacity=0.9),
        style_function=lambda f: {"className": "lm-station"},
        tooltip=_tooltip(["locationID", "country", "trap_nights"],
                                      aliases=[_lang(m).gettext(a) for a in (
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
        the species, see :func:`landmap.survey.detections`), ``individuals`` (distinct IDs)
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


def _names(ids, most: int = 3) -> str:
    """A few names, then how many more ("RU-001, RU-002 and 8 more")."""
    ids = list(dict.fromkeys(i for text in ids for i in str(text).split(", ") if i))
    head = ", ".join(ids[:most])
    return head + (f" and {len(ids) - most} more" if len(ids) > most else "")


def _pool_places(per: pd.DataFrame) -> pd.DataFrame:
    """Station rows of :func:`station_sightings` merged where stations share a place."""
    pooled = per.groupby(["latitude", "longitude"], as_index=False, sort=False).agg(
        locationID=("locationID", _names), country=("country", "first"),
        detections=("detections", "sum"),
        seen=("ids", lambda s: sorted({i for text in s for i in text.split(", ") if i})))
    pooled["individuals"] = pooled["seen"].map(len)
    pooled["ids"] = pooled["seen"].map(lambda ids: _names(ids, 12))
    return pooled.drop(columns="seen")


def _add_sightings(m: folium.Map, survey: Survey) -> int:
    per = station_sightings(survey)
    if per.empty:
        return 0
    per = _pool_places(per)
    lang = _lang(m)
    labels = [
        html.escape(lang.ngettext("{station} ({country}): {n} leopard detection",
                                  "{station} ({country}): {n} leopard detections",
                                  r.detections).format(station=r.locationID, country=r.country,
                                                       n=r.detections)
                    + (lang.ngettext("; {n} individual: {ids}", "; {n} individuals: {ids}",
                                     r.individuals).format(n=r.individuals, ids=r.ids)
                       if r.individuals else ""))
        for r in per.itertuples()
    ]
    data = [[float(r.latitude), float(r.longitude), int(r.detections), label]
            for r, label in zip(per.itertuples(), labels, strict=True)]
    FastMarkerCluster(
        data, callback=_SIGHTING_MARKER,
        name=lang.gettext("Leopard detections ({n})").format(
            n=lang.number(int(per.detections.sum()))),
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


class _Controls(MacroElement):
    """Leaflet's zoom buttons and metric scale bar, with their words in the map's language.

    Leaflet writes "m", "km", "Zoom in" and "Zoom out" itself; the scale bar instance's
    metric label is replaced, so the bar still rounds and resizes as Leaflet's does
    (miles and feet are left out: the park's people and their partners measure in km).
    """

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  // As map.zoomControl, so the full-screen button joins its bar as with Leaflet's own.
  map.zoomControl = L.control.zoom({zoomInTitle: {{ this.zoom_in|tojson }},
                                   zoomOutTitle: {{ this.zoom_out|tojson }}}).addTo(map);
  var bar = L.control.scale({metric: true, imperial: false, maxWidth: 150});
  bar._updateMetric = function (maxMeters) {
    var meters = this._getRoundNum(maxMeters);
    var text = meters < 1000 ? meters + '\u00a0' + {{ this.m|tojson }}
                             : (meters / 1000) + '\u00a0' + {{ this.km|tojson }};
    this._updateScale(this._mScale, text, meters / maxMeters);
  };
  bar.addTo(map);
})();
{% endmacro %}
""")

    def __init__(self, lang: Language):
        super().__init__()
        self._name = "Controls"
        self.m = lang.gettext("m")
        self.km = lang.gettext("km")
        self.zoom_in = lang.gettext("Zoom in")
        self.zoom_out = lang.gettext("Zoom out")


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


def _row(swatch: str, text: str) -> str:
    return f'<div class="row"><span class="sw" style="{swatch}"></span>{html.escape(text)}</div>'


def _swatch_line(colour: str, weight: int = 4) -> str:
    return f"border-top:{weight}px solid {colour};height:0"


def _swatch_fill(colour: str, outline: str | None = None, dashed: bool = False) -> str:
    style = "dashed" if dashed else "solid"
    return f"background:{colour};border:2px {style} {outline or colour}"


def _swatch_dot(colour: str, size: int = 10) -> str:
    return f"background:{colour};border-radius:50%;width:{size}px;height:{size}px"


_BASE_ROWS = [
    (_swatch_line(COLOURS["border"]), N_("Russia–China border")),
    (_swatch_fill(COLOURS["park"] + "22", COLOURS["park"], dashed=True),
     N_("National park (approximate outline)")),
]
_NOTE = N_("Park outlines are approximate, built from published areas (see About). "
           "Country outlines: Natural Earth 1:10m. Counts are minimum counts.")


def _precision_line(survey: Survey, t) -> str:
    p = survey.precision
    text = (t("Locations exact: not for sharing outside the team") if p.exact else
            t("Locations generalised to {km} km (cell centres)").format(km=p.cell_km))
    return f'<div class="precision lm-precision">{html.escape(text)}</div>'


def _legend(title: str, rows: list[tuple[str, str]], note: str,
            precision: str = "") -> str:
    body = "".join(_row(swatch, text) for swatch, text in rows)
    return (f"<h4>{html.escape(title)}</h4>{body}{precision}"
            f"<div class=\"note\">{html.escape(note)}</div>")


def base_map(survey: Survey, basemap: bool = False, lang: Language | None = None
             ) -> folium.Map:
    """An empty landmap map: sea, countries, place names, parks and the border on top.

    The border lives in its own pane above every other layer, so ranges and grids drawn
    later never hide it. ``lang`` is the language of every text the map shows (English by
    default); the map keeps it for the layers and legend added later.
    """
    # Without a tile layer Leaflet knows no zoom limits, and the cluster plugin needs one.
    m = folium.Map(location=[43.15, 131.0], zoom_start=9, tiles=None, control_scale=False,
                   zoom_control=False, **{"maxZoom": 15, "minZoom": 6})
    m._landmap_lang = lang or language("en")
    _Controls(m._landmap_lang).add_to(m)
    add_css(m, _CSS)
    folium.map.CustomPane("lm-border-pane", z_index=450).add_to(m)
    _add_land(m, survey)
    if basemap:
        folium.TileLayer("OpenStreetMap", name=_lang(m).gettext("OpenStreetMap (needs internet)"),
                         overlay=True,
                         show=False).add_to(m)
    _add_parks(m, survey)
    _add_user_layers(m, survey)
    _add_border(m, survey)
    return m


def _add_user_layers(m: folium.Map, survey: Survey) -> None:
    for name, layer in survey.boundaries.extra:
        drawn = layer[~(layer.geometry.isna() | layer.geometry.is_empty)]
        shown = [c for c in drawn.columns if c != "geometry"][:3]
        frame = drawn[shown].astype(str).assign(layer=name).set_geometry(drawn.geometry)
        folium.GeoJson(
            _geojson(frame, ["layer", *shown]),
            name=_lang(m).ngettext("{name} (your layer, {n} feature)",
                                   "{name} (your layer, {n} features)", len(frame)).format(
                name=name, n=len(frame)),
            style_function=lambda f: {"color": COLOURS["user"], "weight": 2.5,
                                      "fillColor": COLOURS["user"], "fillOpacity": 0.08,
                                      "className": "lm-user"},
            marker=folium.CircleMarker(radius=5, color=COLOURS["user"], fill=True),
            tooltip=_tooltip(["layer", *shown], labels=True),
        ).add_to(m)


def _view(shapes: gpd.GeoSeries, crs: str) -> list[list[float]]:
    """South-west and north-east corners to fit the map to, as [lat, lon].

    Taken in UTM 52N and converted point by point: a corner made of one station's
    longitude and another's latitude would not lie on the grid of generalised places.
    """
    x0, y0, x1, y1 = shapes.to_crs(crs).total_bounds
    corners = gpd.GeoSeries(gpd.points_from_xy([x0, x1], [y0, y1]), crs=crs)
    corners = corners.to_crs("EPSG:4326")
    return [[round(p.y, 6), round(p.x, 6)] for p in corners]


def finish_map(m: folium.Map, survey: Survey, title: str, rows: list[tuple[str, str]],
               note: str | None = None, extent: gpd.GeoSeries | None = None) -> folium.Map:
    """Add the legend (stating the survey's location precision), layer control,
    full-screen button and view; make assets local. ``rows`` and ``note`` are in the map's
    language already; the standard rows and note are translated here."""
    t = _lang(m).gettext
    base = [(swatch, t(text)) for swatch, text in _BASE_ROWS]
    user = [(_swatch_fill(COLOURS["user"] + "22", COLOURS["user"]),
             t("{name} (your layer)").format(name=name)) for name, _ in survey.boundaries.extra]
    _Legend(_legend(title, base + user + rows, t(_NOTE) if note is None else note,
                    _precision_line(survey, t))).add_to(m)
    # Collapsed, the layer list opens on hover and leaves the map and legend readable.
    folium.LayerControl(collapsed=True).add_to(m)
    Fullscreen(title=t("Full screen"), title_cancel=t("Leave full screen")).add_to(m)
    if extent is None:
        extent = survey.deployments.geometry
    if len(extent):
        m.fit_bounds(_view(extent, survey.metric_crs))
    return use_local_assets(m)


def overview_map(survey: Survey, title: str | None = None, basemap: bool = False,
                 lang: Language | None = None) -> folium.Map:
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
    m = base_map(survey, basemap, lang)
    t, n = _lang(m).gettext, _lang(m).number
    _add_stations(m, survey)
    detections = _add_sightings(m, survey)
    rows = [
        (_swatch_dot(COLOURS["station"]), t("Camera station in the selection")),
        (_swatch_dot(COLOURS["sighting"], 14),
         t("Leopard detections per station ({n} in all; circles merge into numbered clusters "
           "when zoomed out)").format(n=n(detections))),
    ]
    return finish_map(m, survey, title or t("Amur leopard camera traps, {span}").format(
        span=survey.span_label), rows)


# ----------------------------------------------------------------------------- page maps
#: Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442",
           "#000000"]
#: Five-step viridis ramp (light to dark) for quantities.
RAMP = ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"]
STATUS_COLOURS = {"Russia only": "#0072B2", "China only": "#D55E00", "both": "#CC79A7"}


def _colours(keys) -> dict[str, str]:
    return {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(keys)}


def _features(frame: gpd.GeoDataFrame, columns: list[str]) -> dict:
    return _geojson(frame.to_crs("EPSG:4326"), columns)


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
        colours = _colours(keys) | {"unidentified": "#999999"}
        labels = group
    else:
        group = obs["scientificName"]
        keys = sorted(set(group), key=lambda n: (n != LEOPARD, n))
        colours = _colours(keys)
        labels = group.map(species_label)
    order = list(colours)
    label_list = sorted(set(labels))
    location = stations.loc[obs["deploymentID"], "locationID"].to_numpy()
    station_list = sorted(set(location))
    countries = stations.drop_duplicates("locationID").set_index("locationID")["country"]
    local = local_time(obs["eventStart"], obs["eventStart_offset"])
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
    t = _lang(m).gettext
    _add_stations(m, survey)
    name = t("Leopard detections") if wanted == [LEOPARD] else t("Detections")
    FastMarkerCluster(data, callback=callback, name=f"{name} ({_lang(m).number(total)})",
                      options={"iconCreateFunction": JsCode(_CLUSTER_ICON),
                               "maxClusterRadius": 45, "disableClusteringAtZoom": 13,
                               "spiderfyOnMaxZoom": False}).add_to(m)
    present = set(group.unique())
    shown = [k for k in order if k in present]
    rows = [(_swatch_dot(colours[k], 12),
             (t("unidentified") if k == "unidentified" else k) if colour_by == "individual"
             else species_label(k, t)) for k in shown[:8]]
    note = t(_NOTE)
    if len([k for k in shown if k != "unidentified"]) > 8:
        rows = [*rows[:7], (_swatch_dot("#ffffff", 12),
                            t("… {n} more").format(n=len(shown) - 7))]
        note = t("Colours repeat after 8 groups: choose individuals in the filters to tell "
                 "them apart.") + " " + t(_NOTE)
    rows.append((_swatch_dot(COLOURS["station"]), t("Camera station in the selection")))
    return finish_map(m, survey, title or f"{name}, {survey.span_label}", rows, note)


def _range_label(row, lang: Language) -> str:
    level = f"{row.level:g} %"
    method = "KDE" if row.method == "kde" else "MCP"
    years = str(row.year_from) if row.year_from == row.year_to else \
        f"{row.year_from}–{row.year_to}"
    return f"{row.individualID} · {method} {level} · {years} · {lang.area(row.area_km2)}"


#: Most individuals whose ranges one map draws (those with the most detections).
MAX_RANGES = 120


def _limit_individuals(ranges: gpd.GeoDataFrame, most: int, lang: Language
                       ) -> tuple[gpd.GeoDataFrame, str]:
    """The ranges of the ``most`` best-documented individuals, and a note if some were left."""
    counts = ranges.groupby("individualID")["n_locations"].max()
    if len(counts) <= most:
        return ranges, ""
    keep = counts.sort_values(ascending=False, kind="stable").index[:most]
    note = lang.gettext("Showing the {most} of {n} individuals with the most detections; "
                        "choose individuals in the filters to see others.").format(
        most=most, n=lang.number(len(counts))) + " "
    return ranges[ranges["individualID"].isin(keep)], note


def home_range_map(survey: Survey, ranges: gpd.GeoDataFrame, title: str | None = None,
                   colour_key: str = "individualID", colours: dict | None = None,
                   show_locations: bool = True, max_individuals: int = MAX_RANGES,
                   lang: Language | None = None) -> folium.Map:
    """Home ranges (one colour per individual, or per ``colour_key``) over the base layers.

    Parameters
    ----------
    survey : Survey
        The selection the ranges were computed from (its stations are drawn).
    ranges : GeoDataFrame
        Output of :func:`landmap.home_range.home_ranges`; rows without geometry are skipped.
    title : str, optional
    colour_key : str, default "individualID"
        Column whose values get one colour each (e.g. ``year`` or ``status``).
    colours : dict, optional
        Value -> colour, overriding the palette.
    show_locations : bool, default True
        Draw the stations where the animals were detected. Never drawn when the survey's
        locations are generalised: the range is shown, the stations inside it are not.

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> from landmap.home_range import home_ranges
    >>> s = load_demo().filter(years=(2021, 2021), individuals=["Leo 16F", "Leo 23F"])
    >>> html = home_range_map(s, home_ranges(s)).get_root().render()
    >>> html.count('"individualID": "Leo 16F"') >= 3
    True
    """
    lang = lang or language("en")
    t = lang.gettext
    drawn, limited = _limit_individuals(ranges[ranges.geometry.notna()], max_individuals, lang)
    drawn = drawn.copy()
    # The isopleths follow the density grid in steps of about h/8 (100-300 m); smoothing
    # them by 100 m is invisible at park scale and cuts the page several times over.
    drawn["geometry"] = drawn.geometry.simplify(100)
    keys = drawn[colour_key].drop_duplicates().tolist()
    if colour_key == "individualID":
        keys = sorted(keys, key=catalogue_order)
    palette = colours or _colours(keys)
    drawn["colour"] = drawn[colour_key].map(palette)
    drawn["label"] = [_range_label(r, lang) for r in drawn.itertuples()]
    m = base_map(survey, lang=lang)
    styles = {("kde", 95): (0.12, 2, None), ("kde", 50): (0.35, 2, None)}
    for (method, level), part in drawn.groupby(["method", "level"], sort=False):
        fill, weight, dash = styles.get((method, level), (0.0, 3, "8 5"))
        name = t("{method} {level} % ranges ({n})").format(
            method="KDE" if method == "kde" else "MCP", level=f"{level:g}", n=len(part))
        folium.GeoJson(
            _features(part, ["individualID", "label", "colour", "area_km2"]),
            name=name,
            style_function=lambda f, fill=fill, weight=weight, dash=dash: {
                "color": f["properties"]["colour"], "weight": weight, "fillOpacity": fill,
                "fillColor": f["properties"]["colour"], "dashArray": dash,
                "className": "lm-range"},
            tooltip=_tooltip(["label"], labels=False),
        ).add_to(m)
    if show_locations and not survey.precision.exact:
        rows_hidden = [("visibility:hidden", t("Stations hidden (locations generalised)"))]
    else:
        rows_hidden = []
    if show_locations and survey.precision.exact and len(survey.observations):
        per = _pool_places(station_sightings(survey))
        frame = gpd.GeoDataFrame(per, geometry=gpd.points_from_xy(per.longitude, per.latitude),
                                 crs="EPSG:4326")
        folium.GeoJson(
            _geojson(frame, ["locationID", "detections", "ids"]),
            name=t("Stations with detections ({n})").format(n=len(frame)),
            marker=folium.CircleMarker(radius=3, weight=1, color="#000", fill=True,
                                       fill_color="#ffffff", fill_opacity=1),
            style_function=lambda f: {"className": "lm-station"},
            tooltip=_tooltip(["locationID", "detections", "ids"],
                                          aliases=[t("Station"), t("Detections"),
                                                   t("Individuals")]),
        ).add_to(m)
    rows = [(_swatch_fill(palette[k] + "55", palette[k]), str(k)) for k in keys[:10]]
    if len(keys) > 10:
        rows.append((_swatch_dot("#ffffff"), t("… and {n} more").format(n=len(keys) - 10)))
    rows += [(_swatch_fill("#88888822", "#666"), t("KDE 95 % (light) and 50 % (dark)")),
             (_swatch_fill("#ffffff00", "#666", dashed=True), t("MCP (dashed outline)")),
             *rows_hidden]
    extent = drawn.geometry if len(drawn) else None
    return finish_map(m, survey, title or t("Home ranges, {span}").format(
        span=survey.span_label), rows, note=limited + t(_NOTE), extent=extent)


def _bins(values: pd.Series, steps: int = 5) -> list[float]:
    positive = values[values > 0]
    if positive.empty:
        return [0, 1]
    edges = np.unique(np.quantile(positive, np.linspace(0, 1, steps + 1)))
    return [float(e) for e in edges] if len(edges) > 1 else [0.0, float(edges[0])]


UNITS = {
    "trap_nights": N_("Trap-nights per cell"),
    "stations_per_100km2": N_("Stations per 100 km²"),
    "detection_rate": N_("Detections per 100 trap-nights"),
}


def density_map(survey: Survey, grid: gpd.GeoDataFrame, gaps: gpd.GeoDataFrame,
                metric: str = "trap_nights", title: str | None = None,
                lang: Language | None = None) -> folium.Map:
    """Grid cells shaded by effort, station density or detection rate, with coverage gaps.

    Parameters
    ----------
    survey : Survey
    grid : GeoDataFrame
        From :func:`landmap.effort.effort_grid` (one year, or summed with ``by_year=False``).
    gaps : GeoDataFrame
        From :func:`landmap.effort.coverage_gaps`.
    metric : {"trap_nights", "stations_per_100km2", "detection_rate"}

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> from landmap.effort import coverage_gaps, effort_grid
    >>> s = load_demo().filter(years=(2021, 2021))
    >>> m = density_map(s, effort_grid(s, by_year=False), coverage_gaps(s))
    >>> "Trap-nights per cell" in m.get_root().render()
    True
    """
    if metric not in UNITS:
        raise ValueError(f"metric={metric!r}: use one of {sorted(UNITS)}.")
    cells = grid.copy()
    edges = _bins(cells[metric].fillna(0))
    index = np.clip(np.searchsorted(edges, cells[metric].fillna(0), side="right") - 1, 0,
                    len(edges) - 2)
    cells["colour"] = [RAMP[min(i, len(RAMP) - 1)] for i in index]
    cells["value"] = cells[metric].round(2)
    m = base_map(survey, lang=lang)
    t, n = _lang(m).gettext, _lang(m).number
    unit = t(UNITS[metric])
    folium.GeoJson(
        _features(cells, ["cell_id", "stations", "trap_nights", "detections", "value",
                          "colour"]),
        name=t("{unit} ({n} cells)").format(unit=unit, n=n(len(cells))),
        style_function=lambda f: {"fillColor": f["properties"]["colour"], "fillOpacity": 0.7,
                                  "color": "#555", "weight": 0.4, "className": "lm-cell"},
        tooltip=_tooltip(["cell_id", "stations", "trap_nights", "detections",
                                       "value"],
                                      aliases=[t("Cell"), t("Stations"), t("Trap-nights"),
                                               t("Detections"), unit]),
    ).add_to(m)
    if len(gaps):
        folium.GeoJson(
            _features(gaps, ["cell_id", "area_km2"]),
            name=t("Coverage gaps ({n} cells)").format(n=n(len(gaps))),
            style_function=lambda f: {"fillColor": "#D55E00", "fillOpacity": 0.25,
                                      "color": "#D55E00", "weight": 2, "dashArray": "4 3",
                                      "className": "lm-gap"},
            tooltip=_tooltip(["cell_id", "area_km2"],
                                          aliases=[t("Cell without a station"),
                                                   t("km² of park")]),
        ).add_to(m)
    _add_stations(m, survey)
    digits = 0 if metric == "trap_nights" else 2
    rows = [(_swatch_fill(RAMP[min(i, len(RAMP) - 1)]),
             f"{n(edges[i], digits)} – {n(edges[i + 1], digits)}")
            for i in range(len(edges) - 1)]
    rows.append((_swatch_fill("#D55E0040", "#D55E00", dashed=True),
                 t("Park cell with no working station (coverage gap)")))
    rows.append((_swatch_dot(COLOURS["station"]), t("Camera station")))
    return finish_map(m, survey, title or f"{unit}, {survey.span_label}", rows)


def cross_border_map(survey: Survey, table: pd.DataFrame, ranges: gpd.GeoDataFrame,
                     title: str | None = None, max_individuals: int = MAX_RANGES,
                     lang: Language | None = None) -> folium.Map:
    """95 % ranges and detections of each leopard, coloured by where it was seen.

    Parameters
    ----------
    survey : Survey
    table : DataFrame
        From :func:`landmap.border.crossings_by_individual` (gives each animal's status).
    ranges : GeoDataFrame
        From :func:`landmap.home_range.home_ranges` for the same selection.

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> from landmap.border import crossings_by_individual
    >>> from landmap.home_range import home_ranges
    >>> s = load_demo().filter(years=(2021, 2021))
    >>> r = home_ranges(s, levels=(95,))
    >>> "Seen on both sides" in cross_border_map(s, crossings_by_individual(s, ranges=r),
    ...                                          r).get_root().render()
    True
    """
    status = table.set_index("individualID")["status"]
    kde = ranges[(ranges["method"] == "kde") & (ranges["level"] == 95)
                 & ranges.geometry.notna()]
    lang = lang or language("en")
    t = lang.gettext
    kde, limited = _limit_individuals(kde, max_individuals, lang)
    kde = kde.copy()
    kde["geometry"] = kde.geometry.simplify(100)  # see home_range_map
    kde["status"] = kde["individualID"].map(status)
    kde = kde[kde["status"].notna()]
    m = base_map(survey, lang=lang)
    seen = {"Russia only": t("Seen in Russia only"), "China only": t("Seen in China only"),
            "both": t("Seen on both sides")}
    for label in ("Russia only", "China only", "both"):
        part = kde[kde["status"] == label].copy()
        if part.empty:
            continue
        part["label"] = [_range_label(r, lang) + f" · {seen[label]}" for r in part.itertuples()]
        colour = STATUS_COLOURS[label]
        folium.GeoJson(
            _features(part, ["individualID", "label"]),
            name=t("95 % ranges: {status} ({n})").format(status=seen[label], n=len(part)),
            style_function=lambda f, c=colour: {"color": c, "weight": 1.5, "fillColor": c,
                                                "fillOpacity": 0.12, "className": "lm-range"},
            tooltip=_tooltip(["label"], labels=False),
        ).add_to(m)
    obs = survey.observations
    obs = obs[(obs["scientificName"] == LEOPARD) & (obs["individualID"] != "")]
    stations = survey.deployments.drop_duplicates("deploymentID").set_index("deploymentID")
    located = obs[["deploymentID", "individualID"]].assign(
        locationID=stations.loc[obs["deploymentID"], "locationID"].to_numpy(),
        latitude=stations.loc[obs["deploymentID"], "latitude"].to_numpy(),
        longitude=stations.loc[obs["deploymentID"], "longitude"].to_numpy(),
        status=obs["individualID"].map(status).to_numpy())
    # one circle per place and status, however many stations share the place
    per = located.groupby(["latitude", "longitude", "status"], as_index=False).agg(
        locationID=("locationID", _names), detections=("individualID", "size"),
        individuals=("individualID", "nunique"))
    per = per.sort_values("status", key=lambda s: s.map({"both": 2, "Russia only": 0,
                                                         "China only": 1}))
    frame = gpd.GeoDataFrame(per, geometry=gpd.points_from_xy(per.longitude, per.latitude),
                             crs="EPSG:4326")
    frame["colour"] = frame["status"].map(STATUS_COLOURS)
    frame["status"] = frame["status"].map(seen)
    frame["radius"] = (3 + 1.5 * np.sqrt(frame["detections"])).round(1)
    folium.GeoJson(
        _geojson(frame, ["locationID", "status", "detections", "individuals", "colour",
                         "radius"]),
        name=t("Detections by status ({n})").format(n=lang.number(int(frame["detections"].sum()))),
        marker=folium.CircleMarker(radius=5, weight=1, color="#222", fill=True,
                                   fill_opacity=0.9),
        style_function=lambda f: {"fillColor": f["properties"]["colour"],
                                  "radius": f["properties"]["radius"],
                                  "className": "lm-status"},
        tooltip=_tooltip(["locationID", "status", "detections", "individuals"],
                                      aliases=[t("Station"), t("Animals seen"), t("Detections"),
                                               t("Individuals")]),
    ).add_to(m)
    rows = [(_swatch_fill(STATUS_COLOURS[k] + "55", STATUS_COLOURS[k]), seen[k])
            for k in ("Russia only", "China only", "both")]
    rows.append(("", t("Circles: detections per station, sized by count")))
    return finish_map(m, survey, title or t("Leopards across the border, {span}").format(
        span=survey.span_label), rows, note=limited + t(_NOTE))

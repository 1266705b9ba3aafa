"""The map every page starts from: sea, countries, place names, parks and the border,
then :func:`finish_map` adds the legend, controls and view and makes assets local.

With no basemap tiles the map is still readable: sea is the map's background colour,
land is drawn from the country polygons, and the parks and the border lie on top."""

from __future__ import annotations

import json

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement, Template
from folium.plugins import Fullscreen
from pyproj import Transformer

from landmap import _folium_text  # noqa: F401  (map text stays text: see there)
from landmap.i18n import Language, language
from landmap.maps.circles import MAX_RADIUS
from landmap.maps.legend import (
    BASE_ROWS,
    NOTE,
    SIDE_WIDTH,
    Legend,
    legend_html,
    precision_line,
    swatch_fill,
)
from landmap.maps.offline import add_css, use_local_assets
from landmap.maps.style import COLOURS
from landmap.survey import Survey

__all__ = ["base_map", "finish_map"]


def tooltip(fields: list[str], **kwargs) -> folium.GeoJsonTooltip:
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


def geojson(frame: gpd.GeoDataFrame, columns: list[str]) -> dict:
    # 1e-5 degrees (about a metre) is finer than any layer here and halves the payload.
    frame = frame[[*columns, "geometry"]].copy()
    frame["geometry"] = shapely.set_precision(frame.geometry.to_numpy(), 1e-5, mode="pointwise")
    return json.loads(frame.to_json(drop_id=True))


def features(frame: gpd.GeoDataFrame, columns: list[str]) -> dict:
    return geojson(frame.to_crs("EPSG:4326"), columns)


def map_language(m: folium.Map) -> Language:
    """The language the map was started in (see :func:`base_map`)."""
    return getattr(m, "_landmap_lang", None) or language("en")


def name_column(m: folium.Map, frame: pd.DataFrame) -> str:
    """The place-name column in the map's language (``name_ru``), else English."""
    column = f"name_{map_language(m).code}"
    return column if column in frame else "name_en"


_CSS = f"""
.leaflet-container {{ background: {COLOURS['sea']} !important;
  font: 14px/1.4 system-ui, sans-serif; }}
.lm-label {{ font: 600 13px system-ui, sans-serif; letter-spacing: .2em; color: #5b5b5b;
  white-space: nowrap; text-shadow: 0 0 3px #fff; }}
.lm-legend {{ background: rgba(255,255,255,.93); padding: 6px 9px; border-radius: 6px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); max-width: 250px; max-height: 45%; overflow-y: auto;
  font-size: 12px; line-height: 1.3; }}
#map_div {{ height: 100vh !important; }}
body.lm-with-side .leaflet-container {{ width: calc(100% - {SIDE_WIDTH}px) !important; }}
.lm-legend.lm-side {{ position: fixed; top: 0; right: 0; bottom: 0; width: {SIDE_WIDTH}px;
  max-width: none; max-height: none; box-sizing: border-box; border-radius: 0;
  box-shadow: none; border-left: 1px solid #bbb; background: #fff; padding: 8px 10px;
  font: 13px/1.35 system-ui, sans-serif; }}
.lm-legend.lm-folded > :not(h4):not(.precision) {{ display: none; }}
.lm-legend.lm-folded {{ cursor: pointer; }}
.lm-legend.lm-folded h4::after {{ content: " ▸"; }}
.lm-arrow {{ font-size: 15px; line-height: 16px; text-align: center;
  text-shadow: 0 0 3px #fff, 0 0 2px #fff; }}
.lm-range-name {{ font: 700 12px system-ui, sans-serif; color: #222; white-space: nowrap;
  transform: translate(-50%, -50%); pointer-events: none;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; }}
.lm-home {{ font: 600 12px system-ui, sans-serif; background: #fff; padding: 4px 8px;
  border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,.3); cursor: pointer; }}
.lm-legend h4 {{ margin: 0 0 4px; font-size: 14px; }}
.lm-legend .row {{ display: flex; align-items: center; gap: 6px; margin: 2px 0; }}
.lm-legend .sw {{ width: 22px; height: 12px; flex: none; }}
.lm-legend .note {{ font-size: 11px; color: #444; margin-top: 4px; }}
.lm-legend .precision {{ font-size: 12px; font-weight: 600; margin-top: 4px; }}
"""


def _add_land(m: folium.Map, survey: Survey) -> None:
    t = map_language(m).gettext
    countries = survey.boundaries.countries
    name = name_column(m, countries)
    folium.GeoJson(
        geojson(countries, ["iso_a3", name]),
        name=t("Countries (Natural Earth 1:10m)"),
        style_function=lambda f: {
            "fillColor": COLOURS.get(f["properties"]["iso_a3"], "#eeeeee"),
            "fillOpacity": 1, "color": "#9a9a9a", "weight": 0.6, "className": "lm-country",
        },
        tooltip=tooltip([name], labels=False),
    ).add_to(m)
    # Country names, so the map reads without a basemap.
    _Labels([(t("RUSSIA"), 43.75, 131.75), (t("CHINA"), 43.3, 130.25),
             (t("NORTH KOREA"), 42.2, 130.2), (t("SEA OF JAPAN"), 42.45, 131.6)]).add_to(m)


def _add_parks(m: folium.Map, survey: Survey) -> None:
    t = map_language(m).gettext
    parks = survey.boundaries.parks.copy()
    parks["label"] = parks[name_column(m, parks)] + np.where(
        parks["approximate"], " " + t("(approximate outline)"), "")
    folium.GeoJson(
        geojson(parks, ["park_id", "label"]),
        name=t("National parks and reserve (approximate)"),
        style_function=lambda f: {
            "color": COLOURS["reserve" if f["properties"]["park_id"] == "kedrovaya-pad"
                             else "park"],
            "weight": 2, "dashArray": "6 4", "fillColor": COLOURS["park"], "fillOpacity": 0.12,
            "className": "lm-park",
        },
        tooltip=tooltip(["label"], labels=False),
    ).add_to(m)


def _add_border(m: folium.Map, survey: Survey) -> None:
    border = survey.boundaries.border
    name = name_column(m, border)
    folium.GeoJson(
        geojson(border, [name]),
        name=map_language(m).gettext("Russia–China border"),
        pane="lm-border-pane",
        style_function=lambda f: {"color": COLOURS["border"], "weight": 5, "opacity": 0.95,
                                  "className": "lm-border"},
        tooltip=tooltip([name], labels=False),
    ).add_to(m)


class _Labels(MacroElement):
    """Place names as plain text on the map (no marker icon images needed)."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }}, names = [];
  {{ this.labels|tojson }}.forEach(function (l) {
    var name = document.createElement('div');
    name.className = 'lm-label';
    name.textContent = l[0];
    names.push(name);
    L.marker([l[1], l[2]], {interactive: false, keyboard: false, icon: L.divIcon({
      className: '', html: name, iconSize: [140, 16], iconAnchor: [70, 8]})}).addTo(map);
  });
  // A name cut by the frame's edge reads as another word ("SEA OF JA"): only names
  // wholly inside the frame are shown. The text's own box is measured, not its icon's.
  function whole() {
    var frame = map.getContainer().getBoundingClientRect(), text = document.createRange();
    names.forEach(function (name) {
      text.selectNodeContents(name);
      var r = text.getBoundingClientRect();
      name.style.visibility = r.width && (r.left < frame.left || r.right > frame.right
        || r.top < frame.top || r.bottom > frame.bottom) ? 'hidden' : '';
    });
  }
  map.on('moveend resize', whole);  // (a zoom ends with a moveend too)
  whole();
})();
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


def base_map(survey: Survey, basemap: bool = False, lang: Language | None = None
             ) -> folium.Map:
    """An empty landmap map: sea, countries, place names, parks and the border on top.

    The border lives in its own pane above every other layer, so ranges and grids drawn
    later never hide it. ``lang`` is the language of every text the map shows (English by
    default); the map keeps it for the layers and legend added later.
    """
    # Without a tile layer Leaflet knows no zoom limits; the names shown from zoom 10 on
    # (home ranges) and the fitted view need them.
    m = folium.Map(location=[43.15, 131.0], zoom_start=9, tiles=None, control_scale=False,
                   zoom_control=False,
                   # tenth steps, so that a fitted view fills the frame: a quarter step can
                   # leave the data a sixth smaller than the frame allows, a tenth a fifteenth
                   **{"maxZoom": 15, "minZoom": 6, "zoomSnap": 0.1, "zoomDelta": 0.5})
    m._landmap_lang = lang or language("en")
    _Controls(m._landmap_lang).add_to(m)
    add_css(m, _CSS)
    folium.map.CustomPane("lm-border-pane", z_index=450).add_to(m)
    _add_land(m, survey)
    if basemap:
        folium.TileLayer("OpenStreetMap",
                         name=map_language(m).gettext("OpenStreetMap (needs internet)"),
                         overlay=True, show=False).add_to(m)
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
            geojson(frame, ["layer", *shown]),
            name=map_language(m).ngettext("{name} (your layer, {n} feature)",
                                   "{name} (your layer, {n} features)", len(frame)).format(
                name=name, n=len(frame)),
            style_function=lambda f: {"color": COLOURS["user"], "weight": 2.5,
                                      "fillColor": COLOURS["user"], "fillOpacity": 0.08,
                                      "className": "lm-user"},
            marker=folium.CircleMarker(radius=5, color=COLOURS["user"], fill=True),
            tooltip=tooltip(["layer", *shown], labels=True),
        ).add_to(m)


class _Frame(MacroElement):
    """The view: fitted on the data; a button toggles to the whole landscape and back.

    In the dashboard the map's frame grows to the bottom of the window (at least
    :data:`MIN_HEIGHT` pixels), so a page reads as one screen on a projector; the view is
    fitted again after a resize unless the user has moved the map.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var data = {{ this.data|tojson }}, landscape = {{ this.landscape|tojson }};
  var labels = {{ this.labels|tojson }};
  var whole = false, touched = false, b = null;
  // an exported map's title box (window.lmPadTop, its height) keeps the data below it
  var pad = {{ this.padding }};
  function fit() { map.fitBounds(whole ? landscape : data, {paddingTopLeft:
    [pad, window.lmPadTop || pad], paddingBottomRight: [pad, pad]}); }
  var home = L.control({position: 'topleft'});
  home.onAdd = function () {
    b = L.DomUtil.create('div', 'lm-home');
    b.textContent = labels[0];
    L.DomEvent.disableClickPropagation(b);
    b.addEventListener('click', function () {
      whole = !whole; b.textContent = labels[whole ? 1 : 0]; fit();
    });
    return b;
  };
  home.addTo(map);
  map.on('dragstart', function () { touched = true; });
  map.getContainer().addEventListener('wheel', function () { touched = true; });
  fit();
  // the year player's flip-book fits every frame to the span of all of them
  window.lmView = {map: map, data: function () { return data; },
                   fitTo: function (bounds) { data = bounds; whole = false;
                                              b && (b.textContent = labels[0]); fit(); }};
  var frame = null;
  try { frame = window.frameElement; } catch (e) { frame = null; }
  if (!frame || !window.parent || (frame.title || '').indexOf('st_folium') < 0) return;
  function grow() {
    var top = frame.getBoundingClientRect().top + window.parent.scrollY;
    var height = Math.max({{ this.min_height }}, window.parent.innerHeight - top - 16);
    frame.style.setProperty('height', height + 'px', 'important');
  }
  grow();
  window.parent.addEventListener('resize', grow);
  window.addEventListener('resize', function () {
    map.invalidateSize();
    if (!touched) fit();
  });
})();
{% endmacro %}
""")

    def __init__(self, data: list, landscape: list, labels: list[str]):
        super().__init__()
        self._name = "Frame"
        self.data, self.landscape, self.labels = data, landscape, labels
        self.min_height = MIN_HEIGHT
        self.padding = FIT_PADDING


#: The smallest height (pixels) a map's frame takes in the dashboard.
MIN_HEIGHT = 420
#: Pixels kept free around the data when the view is fitted: a station's circle reaches
#: up to :data:`~landmap.maps.circles.MAX_RADIUS` beyond its centre (with 14 the busiest
#: stations at the edge of the view were cut).
FIT_PADDING = MAX_RADIUS + 4


def view_bounds(shapes: gpd.GeoSeries, crs: str, snap_m: float | None = None
                ) -> list[list[float]] | None:
    """South-west and north-east corners to fit the map to, as [lat, lon] (None for
    shapes that are all missing or empty).

    Taken in UTM 52N and converted point by point: a corner made of one station's
    longitude and another's latitude would not lie on the grid of generalised places.
    ``snap_m`` widens the box to multiples of that many metres (corners of every policy
    grid, so that a view of public layers shows no off-grid place either).
    """
    # The bounds of the projected shapes are those of their projected vertices; each
    # distinct vertex is projected once (a million deployments stand at a few thousand
    # places).
    xy = shapely.get_coordinates(shapes.values[~(shapes.isna() | shapes.is_empty)])
    if not len(xy):
        return None
    xy = pd.unique(xy[:, 0] + 1j * xy[:, 1])
    x, y = Transformer.from_crs(shapes.crs, crs, always_xy=True).transform(xy.real, xy.imag)
    x0, y0, x1, y1 = np.min(x), np.min(y), np.max(x), np.max(y)
    if snap_m:
        x0, y0 = np.floor(np.array([x0, y0]) / snap_m) * snap_m
        x1, y1 = np.ceil(np.array([x1, y1]) / snap_m) * snap_m
    corners = gpd.GeoSeries(gpd.points_from_xy([x0, x1], [y0, y1]), crs=crs)
    corners = corners.to_crs("EPSG:4326")
    return [[round(p.y, 6), round(p.x, 6)] for p in corners]


def _in_view(layer: gpd.GeoSeries, bounds: list[list[float]] | None) -> bool:
    """Whether any of ``layer`` (EPSG:4326) lies in the fitted view ``bounds`` ([lat, lon]
    corners) or near it: a legend names what the map shows, and a package recorded far
    from the Amur (the standard's Belgian example) shows neither the border nor the parks.
    The view's box is widened by a quarter of its size each way (about what a wide frame
    shows around it), and by half a degree at least: a few stations in the park are
    fitted closely, and the border a zoom out away is still theirs."""
    if bounds is None:
        return True
    (south, west), (north, east) = bounds
    pad_x, pad_y = max((east - west) / 4, 0.5), max((north - south) / 4, 0.5)
    view = shapely.box(west - pad_x, south - pad_y, east + pad_x, north + pad_y)
    return bool(layer.intersects(view).any())


def finish_map(m: folium.Map, survey: Survey, title: str, rows: list[tuple[str, str]],
               note: str | None = None, extent: gpd.GeoSeries | None = None) -> folium.Map:
    """Add the legend (stating the survey's location precision), layer control,
    full-screen button and view; make assets local. ``rows`` and ``note`` are in the map's
    language already; the standard rows and note are translated here."""
    t = map_language(m).gettext
    parks = survey.boundaries.parks.geometry
    landscape = view_bounds(parks, survey.metric_crs, snap_m=10_000)
    if extent is None:
        extent = survey.deployments.geometry
    # Generalised: widened to the nearest half cells, the lines through the policy grid's
    # centres and corners (an outline's extreme vertices lie on lines between centres,
    # but a corner made of two of them on neither).
    cell = None if survey.precision.exact else survey.precision.cell_m / 2
    data = view_bounds(extent, survey.metric_crs, snap_m=cell) or landscape
    layers = (survey.boundaries.border.geometry, parks)
    base = [(swatch, t(text)) for (swatch, text), layer in zip(BASE_ROWS, layers, strict=True)
            if _in_view(layer, data)]
    if not _in_view(survey.boundaries.countries.geometry, data):
        # the bundled outlines cover the Amur region only: elsewhere (the standard's
        # Belgian example) the stations stood on the sea's colour
        add_css(m, f".leaflet-container {{ background: {COLOURS['unmapped']} !important; }}")
        base.append((swatch_fill(COLOURS["unmapped"], "#bbbbbb"), t(
            "No country outlines here (they are bundled for the parks' region only)")))
    user = [(swatch_fill(COLOURS["user"] + "22", COLOURS["user"]),
             t("{name} (your layer)").format(name=name)) for name, _ in survey.boundaries.extra]
    Legend(legend_html(title, base + user + rows, t(NOTE) if note is None else note,
                    precision_line(survey, t))).add_to(m)
    # Collapsed, the layer list opens on hover and leaves the map and legend readable.
    folium.LayerControl(collapsed=True).add_to(m)
    Fullscreen(title=t("Full screen"), title_cancel=t("Leave full screen")).add_to(m)
    _Frame(data, landscape, [t("Whole landscape"), t("Back to the data")]).add_to(m)
    return use_local_assets(m)

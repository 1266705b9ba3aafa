"""Home ranges (MCP and KDE isopleths), one colour per individual or group."""

from __future__ import annotations

import folium
import geopandas as gpd
import shapely
from branca.element import MacroElement, Template

from landmap.i18n import Language, language
from landmap.maps.base import base_map, features, finish_map, geojson, tooltip
from landmap.maps.legend import NOTE, swatch_dot, swatch_fill
from landmap.maps.stations import place_sightings
from landmap.maps.style import colour_cycle
from landmap.privacy import snap_points
from landmap.survey import Survey, catalogue_order

__all__ = ["HIGHLIGHTED", "MAX_RANGES", "QUIET_ABOVE", "home_range_map"]


def range_label(row, lang: Language) -> str:
    level = f"{row.level:g} %"
    method = "KDE" if row.method == "kde" else "MCP"
    years = str(row.year_from) if row.year_from == row.year_to else \
        f"{row.year_from}–{row.year_to}"
    return f"{row.individualID} · {method} {level} · {years} · {lang.area(row.area_km2)}"


#: Most individuals whose ranges one map draws (those with the most detections).
MAX_RANGES = 120
#: With more individuals than this, all are drawn as quiet outlines by sex and only the
#: :data:`HIGHLIGHTED` best documented ones (or those asked for) in colour.
QUIET_ABOVE = 10
HIGHLIGHTED = 8
#: Outline colours by sex, as published range maps draw them (Okabe–Ito).
SEX_COLOURS = {"female": "#D55E00", "male": "#0072B2", "": "#777777"}


def limit_individuals(ranges: gpd.GeoDataFrame, most: int, lang: Language
                       ) -> tuple[gpd.GeoDataFrame, str]:
    """The ranges of the ``most`` best-documented individuals, and a note if some were left."""
    counts = ranges.groupby("individualID")["n_locations"].max()
    if len(counts) <= most:
        return ranges, ""
    keep = counts.sort_values(ascending=False, kind="stable").index[:most]
    # "with a range": fewer animals than the page's counts of individuals (an animal
    # photographed too seldom has no range), which a briefing audience would ask about
    note = lang.gettext("Showing the {most} individuals with the most detections, of the "
                        "{n} with a range; choose individuals in the filters to see "
                        "others.").format(
        most=most, n=lang.number(len(counts))) + " "
    return ranges[ranges["individualID"].isin(keep)], note


#: From this zoom on every range is named at its middle; the coloured ones always are.
NAMES_FROM_ZOOM = 10


def range_names(drawn: gpd.GeoDataFrame, survey: Survey) -> list[list]:
    """[name, lat, lon] of each individual at a point inside its largest range.

    With generalised locations the point is the centre of its grid cell: a name placed
    anywhere finer would tell more than the outline it names.
    """
    largest = drawn.assign(_area=drawn.geometry.area).sort_values(
        "_area", ascending=False, kind="stable").drop_duplicates("individualID")
    inside = largest.geometry.representative_point()
    x, y = shapely.get_x(inside.to_numpy()), shapely.get_y(inside.to_numpy())
    if not survey.precision.exact:
        x, y = snap_points(x, y, survey.precision.cell_m)
    places = gpd.GeoSeries(gpd.points_from_xy(x, y), crs=drawn.crs).to_crs("EPSG:4326")
    return [[str(name), round(p.y, 6), round(p.x, 6)]
            for name, p in zip(largest["individualID"], places, strict=True)]


class _RangeNames(MacroElement):
    """Names at the ranges (those of ``coloured`` individuals at any zoom, all of them
    once zoomed in), and a click on a range that emphasises every range of that
    individual (clicked again, it returns to the others)."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var layers = [{% for l in this.layers %}{{ l.get_name() }}{{ "," if not loop.last }}{% endfor %}];
  var coloured = new Set({{ this.coloured|tojson }}), chosen = new Set();
  var names = L.layerGroup(), marks = {}, labels = {};
  {{ this.names|tojson }}.forEach(function (n) {
    var label = document.createElement('div');
    label.className = 'lm-range-name';
    label.textContent = n[0];
    labels[n[0]] = label;
    marks[n[0]] = L.marker([n[1], n[2]], {interactive: false, keyboard: false,
      icon: L.divIcon({className: '', html: label, iconSize: null})});
  });
  function named(id) { return coloured.has(id) || chosen.has(id); }
  // A name that would cover one placed before it is moved down below it, so that every
  // name can be read (two ranges' points a few pixels apart, or on one cell's centre).
  // The names of coloured and picked ranges are placed first: they stay on their point.
  // All boxes are measured before any is moved (one layout, not one per name).
  function unclutter() {
    var ids = Object.keys(marks).filter(function (id) { return names.hasLayer(marks[id]); });
    ids.sort(function (a, b) { return named(b) - named(a); });
    ids.forEach(function (id) { labels[id].style.marginTop = '0px'; });
    var boxes = ids.map(function (id) { return labels[id].getBoundingClientRect(); });
    var placed = [];
    ids.forEach(function (id, k) {
      var r = boxes[k], shift = 0, moved = r.width > 0;
      while (moved) {
        moved = false;
        placed.forEach(function (p) {
          if (r.left < p.right && p.left < r.right && r.top + shift < p.bottom
              && p.top < r.bottom + shift) {
            shift = p.bottom - r.top + 1;
            moved = true;
          }
        });
      }
      if (shift) labels[id].style.marginTop = shift + 'px';
      if (r.width) placed.push({left: r.left, right: r.right, top: r.top + shift,
                                bottom: r.bottom + shift});
    });
  }
  function show() {
    names.clearLayers();
    var all = map.getZoom() >= {{ this.from_zoom }};
    Object.keys(marks).forEach(function (id) {
      if (all || named(id)) names.addLayer(marks[id]);
    });
    unclutter();
  }
  function restyle() {
    layers.forEach(function (layer) {
      layer.eachLayer(function (shape) {
        if (chosen.has(shape.feature.properties.individualID)) {
          shape.setStyle({weight: 4, opacity: 1, fillOpacity: 0.35});
          shape.bringToFront();
        } else { layer.resetStyle(shape); }
      });
    });
    show();
  }
  layers.forEach(function (layer) {
    layer.eachLayer(function (shape) {
      shape.on('click', function () {
        var id = shape.feature.properties.individualID;
        if (chosen.has(id)) chosen.delete(id); else chosen.add(id);
        restyle();
      });
      shape.on('mouseout', function () {
        if (chosen.has(shape.feature.properties.individualID)) {
          shape.setStyle({weight: 4, opacity: 1, fillOpacity: 0.35});
        }
      });
    });
  });
  map.on('zoomend', show);
  map.on('resize', unclutter);  // a frame shown late: its names are measured again
  names.addTo(map);
  show();
})();
{% endmacro %}
""")

    def __init__(self, layers: list, names: list[list], coloured: list[str]):
        super().__init__()
        self._name = "RangeNames"
        self.layers, self.names, self.coloured = layers, names, [str(k) for k in coloured]
        self.from_zoom = NAMES_FROM_ZOOM


def home_range_map(survey: Survey, ranges: gpd.GeoDataFrame, title: str | None = None,
                   colour_key: str = "individualID", colours: dict | None = None,
                   show_locations: bool = True, max_individuals: int = MAX_RANGES,
                   highlight: list[str] | None = None,
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
    highlight : list of str, optional
        With more than :data:`QUIET_ABOVE` individuals every range is a thin outline
        coloured by sex and only these individuals (by default the :data:`HIGHLIGHTED`
        with the most detections) get a colour of their own and a row in the legend; the
        full list belongs in the table beside the map.

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
    drawn, limited = limit_individuals(ranges[ranges.geometry.notna()], max_individuals, lang)
    drawn = drawn.copy()
    # Isopleths are traced through a grid of about h/6 (100-400 m); simplifying
    # them by 100 m is invisible at park scale and cuts the page several times over.
    drawn["geometry"] = drawn.geometry.simplify(100)
    keys = drawn[colour_key].drop_duplicates().tolist()
    if colour_key == "individualID":
        keys = sorted(keys, key=catalogue_order)
    quiet = colour_key == "individualID" and colours is None and len(keys) > QUIET_ABOVE
    if quiet:
        counts = drawn.groupby("individualID")["n_locations"].max()
        chosen = [k for k in highlight or [] if k in counts.index] or counts.sort_values(
            ascending=False, kind="stable").index[:HIGHLIGHTED].tolist()
        keys = sorted(chosen, key=catalogue_order)
    palette = colours or colour_cycle(keys)
    sex = survey.individuals.drop_duplicates("individualID").set_index("individualID")["sex"]
    outline = (drawn["individualID"].map(sex).astype(object).fillna("").map(SEX_COLOURS)
               .fillna("#777777"))
    drawn["colour"] = drawn[colour_key].map(palette).fillna(outline)
    drawn["quiet"] = ~drawn[colour_key].isin(keys)
    drawn["label"] = [range_label(r, lang) for r in drawn.itertuples()]
    # the coloured ranges are drawn last, over the quiet outlines
    drawn = drawn.sort_values("quiet", ascending=False, kind="stable")
    m = base_map(survey, lang=lang)
    styles = {("kde", 95): (0.12, 2, None), ("kde", 50): (0.35, 2, None)}
    layers = []
    for (method, level), part in drawn.groupby(["method", "level"], sort=False):
        fill, weight, dash = styles.get((method, level), (0.0, 3, "8 5"))
        name = t("{method} {level} % ranges ({n})").format(
            method="KDE" if method == "kde" else "MCP", level=f"{level:g}", n=len(part))
        layers.append(folium.GeoJson(
            features(part, ["individualID", "label", "colour", "area_km2", "quiet"]),
            name=name,
            style_function=lambda f, fill=fill, weight=weight, dash=dash: {
                "color": f["properties"]["colour"],
                "weight": 1 if f["properties"]["quiet"] else weight,
                "fillOpacity": 0.02 if f["properties"]["quiet"] else fill,
                "opacity": 0.7 if f["properties"]["quiet"] else 1,
                "fillColor": f["properties"]["colour"], "dashArray": dash,
                "className": "lm-range lm-quiet" if f["properties"]["quiet"] else "lm-range"},
            highlight_function=lambda f: {"weight": 4, "opacity": 1, "fillOpacity": 0.3},
            tooltip=tooltip(["label"], labels=False),
        ).add_to(m))
    if len(drawn):
        # every individual with a colour of its own is named at any zoom (a few similar
        # blues are hard to match with the legend on a projector); the others once zoomed in
        _RangeNames(layers, range_names(drawn, survey),
                    keys if colour_key == "individualID" else []).add_to(m)
    if show_locations and not survey.precision.exact:
        rows_hidden = [("visibility:hidden", t("Stations hidden (locations generalised)"))]
    else:
        rows_hidden = []
    if show_locations and survey.precision.exact and len(survey.observations):
        per = place_sightings(survey, lang=lang)
        frame = gpd.GeoDataFrame(per, geometry=gpd.points_from_xy(per.longitude, per.latitude),
                                 crs="EPSG:4326")
        folium.GeoJson(
            geojson(frame, ["locationID", "detections", "ids"]),
            name=t("Stations with detections ({n})").format(n=len(frame)),
            marker=folium.CircleMarker(radius=3, weight=1, color="#000", fill=True,
                                       fill_color="#ffffff", fill_opacity=1),
            style_function=lambda f: {"className": "lm-station"},
            tooltip=tooltip(["locationID", "detections", "ids"],
                                          aliases=[t("Station"), t("Detections"),
                                                   t("Individuals")]),
        ).add_to(m)
    rows = [(swatch_fill(palette[k] + "55", palette[k]), str(k)) for k in keys[:10]]
    if quiet:
        others = drawn.loc[drawn["quiet"], "individualID"].nunique()
        rows += [(swatch_fill("#ffffff00", SEX_COLOURS["female"]),
                  t("Other females (outline)")),
                 (swatch_fill("#ffffff00", SEX_COLOURS["male"]), t("Other males (outline)")),
                 (swatch_dot("#ffffff00"),
                  t("{n} more individuals: pick them in the table or in the filters to "
                    "colour them").format(n=others))]
    elif len(keys) > 10:
        rows.append((swatch_dot("#ffffff"), t("… and {n} more").format(n=len(keys) - 10)))
    rows += [(swatch_fill("#88888822", "#666"), t("KDE 95 % (light) and 50 % (dark)")),
             (swatch_fill("#ffffff00", "#666", dashed=True), t("MCP (dashed outline)")),
             *rows_hidden]
    extent = drawn.geometry if len(drawn) else None
    return finish_map(m, survey, title or t("Home ranges, {span}").format(
        span=survey.span_label), rows, note=limited + t(NOTE), extent=extent)

"""The landing page's map: stations and leopard detections per station."""

from __future__ import annotations

import html

import folium
import numpy as np
from branca.element import Template

from landmap.i18n import Language
from landmap.maps.base import base_map, finish_map, map_language
from landmap.maps.legend import swatch_dot
from landmap.maps.stations import add_stations, pool_places, station_sightings
from landmap.maps.style import COLOURS
from landmap.survey import Survey

__all__ = ["overview_map"]


#: Radius (pixels) of the circle of the station with the most detections.
MAX_RADIUS = 22


class _Circles(folium.map.Layer):
    """Circles whose area is proportional to a count, largest drawn first."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.featureGroup();
{{ this.rows|tojson }}.forEach(function (r) {
  L.circleMarker([r[0], r[1]], {radius: r[2], color: '#7a5200', weight: 1,
    fillColor: {{ this.fill|tojson }}, fillOpacity: 0.72, className: 'lm-sighting'})
    .bindTooltip(r[4]).addTo({{ this.get_name() }});
});
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, rows: list, name: str, fill: str):
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "Circles"
        self.rows, self.fill = rows, fill


def circle_radius(counts, largest: float) -> np.ndarray:
    """Radii in pixels with the circle's area proportional to the count (the largest
    count gets :data:`MAX_RADIUS`); at least 2.5 pixels so that one detection shows.

    Examples
    --------
    >>> circle_radius([1, 4, 100], 100).round(1).tolist()
    [2.5, 4.4, 22.0]
    """
    counts = np.asarray(counts, dtype=float)
    return np.maximum(MAX_RADIUS * np.sqrt(counts / max(largest, 1)), 2.5)


def size_legend(largest: int) -> list[int]:
    """Two or three round counts for the size legend, the largest not above ``largest``.

    Examples
    --------
    >>> size_legend(119), size_legend(7), size_legend(1)
    ([100, 50, 10], [5, 2], [1])
    """
    steps = [n * 10 ** k for k in range(6) for n in (1, 2, 5)]
    top = max([n for n in steps if n <= max(largest, 1)])
    chosen = [top, *[n for n in steps if n <= top // 2][-1:],
              *[n for n in steps if n <= top // 10][-1:]]
    return sorted(set(chosen), reverse=True)


def _add_sightings(m: folium.Map, survey: Survey) -> tuple[int, int]:
    """Circles per station; returns the total and the largest count."""
    per = station_sightings(survey)
    if per.empty:
        return 0, 0
    per = pool_places(per).sort_values("detections", ascending=False, kind="stable")
    lang = map_language(m)
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
    largest = int(per["detections"].max())
    radius = circle_radius(per["detections"], largest).round(1)
    rows = [[float(r.latitude), float(r.longitude), float(size), int(r.detections), label]
            for r, size, label in zip(per.itertuples(), radius, labels, strict=True)]
    _Circles(rows, lang.gettext("Leopard detections ({n})").format(
        n=lang.number(int(per.detections.sum()))), COLOURS["sighting"]).add_to(m)
    return int(per["detections"].sum()), largest


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
    >>> from landmap.maps.offline import asset_urls
    >>> m = overview_map(load_demo().filter(years=(2013, 2013)))
    >>> all(u.startswith("/app/static/") for u in asset_urls(m))
    True
    """
    m = base_map(survey, basemap, lang)
    t, n = map_language(m).gettext, map_language(m).number
    add_stations(m, survey)
    detections, largest = _add_sightings(m, survey)
    rows = [(swatch_dot(COLOURS["station"]), t("Camera station in the selection")),
            (swatch_dot(COLOURS["sighting"], 14),
             t("Leopard detections per station ({n} in all); the circle's area grows with "
               "the number").format(n=n(detections)))]
    for count in size_legend(largest) if detections else []:
        size = 2 * float(circle_radius([count], largest)[0])
        rows.append((swatch_dot(COLOURS["sighting"] + "b8", round(size)),
                     map_language(m).ngettext("{n} detection", "{n} detections", count)
                     .format(n=n(count))))
    return finish_map(m, survey, title or t("Amur leopard camera traps, {span}").format(
        span=survey.span_label), rows)

"""Proportional circles: one circle per place whose area grows with a count, and the size
legend that reads them. The Overview and Sightings maps draw counts this way instead of
numbered clusters, so the landscape under them stays visible."""

from __future__ import annotations

import json
from collections.abc import Callable

import folium
import numpy as np
from branca.element import Template

from landmap.i18n import Language
from landmap.maps.legend import swatch_dot

__all__ = ["MAX_RADIUS", "Circles", "busiest", "circle_radius", "size_legend", "size_rows"]

#: Radius (pixels) of the circle of the place with the largest count.
MAX_RADIUS = 22


class Circles(folium.map.Layer):
    """Circles, one per row ``[lat, lon, radius, fill, tooltip, count]``, in the given order
    (largest first, so that smaller ones stay on top and can be pointed at).

    Tooltips are plain text: they are set as text, never read as HTML.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.featureGroup();
{{ this.rows_json }}.forEach(function (r) {
  L.circleMarker([r[0], r[1]], {radius: r[2], color: '#4d3a00', weight: 1,
    fillColor: r[3], fillOpacity: 0.75, className: 'lm-sighting'})
    .bindTooltip(function () { var d = document.createElement('div');
      d.textContent = r[4]; return d; }).addTo({{ this.get_name() }});
});
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, rows: list, name: str):
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "Circles"
        self.rows = rows
        # Serialised once (a map is rendered each time it is drawn), escaped as Jinja's
        # tojson does so that no text in a row can end the script.
        self.rows_json = (json.dumps(rows, ensure_ascii=False).replace("<", "\\u003c")
                          .replace(">", "\\u003e").replace("&", "\\u0026")
                          .replace("'", "\\u0027"))


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


def busiest(survey, years: tuple[int, int], largest: Callable[[object], int]) -> int:
    """The largest count one place reaches in any single year of ``years``.

    Drawn to this scale, the year player's frames are comparable: a circle of one size
    means the same count in every year. ``largest(survey)`` gives one frame's largest
    count (e.g. :func:`overview_largest`); it runs on the survey as drawn, so generalised
    places are pooled as on the map.
    """
    return max((int(largest(survey.filter(years=(y, y)))) for y in
                range(years[0], years[1] + 1)), default=0)


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


def size_rows(largest: int, colour: str, lang: Language) -> list[tuple[str, str]]:
    """Legend rows: a circle of the drawn size for each of :func:`size_legend`'s counts."""
    rows = []
    for count in size_legend(largest) if largest else []:
        size = 2 * float(circle_radius([count], largest)[0])
        rows.append((swatch_dot(colour, round(size)),
                     lang.ngettext("{n} detection", "{n} detections", count)
                     .format(n=lang.number(count))))
    return rows

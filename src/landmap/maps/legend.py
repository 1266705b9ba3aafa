"""The legend drawn inside every map: swatches, rows, the location-precision line and
the standard note on what is approximate."""

from __future__ import annotations

import html

from branca.element import MacroElement, Template

from landmap.i18n import N_
from landmap.maps.style import COLOURS
from landmap.survey import Survey


class Legend(MacroElement):
    """The legend, beside the map where there is room, else folded inside it.

    From :data:`SIDE_MIN_WIDTH` pixels wide the legend is a panel at the right of the
    page (or of the dashboard's frame), outside the Leaflet frame, which narrows to make
    room for it: it never covers data. Narrower, it is a Leaflet control in the bottom
    right corner that folds to its title (a tap opens it). It travels with the map into
    the standalone HTML and the PNG exports.
    """

    _template = Template("""
{% macro html(this, kwargs) %}{% endmacro %}
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var body = {{ this.body|tojson }};
  if (window.innerWidth >= {{ this.side_min }}) {
    var side = document.createElement('div');
    side.className = 'lm-legend lm-side';
    side.innerHTML = body;
    document.body.appendChild(side);
    document.body.classList.add('lm-with-side');
    map.invalidateSize();
    return;
  }
  var control = L.control({position: 'bottomright'});
  control.onAdd = function () {
    var div = L.DomUtil.create('div', 'lm-legend lm-folded');
    div.innerHTML = body;
    L.DomEvent.disableClickPropagation(div);
    div.addEventListener('click', function () { div.classList.toggle('lm-folded'); });
    return div;
  };
  control.addTo(map);
})();
{% endmacro %}
""")

    def __init__(self, body: str):
        super().__init__()
        self._name = "Legend"
        self.body = body
        self.side_min = SIDE_MIN_WIDTH


#: Frames at least this wide (pixels) show the legend beside the map.
SIDE_MIN_WIDTH = 720
#: Width of the legend panel beside the map (pixels).
SIDE_WIDTH = 250


def legend_row(swatch: str, text: str) -> str:
    return f'<div class="row"><span class="sw" style="{swatch}"></span>{html.escape(text)}</div>'


def swatch_line(colour: str, weight: int = 4) -> str:
    return f"border-top:{weight}px solid {colour};height:0"


def swatch_fill(colour: str, outline: str | None = None, dashed: bool = False) -> str:
    style = "dashed" if dashed else "solid"
    return f"background:{colour};border:2px {style} {outline or colour}"


def swatch_dot(colour: str, size: int = 10) -> str:
    return f"background:{colour};border-radius:50%;width:{size}px;height:{size}px"


BASE_ROWS = [
    (swatch_line(COLOURS["border"]), N_("Russia–China border")),
    (swatch_fill(COLOURS["park"] + "22", COLOURS["park"], dashed=True),
     N_("National park (approximate outline)")),
]


NOTE = N_("Park outlines are approximate, built from published areas (see About). "
           "Country outlines: Natural Earth 1:10m. Counts are minimum counts.")


def precision_line(survey: Survey, t) -> str:
    p = survey.precision
    text = (t("Locations exact: not for sharing outside the team") if p.exact else
            t("Locations generalised to {km} km (cell centres)").format(km=p.cell_km))
    return f'<div class="precision lm-precision">{html.escape(text)}</div>'


def legend_html(title: str, rows: list[tuple[str, str]], note: str,
            precision: str = "") -> str:
    body = "".join(legend_row(swatch, text) for swatch, text in rows)
    return (f"<h4>{html.escape(title)}</h4>{body}{precision}"
            f"<div class=\"note\">{html.escape(note)}</div>")

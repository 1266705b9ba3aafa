"""The legend drawn inside every map: swatches, rows, the location-precision line and
the standard note on what is approximate."""

from __future__ import annotations

import html

from branca.element import MacroElement, Template

from landmap.i18n import N_
from landmap.maps.style import COLOURS
from landmap.survey import Survey


class Legend(MacroElement):
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

"""Rendered map text is kept as text, never read as a template a second time.

folium and branca draw a map in two passes: each element's template is rendered, and the
result is wrapped in a new ``branca.element.Element``, whose constructor compiles that
result as a Jinja template and renders it again when the page is assembled. Anything in
the first result that looks like Jinja is then evaluated: an individual ID, station name or
species from an uploaded package holding ``{{ ... }}`` would be run by Jinja on the server
(template injection), and one holding ``{%`` would break the map. Compiling the whole
output again (hundreds of kilobytes of GeoJSON) is also most of the time a map takes to
render.

Importing this module makes ``Element(text)`` keep ``text`` as it is. The one template the
libraries pass to ``Element`` on purpose (branca's ``Div``, which lists its children) is
still compiled.
"""

from __future__ import annotations

import branca.element
from jinja2 import Template

# Templates that branca and folium hand to Element(...) deliberately; every other string
# given to Element is already rendered output.
_REAL_TEMPLATES = frozenset({
    "{% for name, element in this._children.items() %}{{element.render(**kwargs)}}"
    "{% endfor %}",
})


class _Text:
    """Stands where a compiled template would: rendering returns the text unchanged."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def render(self, *args, **kwargs) -> str:
        return self.text

    @property
    def module(self):  # no macros: nothing for a MacroElement to look up
        return _NO_MACROS


class _NoMacros:
    __dict__ = {}


_NO_MACROS = _NoMacros()
_original_init = branca.element.Element.__init__


def _init(self, template=None, template_name=None):
    if template is None or template in _REAL_TEMPLATES:
        _original_init(self, template, template_name)
        return
    _original_init(self, None, template_name)
    self._template_str = template
    self._template = _Text(template)


def _setstate(self, state: dict):
    # as branca's own, for copies and pickles of a map
    text = state.get("_template_str")
    if text is not None:
        state["_template"] = Template(text) if text in _REAL_TEMPLATES else _Text(text)
    elif state.get("_template_name") is not None:
        state["_template"] = branca.element.ENV.get_template(state["_template_name"])
    self.__dict__.update(state)


if not getattr(branca.element.Element, "_landmap_literal", False):
    branca.element.Element.__init__ = _init
    branca.element.Element.__setstate__ = _setstate
    branca.element.Element._landmap_literal = True

"""Cached work: the selection and the analyses of it, computed on the exact data and
returned at the session's location precision.

Analyses run on the exact data (areas and counts must not depend on how coarsely the
map shows places); everything a page receives goes through privacy.protect first."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st

from landmap.app.data import data_key, survey_exact
from landmap.app.filters import effort_unit, filters
from landmap.app.precision import download_precision, precision
from landmap.app.state import LANG, PLAYER_YEAR, SPECIES, YEARS
from landmap.maps.circles import busiest
from landmap.observations import LEOPARD
from landmap.privacy import Precision, Release, protect
from landmap.survey import Headline, Survey, headline


def survey() -> Survey:
    """The loaded survey at the session's location precision (read once per file version
    and shared by all sessions)."""
    s = survey_exact()
    return _protected(("survey", *data_key(s)), precision().code,
                      s.metric_crs, s)


# Analyses run on the exact data (areas and counts must not depend on how coarsely the
# map shows places); everything a page receives goes through privacy.protect first.
@st.cache_resource(max_entries=64, show_spinner=False)
def _select(data: tuple, chosen: tuple, narrow: tuple, _survey: Survey) -> Survey:
    years, individuals, sex, stage, country = chosen
    s = _survey.filter(years=years, individuals=individuals, sex=sex, life_stage=stage,
                       country=country)
    return s.filter(**dict(narrow)) if narrow else s


@st.cache_resource(max_entries=256, show_spinner=False)
def _protected(key: tuple, code: str, crs: str, _obj):
    return protect(_obj, Precision.parse(code), crs)


def _hashable(narrow: dict | None) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, list | tuple) else v)
                        for k, v in (narrow or {}).items()))


def exact_selection(all_years: bool = False, narrow: dict | None = None) -> Survey:
    s = survey_exact()
    chosen = filters()
    if all_years:
        chosen = (None, *chosen[1:])
    return _select(data_key(s), chosen, _hashable(narrow), s)


def selection(all_years: bool = False) -> Survey:
    """The survey as currently filtered, at the session's location precision (cached).

    ``all_years=True`` applies every filter but the years, for counts such as "first ever
    photographed" that need the years before the selection.
    """
    s = exact_selection(all_years)
    key = ("selection", *data_key(s), filters(), all_years)
    return _protected(key, precision().code, s.metric_crs, s)


@st.cache_resource(max_entries=256, show_spinner=False)
def _compute(key: tuple, params: tuple, _func: Callable, _selection: Survey, _inputs: dict):
    return _func(_selection, **dict(params), **_inputs)


def _exact_result(func: Callable, narrow: dict | None, all_years: bool, inputs: dict | None,
                  params: dict) -> tuple[tuple, object]:
    s = exact_selection(all_years, narrow)
    earlier = {name: _exact_result(f, narrow, all_years, None, p)[1]
               for name, (f, p) in (inputs or {}).items()}
    key = (*data_key(s), filters(), all_years, _hashable(narrow),
           func.__module__, func.__qualname__,
           tuple((name, f.__qualname__, tuple(sorted(p.items())))
                 for name, (f, p) in sorted((inputs or {}).items())))
    sorted_params = tuple(sorted(params.items()))
    return (key, sorted_params), _compute(key, sorted_params, func, s, earlier)


def compute(func: Callable, narrow: dict | None = None, all_years: bool = False,
            inputs: dict[str, tuple[Callable, dict]] | None = None, **params):
    """``func(selection, **params)`` on the exact data, cached, returned at the session's
    location precision.

    ``narrow`` filters the selection further (``{"individuals": ["Leo 16F"]}``,
    ``{"years": (2021, 2021)}``); ``all_years=True`` drops the year filter. ``inputs``
    names earlier analyses passed on to ``func``: ``{"ranges": (home_ranges, {...})}``.
    Results are shared, not copied: callers must not change them in place.
    """
    key, result = _exact_result(func, narrow, all_years, inputs, params)
    return _protected(key, precision().code, survey_exact().metric_crs, result)


@st.cache_resource(max_entries=128, show_spinner=False)
def _derive(key: tuple, params: tuple, name: str, _func: Callable, _base):
    return _func(_base)


def derived(func: Callable, base: tuple[Callable, dict], narrow: dict | None = None):
    """``func`` of an analysis' result, cached with it: ``derived(longest_gaps,
    (camera_operation, {"period_days": 7}))`` is ``longest_gaps`` of the cached
    ``camera_operation``, computed once per selection. Returned at the session's
    location precision, like :func:`compute`."""
    key, result = _exact_result(base[0], narrow, False, None, base[1])
    name = f"{func.__module__}.{func.__qualname__}"
    return _protected(("derived", *key, name), precision().code, survey_exact().metric_crs,
                      _derive(*key, name, func, result))


@st.cache_resource(max_entries=64, show_spinner=False)
def _scale(key: tuple, _largest: Callable, _survey: Survey, span: tuple, params: tuple) -> int:
    return busiest(_survey, span, lambda s: _largest(s, **dict(params)))


def frame_scale(largest: Callable, **params) -> int | None:
    """While the year player draws a frame: the largest count a place reaches in any
    year of the span (``largest(survey, **params)`` per year, on the survey as shown), so
    that the player's frames share one circle scale. None otherwise."""
    if st.session_state.get(PLAYER_YEAR) is None:
        return None
    span = tuple(st.session_state[YEARS])
    s = selection(all_years=True)
    key = (*data_key(survey_exact()), filters()[1:], precision().code,
           largest.__module__, largest.__qualname__)
    return _scale(key, largest, s, span, tuple(sorted(params.items())))


def current_headline() -> Headline:
    """Headline numbers of the current selection for the chosen species (cached)."""
    return compute(headline, species=st.session_state.get(SPECIES, LEOPARD),
                   effort=effort_unit())


def map_key(prefix: str, *extra) -> str:
    """A widget key for a map that changes whenever the filters (or ``extra``) change.

    streamlit-folium keeps the map first drawn under a key and ignores later changes to
    it, so a map whose layers depend on the filters needs the filters in its key.
    """
    # a player's frame differs from the same year chosen with the slider (circle scale)
    text = repr((data_key(survey_exact()), filters(), st.session_state.get(SPECIES),
                 effort_unit(), st.session_state.get(PLAYER_YEAR) is not None,
                 precision().code, extra))
    return f"{prefix}-{hashlib.sha1(text.encode()).hexdigest()[:12]}"


@st.cache_resource(max_entries=48, show_spinner=False)
def _built(key: str, language: str, _build: Callable):
    return _build()


def built_map(key: str, build: Callable):
    """The map ``build()`` makes, built once per map key (:func:`map_key`) and language.

    Returning to a selection seen before (a filter set back, the year player's next
    round) then costs a copy instead of a build. A copy, because folium adds to a map
    each time it is rendered (the layer control's lines), so a rendered map cannot be
    rendered again.
    """
    return _copy_map(_built(key, st.session_state.get(LANG, "en"), build))


@contextmanager
def showing(year: int) -> Iterator[None]:
    """Within this block the selection, the analyses and the maps are those of the year
    player's frame for ``year`` (see :func:`landmap.app.filters.filters`)."""
    before = st.session_state.get(PLAYER_YEAR)
    st.session_state[PLAYER_YEAR] = int(year)
    try:
        yield
    finally:
        st.session_state[PLAYER_YEAR] = before


@st.cache_resource(max_entries=120, show_spinner=False)
def _frame(key: str, language: str, _build: Callable) -> str:
    return _build().get_root().render()


def frame_html(key: str, build: Callable) -> str:
    """The HTML of the map ``build()`` makes, rendered once per map key and language:
    the year player's frames, which the browser draws itself (no st_folium)."""
    return _frame(key, st.session_state.get(LANG, "en"), build)


def _copy_map(m):
    """A deep copy of a map's elements that shares their data (the GeoJSON features, the
    circles' rows): rendering changes the elements, never the data, and copying thousands
    of features each time would cost what the cache saves."""
    memo, stack = {}, [m]
    while stack:
        element = stack.pop()
        for name in ("data", "rows"):
            value = getattr(element, name, None)
            if isinstance(value, dict | list):
                memo[id(value)] = value
        stack.extend(getattr(element, "_children", {}).values())
    return copy.deepcopy(m, memo)


def release() -> Release:
    """The current selection for downloads, at the download precision."""
    return Release(exact_selection(), download_precision(), exact_selection(all_years=True))


def for_download() -> Callable:
    """A function that coarsens a table, layer or survey to the download precision.

    Taken before the download buttons are drawn: their callables run outside the page.
    """
    return release().protect

"""The one place where landmap meets Streamlit: data loading, caching and shared filters.

Pages call :func:`selection` for the survey as the user filtered it; the filter
widgets live in the sidebar drawn by :func:`sidebar_filters` (called once, in
``app.py``). Filter values are kept in session state and mirrored in the URL query
string, so a copied link reproduces the view.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import streamlit as st

from landmap.camtrapdp import read_camtrapdp
from landmap.demo import DEMO_DIR
from landmap.survey import Headline, Survey, headline

#: Session-state keys, defined once. Query parameters use the same names.
YEARS = "years"
INDIVIDUALS = "individuals"

#: Environment variable naming a Camtrap DP folder to show instead of the demo.
DATA_ENV = "LANDMAP_DATA"


def data_path() -> Path:
    """The Camtrap DP package the dashboard shows (``$LANDMAP_DATA`` or the demo)."""
    return Path(os.environ.get(DATA_ENV) or DEMO_DIR)


@st.cache_resource(show_spinner="Reading the camera-trap package…")
def _load(path: str, modified: float) -> Survey:
    return read_camtrapdp(path)


def survey() -> Survey:
    """The loaded survey, read once per file version and shared by all sessions."""
    path = data_path()
    stamp = max(p.stat().st_mtime for p in path.glob("*") if p.is_file())
    return _load(str(path), stamp)


@st.cache_resource(max_entries=64)
def _select(source: str, stamp: float, years: tuple[int, int], ids: tuple[str, ...],
            _survey: Survey) -> Survey:
    return _survey.filter(years=years, individuals=ids)


@st.cache_data(max_entries=256)
def _headline(source: str, stamp: float, years: tuple[int, int], ids: tuple[str, ...],
              _selection: Survey) -> Headline:
    return headline(_selection)


def _stamp(s: Survey) -> float:
    path = Path(s.source)
    return max((p.stat().st_mtime for p in path.glob("*") if p.is_file()), default=0.0)


def _parse_years(text: str | None, span: tuple[int, int]) -> tuple[int, int]:
    try:
        first, _, last = (text or "").partition("-")
        first, last = int(first), int(last or first)
    except ValueError:
        return span
    first, last = max(first, span[0]), min(last, span[1])
    return (first, last) if first <= last else span


def _init_state(s: Survey) -> None:
    """Fill session state from the URL on a session's first run."""
    span = s.year_span
    if YEARS not in st.session_state:
        st.session_state[YEARS] = _parse_years(st.query_params.get(YEARS), span)
    if INDIVIDUALS not in st.session_state:
        known = set(s.leopard_ids())
        asked = [i.strip() for i in st.query_params.get(INDIVIDUALS, "").split(",") if i.strip()]
        unknown = [i for i in asked if i not in known]
        if unknown:
            st.session_state["_unknown_ids"] = unknown
        st.session_state[INDIVIDUALS] = [i for i in asked if i in known]


def _label(s: Survey):
    names = dict(zip(s.individuals["individualID"], s.individuals["name"], strict=True))

    def label(individual_id: str) -> str:
        name = names.get(individual_id, "")
        return f"{individual_id} “{name}”" if name else individual_id

    return label


def sidebar_filters(s: Survey) -> None:
    """Draw the shared filters in the sidebar and mirror them in the URL."""
    _init_state(s)
    first, last = s.year_span
    with st.sidebar:
        st.header("Filters")
        st.slider("Years", min_value=first, max_value=last, key=YEARS,
                  help="Calendar years in each camera's local time (Primorye UTC+10, China UTC+8)")
        st.multiselect("Individuals", options=s.leopard_ids(), key=INDIVIDUALS,
                       format_func=_label(s), placeholder="All leopards",
                       help="Leave empty for every leopard")
        unknown = st.session_state.pop("_unknown_ids", None)
        if unknown:
            st.warning("The link named leopard ID(s) not in this survey, left out: "
                       + ", ".join(unknown))
    years = st.session_state[YEARS]
    st.query_params[YEARS] = f"{years[0]}-{years[1]}"
    ids = st.session_state[INDIVIDUALS]
    if ids:
        st.query_params[INDIVIDUALS] = ",".join(ids)
    elif INDIVIDUALS in st.query_params:
        del st.query_params[INDIVIDUALS]


def selection() -> tuple[Survey, Headline]:
    """The survey as currently filtered, and its headline numbers (both cached)."""
    s = survey()
    years = tuple(int(y) for y in st.session_state.get(YEARS, s.year_span))
    ids = tuple(sorted(st.session_state.get(INDIVIDUALS, [])))
    stamp = _stamp(s)
    chosen = _select(s.source, stamp, years, ids, s)
    return chosen, _headline(s.source, stamp, years, ids, chosen)


def map_key(prefix: str) -> str:
    """A widget key for a map that changes whenever the filters change.

    streamlit-folium keeps the map first drawn under a key and ignores later changes to
    it, so a map whose layers depend on the filters needs the filters in its key.
    """
    years = st.session_state.get(YEARS, ("", ""))
    ids = "|".join(sorted(st.session_state.get(INDIVIDUALS, [])))
    return f"{prefix}-{years[0]}-{years[1]}-{hashlib.sha1(ids.encode()).hexdigest()[:10]}"


def headline_metrics(h: Headline) -> None:
    """The four headline numbers in a row."""
    a, b, c, d = st.columns(4)
    a.metric("Camera stations", f"{h.stations:,}")
    b.metric("Trap-nights", f"{h.trap_nights:,.0f}",
             help=f"Camera-days in the selected years; {h.flagged_trap_nights:,.0f} of them "
                  "from deployments whose clock was unreliable (timestampIssues).")
    c.metric("Leopard detections", f"{h.detections:,}",
             help="Leopard records (events) in the selection, cubs with their mother included.")
    d.metric("Individuals", f"{h.individuals:,}",
             help="Distinct identified leopards photographed: a minimum count.")

"""The one place where landmap meets Streamlit: data loading, caching and shared filters.

Pages call :func:`selection` for the survey as the user filtered it and :func:`compute`
for cached analyses of it; the filter widgets live in the sidebar drawn by
:func:`sidebar_filters` (called once, in ``app.py``). Filter values are kept in session
state and mirrored in the URL query string, so a copied link reproduces the view.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from landmap.demo import DEMO_DIR
from landmap.sources import load_survey
from landmap.species import species_label
from landmap.survey import LEOPARD, Headline, Survey, headline

#: Session-state keys, defined once. Query parameters use the same names.
YEARS = "years"
INDIVIDUALS = "individuals"
SEX = "sex"
LIFE_STAGE = "stage"
COUNTRY = "country"
SPECIES = "species"
BRIEFING = "briefing"
#: The individual shown on the Individuals page.
PROFILE = "profile"
#: The list filters, with the values a user may pick.
CHOICES = {
    SEX: ["female", "male"],
    LIFE_STAGE: ["adult", "subadult", "juvenile"],
    COUNTRY: ["RUS", "CHN"],
}
_LABELS = {"RUS": "Russia", "CHN": "China"}

#: Environment variable naming a Camtrap DP folder to show instead of the demo.
DATA_ENV = "LANDMAP_DATA"


def data_path() -> Path:
    """The Camtrap DP package the dashboard shows (``$LANDMAP_DATA`` or the demo)."""
    return Path(os.environ.get(DATA_ENV) or DEMO_DIR)


def _stamp(path: Path) -> float:
    return max((p.stat().st_mtime for p in path.glob("*") if p.is_file()), default=0.0)


@st.cache_resource(show_spinner="Reading the camera-trap package…")
def _load(path: str, modified: float) -> Survey:
    return load_survey(path)


def survey() -> Survey:
    """The loaded survey, read once per file version and shared by all sessions."""
    path = data_path()
    return _load(str(path), _stamp(path))


# ----------------------------------------------------------------------------- filters
def _parse_years(text: str | None, span: tuple[int, int]) -> tuple[int, int]:
    try:
        first, _, last = (text or "").partition("-")
        first, last = int(first), int(last or first)
    except ValueError:
        return span
    first, last = max(first, span[0]), min(last, span[1])
    return (first, last) if first <= last else span


def _from_url(key: str, allowed: list[str]) -> list[str]:
    asked = [v.strip() for v in st.query_params.get(key, "").split(",") if v.strip()]
    unknown = [v for v in asked if v not in allowed]
    if unknown:
        st.session_state.setdefault("_unknown", []).append(f"{key}: {', '.join(unknown)}")
    return [v for v in asked if v in allowed]


def _init_state(s: Survey) -> None:
    """Fill session state from the URL on a session's first run."""
    if YEARS not in st.session_state:
        st.session_state[YEARS] = _parse_years(st.query_params.get(YEARS), s.year_span)
    if INDIVIDUALS not in st.session_state:
        st.session_state[INDIVIDUALS] = _from_url(INDIVIDUALS, s.leopard_ids())
    for key, allowed in CHOICES.items():
        if key not in st.session_state:
            st.session_state[key] = _from_url(key, allowed)
    if SPECIES not in st.session_state:
        asked = st.query_params.get(SPECIES, LEOPARD)
        st.session_state[SPECIES] = asked if asked in species_present(s) else LEOPARD
    if BRIEFING not in st.session_state:
        st.session_state[BRIEFING] = st.query_params.get(BRIEFING) == "1"


def species_present(s: Survey) -> list[str]:
    """Scientific names in the survey, the leopard first."""
    names = sorted(set(s.observations["scientificName"]) - {""})
    return sorted(names, key=lambda n: (n != LEOPARD, n))


def individual_label(s: Survey) -> Callable[[str], str]:
    """A function turning an ID into "Leo 16F “Queen Borte”" where the animal has a name."""
    names = dict(zip(s.individuals["individualID"], s.individuals["name"], strict=True))

    def label(individual_id: str) -> str:
        name = names.get(individual_id, "")
        return f"{individual_id} “{name}”" if name else individual_id

    return label


def _to_url() -> None:
    years = st.session_state[YEARS]
    st.query_params[YEARS] = f"{years[0]}-{years[1]}"
    for key in (INDIVIDUALS, *CHOICES):
        if st.session_state[key]:
            st.query_params[key] = ",".join(st.session_state[key])
        elif key in st.query_params:
            del st.query_params[key]
    if st.session_state[SPECIES] != LEOPARD:
        st.query_params[SPECIES] = st.session_state[SPECIES]
    elif SPECIES in st.query_params:
        del st.query_params[SPECIES]
    if st.session_state[BRIEFING]:
        st.query_params[BRIEFING] = "1"
    elif BRIEFING in st.query_params:
        del st.query_params[BRIEFING]


def sidebar_filters(s: Survey) -> None:
    """Draw the shared filters in the sidebar and mirror them in the URL."""
    _init_state(s)
    first, last = s.year_span
    with st.sidebar:
        st.header("Filters")
        if first < last:
            st.slider("Years", min_value=first, max_value=last, key=YEARS,
                      help="Calendar years in each camera's local time (Primorye UTC+10, "
                           "China UTC+8)")
        else:  # a slider needs two different ends
            st.session_state[YEARS] = (first, last)
            st.caption(f"Years: {first} (the data cover one year)")
        st.multiselect("Individuals", options=s.leopard_ids(), key=INDIVIDUALS,
                       format_func=individual_label(s), placeholder="All leopards",
                       help="Leave empty for every leopard")
        st.multiselect("Sex", CHOICES[SEX], key=SEX, placeholder="Both")
        st.multiselect("Life stage", CHOICES[LIFE_STAGE], key=LIFE_STAGE, placeholder="All")
        st.multiselect("Country", CHOICES[COUNTRY], key=COUNTRY, placeholder="Both sides",
                       format_func=_LABELS.get)
        st.selectbox("Species (sightings and detection rates)", species_present(s),
                     key=SPECIES, format_func=species_label)
        st.toggle("Briefing mode", key=BRIEFING,
                  help="Hides the sidebar and enlarges text and maps for a projector")
        for note in st.session_state.pop("_unknown", []):
            st.warning(f"The link named value(s) not in this survey, left out: {note}")
    _to_url()


def filters() -> tuple:
    """The current filter values as one hashable tuple (years, individuals, sex, ...)."""
    state = st.session_state
    return (tuple(state[YEARS]), tuple(sorted(state[INDIVIDUALS])), tuple(sorted(state[SEX])),
            tuple(sorted(state[LIFE_STAGE])), tuple(sorted(state[COUNTRY])))


# ----------------------------------------------------------------------------- cached work
@st.cache_resource(max_entries=64, show_spinner=False)
def _select(source: str, stamp: float, chosen: tuple, _survey: Survey) -> Survey:
    years, individuals, sex, stage, country = chosen
    return _survey.filter(years=years, individuals=individuals, sex=sex, life_stage=stage,
                          country=country)


def selection(all_years: bool = False) -> Survey:
    """The survey as currently filtered (cached per filter combination).

    ``all_years=True`` applies every filter but the years, for counts such as "first ever
    photographed" that need the years before the selection.
    """
    s = survey()
    chosen = filters()
    if all_years:
        chosen = (None, *chosen[1:])
    return _select(s.source, _stamp(Path(s.source)), chosen, s)


@st.cache_resource(max_entries=256, show_spinner=False)
def _compute(key: tuple, params: tuple, _func: Callable, _selection: Survey, _inputs: dict):
    return _func(_selection, **dict(params), **_inputs)


def compute(func: Callable, s: Survey | None = None, scope: str = "",
            inputs: dict | None = None, **params):
    """``func(selection, **params)``, cached per data version, filters and parameters.

    ``s`` defaults to the current selection; a page that narrows it further (one
    individual, say) passes that survey and names the narrowing in ``scope``.
    ``inputs`` are earlier results passed on to ``func`` but left out of the cache key,
    so ``scope`` must name what they depend on. Results are shared, not copied: callers
    must not change them in place.
    """
    s = s if s is not None else selection()
    base = survey()
    key = (base.source, _stamp(Path(base.source)), filters(), scope, func.__module__,
           func.__qualname__)
    return _compute(key, tuple(sorted(params.items())), func, s, inputs or {})


def current_headline() -> Headline:
    """Headline numbers of the current selection for the chosen species (cached)."""
    return compute(headline, species=st.session_state.get(SPECIES, LEOPARD))


def map_key(prefix: str, *extra) -> str:
    """A widget key for a map that changes whenever the filters (or ``extra``) change.

    streamlit-folium keeps the map first drawn under a key and ignores later changes to
    it, so a map whose layers depend on the filters needs the filters in its key.
    """
    text = repr((filters(), st.session_state.get(SPECIES), extra))
    return f"{prefix}-{hashlib.sha1(text.encode()).hexdigest()[:12]}"


# ----------------------------------------------------------------------------- drawing
def headline_metrics(h: Headline, species: str = LEOPARD) -> None:
    """The four headline numbers in a row."""
    a, b, c, d = st.columns(4)
    a.metric("Camera stations", f"{h.stations:,}")
    b.metric("Trap-nights", f"{h.trap_nights:,.0f}",
             help=f"Camera-days in the selected years; {h.flagged_trap_nights:,.0f} of them "
                  "from deployments whose clock was unreliable (timestampIssues).")
    name = "Leopard" if species == LEOPARD else species_label(species)
    c.metric(f"{name} detections", f"{h.detections:,}",
             help="Records in the selection; cubs photographed with their mother are part "
                  "of her record.")
    d.metric("Individuals", f"{h.individuals:,}",
             help="Distinct identified animals photographed: a minimum count.")


_BRIEFING_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"], [data-testid="stToolbar"] { display: none !important; }
.block-container { padding-top: 1rem !important; max-width: 100% !important; }
html, body, [data-testid="stMarkdownContainer"] p { font-size: 1.35rem !important; }
[data-testid="stMetricValue"] { font-size: 3.2rem !important; }
[data-testid="stMetricLabel"] p { font-size: 1.3rem !important; }
h1 { font-size: 3rem !important; }
</style>
"""


def briefing_mode() -> bool:
    """Apply briefing styles when the switch is on; returns whether it is on."""
    if not st.session_state.get(BRIEFING):
        return False
    st.markdown(_BRIEFING_CSS, unsafe_allow_html=True)

    def leave() -> None:
        st.session_state[BRIEFING] = False

    st.button("Leave briefing mode", on_click=leave, key="leave-briefing")
    return True


def map_height() -> int:
    """Map height in pixels: taller on a projector."""
    return 820 if st.session_state.get(BRIEFING) else 600


def download_row(items: list[tuple[str, Callable[[], bytes], str, str]], key: str) -> None:
    """Download buttons side by side: (label, function making the bytes, file name, MIME).

    The bytes are made only when a button is clicked, not on every rerun.
    """
    cols = st.columns(len(items))
    for col, (label, data, name, mime) in zip(cols, items, strict=True):
        col.download_button(label, data, file_name=name, mime=mime, key=f"{key}-{name}",
                            on_click="ignore")

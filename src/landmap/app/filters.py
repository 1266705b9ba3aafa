"""The shared sidebar filters, kept in session state and mirrored in the URL so that a
copied link reproduces the view."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from landmap.access import ANALYST, VIEWER
from landmap.app.data import data_key
from landmap.app.precision import (
    allowed_precisions,
    briefing_changed,
    default_precision,
    precision,
    precision_label,
)
from landmap.app.signin import account_box, role
from landmap.app.state import (
    BRIEFING,
    CHOICES,
    COUNTRY,
    EFFORT,
    EXACT_DOWNLOADS,
    INDIVIDUALS,
    LANG,
    LIFE_STAGE,
    PLAYER_YEAR,
    PRECISION,
    SEX,
    SPECIES,
    YEARS,
    _,
    lang,
)
from landmap.boundaries import COUNTRY_NAMES
from landmap.community import wild_species
from landmap.effort import EFFORT_UNITS
from landmap.i18n import LANGUAGES, N_, from_browser
from landmap.observations import LEOPARD
from landmap.privacy import Precision
from landmap.species import species_label
from landmap.survey import Survey

_CHOICE_LABELS = {"female": N_("female"), "male": N_("male"), "adult": N_("adult"),
                  "subadult": N_("subadult"), "juvenile": N_("juvenile")}


_EFFORT_LABELS = {"camera": N_("camera-days"), "station": N_("station-days")}


def effort_unit() -> str:
    """How this session counts trap-nights: "camera" or "station" (see landmap.effort)."""
    return st.session_state.get(EFFORT, "camera")


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
        present = _loaded_species(data_key(s), s)
        default = _default_species(data_key(s), s)
        asked = st.query_params.get(SPECIES, default)
        st.session_state[SPECIES] = asked if asked in present else default
    if EFFORT not in st.session_state:
        asked = st.query_params.get(EFFORT, "camera")
        if asked not in EFFORT_UNITS:
            st.session_state.setdefault("_unknown", []).append(f"{EFFORT}: {asked}")
        st.session_state[EFFORT] = asked if asked in EFFORT_UNITS else "camera"
    if BRIEFING not in st.session_state:
        st.session_state[BRIEFING] = st.query_params.get(BRIEFING) == "1"
    if PRECISION not in st.session_state:
        st.session_state[PRECISION] = _precision_from_url()
    if LANG not in st.session_state:
        asked = st.query_params.get(LANG)
        st.session_state[LANG] = asked if asked in LANGUAGES else from_browser(
            st.context.locale)


def _precision_from_url() -> str:
    default = default_precision(bool(st.session_state.get(BRIEFING)))
    asked = st.query_params.get(PRECISION)
    if not asked:
        return default.code
    try:
        wanted = Precision.parse(asked)
    except ValueError:
        # named like the other unknown link values, in the warning's language
        st.session_state.setdefault("_unknown", []).append(f"{PRECISION}: {asked}")
        return default.code
    if wanted not in allowed_precisions():
        roles = {ANALYST: _("analyst"), VIEWER: _("viewer")}
        st.session_state.setdefault("_refused", []).append(
            _("The link asked for {asked}; your role ({role}) may not see them, so the maps "
              "show {shown}.").format(asked=precision_label(wanted.code).lower(),
                                      role=roles[role()],
                                      shown=precision_label(default.code).lower()))
        return default.code
    return wanted.code


def species_present(s: Survey) -> list[str]:
    """Scientific names in the survey, the leopard first."""
    names = sorted(set(s.observations["scientificName"].unique()) - {""})
    return sorted(names, key=lambda n: (n != LEOPARD, n))


@st.cache_resource(max_entries=16, show_spinner=False)
def _loaded_species(data: tuple, _s: Survey) -> tuple[str, ...]:
    return tuple(species_present(_s))


@st.cache_resource(max_entries=16, show_spinner=False)
def _default_species(data: tuple, _s: Survey) -> str:
    """The leopard; in a package without leopards, the animal recorded most often (the
    menu lists species by name, and its first is rarely the one the package is about)."""
    present = _loaded_species(data, _s)
    if LEOPARD in present or not present:
        return LEOPARD
    return next(iter(wild_species(_s)), present[0])


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
    if st.session_state[EFFORT] != "camera":
        st.query_params[EFFORT] = st.session_state[EFFORT]
    elif EFFORT in st.query_params:
        del st.query_params[EFFORT]
    st.query_params[PRECISION] = precision().code
    st.query_params[LANG] = st.session_state[LANG]
    if st.session_state[BRIEFING]:
        st.query_params[BRIEFING] = "1"
    elif BRIEFING in st.query_params:
        del st.query_params[BRIEFING]


def sidebar_filters(s: Survey) -> None:
    """Draw the shared filters in the sidebar and mirror them in the URL."""
    _init_state(s)
    first, last = s.year_span
    with st.sidebar:
        # In every language at once, so a user can always find the switch.
        st.selectbox("Language · Язык · 语言", list(LANGUAGES), key=LANG,
                     format_func=LANGUAGES.get)
        st.header(_("Filters"))
        if first < last:
            st.slider(_("Years"), min_value=first, max_value=last, key=YEARS,
                      help=_("Calendar years in each camera's local time (Primorye UTC+10, "
                             "China UTC+8)"))
        else:  # a slider needs two different ends
            st.session_state[YEARS] = (first, last)
            st.caption(_("Years: {year} (the data cover one year)").format(year=first))
        st.multiselect(_("Individuals"), options=s.leopard_ids(), key=INDIVIDUALS,
                       format_func=individual_label(s), placeholder=_("All leopards"),
                       help=_("Leave empty for every leopard"))
        st.multiselect(_("Sex"), CHOICES[SEX], key=SEX, placeholder=_("Both"),
                       format_func=lambda v: _(_CHOICE_LABELS[v]))
        st.multiselect(_("Life stage"), CHOICES[LIFE_STAGE], key=LIFE_STAGE,
                       placeholder=_("All"), format_func=lambda v: _(_CHOICE_LABELS[v]))
        st.multiselect(_("Country"), CHOICES[COUNTRY], key=COUNTRY,
                       placeholder=_("Both sides"), format_func=lambda v: _(COUNTRY_NAMES[v]))
        st.selectbox(_("Species (sightings and detection rates)"),
                     list(_loaded_species(data_key(s), s)),
                     key=SPECIES, format_func=lambda n: species_label(n, lang().gettext))
        st.radio(_("Trap-nights counted as"), list(EFFORT_UNITS), key=EFFORT,
                 format_func=lambda u: _(_EFFORT_LABELS[u]), horizontal=True,
                 help=_("Camera-days count every camera; station-days count a station once on "
                        "each day one of its cameras worked (camtrapR's byCamera = FALSE)."))
        st.toggle(_("Briefing mode"), key=BRIEFING, on_change=briefing_changed,
                  help=_("Hides the sidebar and enlarges text and maps for a projector; "
                         "generalises exact locations"))
        _precision_widgets()
        for note in st.session_state.pop("_unknown", []):
            st.warning(_("The link named value(s) not in this survey, left out: {values}")
                       .format(values=note))
        for note in st.session_state.pop("_refused", []):
            st.warning(note)
        account_box()
    _to_url()


def _precision_widgets() -> None:
    allowed = allowed_precisions()
    codes = [p.code for p in allowed]
    if st.session_state.get(PRECISION) not in codes:
        st.session_state[PRECISION] = precision().code
    st.selectbox(_("Locations"), codes, key=PRECISION, format_func=precision_label,
                 help=_("Exact camera and leopard locations help poachers. Generalised: each "
                        "station is shown at the centre of its grid cell and home ranges "
                        "without their stations.") + ("" if role() == ANALYST else " " + _(
                            "Your role sees generalised locations.")))
    if role() == ANALYST and precision().exact:
        st.checkbox(_("Exact coordinates in downloads too"), key=EXACT_DOWNLOADS,
                    help=_("Off: downloads are generalised to 5 km, whatever the map shows."))


def filters() -> tuple:
    """The current filter values as one hashable tuple (years, individuals, sex, ...).

    While the year player draws its frame of one year of the span, the years are that
    year: every cache and map then draws the frame like any other selection.
    """
    state = st.session_state
    years = tuple(state[YEARS])
    shown = state.get(PLAYER_YEAR)
    if shown is not None and years[0] <= shown <= years[1]:
        years = (shown, shown)
    return (years, tuple(sorted(state[INDIVIDUALS])), tuple(sorted(state[SEX])),
            tuple(sorted(state[LIFE_STAGE])), tuple(sorted(state[COUNTRY])))

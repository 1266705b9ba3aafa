"""Session state: its keys, defined once (query parameters use the same names), and
this session's language."""

from __future__ import annotations

import streamlit as st

from landmap.i18n import LANGUAGES, Language, from_browser, language

#: Session-state keys, defined once. Query parameters use the same names.
YEARS = "years"


INDIVIDUALS = "individuals"


SEX = "sex"


LIFE_STAGE = "stage"


COUNTRY = "country"


SPECIES = "species"
#: How trap-nights are counted: "camera" (camera-days) or "station" (station-days).
EFFORT = "effort"


BRIEFING = "briefing"


#: Location precision: "exact" or a grid size in km (see landmap.privacy).
PRECISION = "precision"


#: An analyst's choice to put exact coordinates in downloads (never from the URL).
EXACT_DOWNLOADS = "exact_downloads"


#: Whether the map pages show the year player's flip-book (one map per year of the
#: span), the year a frame is being drawn for (set only while it is drawn, see
#: landmap.app.cache.showing), and the player's seconds per year (the GIF's too).
PLAYER_ON = "player_on"
PLAYER_YEAR = "player_year"
PLAYER_SPEED = "player_speed"


#: The individual shown on the Individuals page.
PROFILE = "profile"


#: The interface language ("en", "ru", "zh"), per session and in the URL.
LANG = "lang"


#: The list filters, with the values a user may pick.
CHOICES = {
    SEX: ["female", "male"],
    LIFE_STAGE: ["adult", "subadult", "juvenile"],
    COUNTRY: ["RUS", "CHN"],
}


#: Session-state keys of the data the user loaded in this session (see the Data page).
SOURCE = "source"


LOADED_SOURCES = "_sources"


#: The boundary layers the user loaded this session.
USER_LAYERS = "_layers"


def secrets() -> dict:
    """Streamlit's secrets as a plain dict (empty when no secrets.toml exists)."""
    return st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}


def lang() -> Language:
    """This session's language: chosen in the sidebar or the URL, else the browser's."""
    # The URL counts before the filters are read too: the sign-in page and a data source
    # that cannot be loaded are shown before that.
    code = st.session_state.get(LANG)
    if not code:
        asked = st.query_params.get(LANG)
        code = asked if asked in LANGUAGES else from_browser(st.context.locale)
    return language(code)


def _(message: str) -> str:
    """``message`` in this session's language (gettext; English is the source)."""
    return lang().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return lang().ngettext(singular, plural, n)


def month_format() -> str:
    """A chart's month labels as the language writes them (d3 time format): Vega would
    otherwise print English month names on every page."""
    # Translators: a d3 time format for a month axis ("Mar 2021", "03.2021", "2021年3月").
    return _("%b %Y")

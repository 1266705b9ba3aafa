"""The one place where landmap meets Streamlit: data loading, caching and shared filters.

Pages call :func:`selection` for the survey as the user filtered it and :func:`compute`
for cached analyses of it; the filter widgets live in the sidebar drawn by
:func:`sidebar_filters` (called once, in ``app.py``). Filter values are kept in session
state and mirrored in the URL query string, so a copied link reproduces the view.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import tempfile
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from landmap.access import ANALYST, VIEWER, Access, AccessError, Throttle, access_config
from landmap.briefing import chromium_path, install_hint, map_png
from landmap.demo import DEMO_DIR
from landmap.exports import html_bytes
from landmap.i18n import LANGUAGES, N_, Language, Text, from_browser, language
from landmap.privacy import GRID_KM, Precision, Release, protect
from landmap.sources import DataSource, configured_source
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
#: Location precision: "exact" or a grid size in km (see landmap.privacy).
PRECISION = "precision"
#: An analyst's choice to put exact coordinates in downloads (never from the URL).
EXACT_DOWNLOADS = "exact_downloads"
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
_LABELS = {"RUS": N_("Russia"), "CHN": N_("China")}
_CHOICE_LABELS = {"female": N_("female"), "male": N_("male"), "adult": N_("adult"),
                  "subadult": N_("subadult"), "juvenile": N_("juvenile")}


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


def data_source() -> DataSource:
    """The configured source: a PostGIS database (``$LANDMAP_DATABASE_URL`` or secrets
    ``[landmap.database] url``), else ``$LANDMAP_DATA``, else the demo."""
    secrets = st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}
    return configured_source(secrets)


def _stamp(path: Path) -> float:
    return max((p.stat().st_mtime for p in path.glob("*") if p.is_file()), default=0.0)


@st.cache_data(ttl=2, show_spinner=False)
def _version(key: str, _source: DataSource) -> str:
    # Asked many times per rerun; a database would be asked as often. A new load reaches
    # the pages within two seconds.
    return _source.version()


@st.cache_resource(show_spinner="Reading the camera-trap data…", max_entries=4)
def _load(key: str, version: str, _source: DataSource) -> Survey:
    return _source.load()


#: Session-state keys of the data the user loaded in this session (see the Data page).
SOURCE = "source"
_SOURCES, _LAYERS = "_sources", "_layers"


def _survey_exact() -> Survey:
    loaded = st.session_state.get(_SOURCES, {})
    chosen = st.session_state.get(SOURCE, "")
    if chosen in loaded:
        s = loaded[chosen]
    else:
        source = data_source()
        s = _load(source.key, _version(source.key, source), source)
    layers = tuple(st.session_state.get(_LAYERS, {}).items())
    if layers:
        s = dataclasses.replace(s, boundaries=dataclasses.replace(s.boundaries, extra=layers))
    return s


def _data_key(s: Survey) -> tuple:
    """What the cached results of a survey depend on: its source, the files' version and
    the user's boundary layers."""
    return (s.source, _stamp(Path(s.source)), tuple(name for name, _ in s.boundaries.extra))


def sources() -> list[str]:
    """The data sources of this session: the default package first, then those loaded."""
    return ["", *st.session_state.get(_SOURCES, {})]


def source_label(key: str) -> str:
    if key:
        return lang().text(key) if isinstance(key, Text) else key
    label = data_source().label
    return _("Bundled demo (simulated)") if Path(label) == DEMO_DIR else lang().text(label)


def add_source(s: Survey) -> None:
    """Keep a survey the user loaded (for this session only) and switch to it."""
    st.session_state.setdefault(_SOURCES, {})[s.source] = s
    switch_source(s.source)


def switch_source(key: str) -> None:
    """Show another data source; filters that belonged to the previous one are reset."""
    st.session_state[SOURCE] = key
    for name in (YEARS, INDIVIDUALS, SEX, LIFE_STAGE, COUNTRY, SPECIES, PROFILE):
        st.session_state.pop(name, None)
        if name in st.query_params:
            del st.query_params[name]


def upload_path(name: str, data: bytes) -> Path:
    """An uploaded file written to this session's temporary folder (GDAL reads files).

    Only the file's base name is kept, prefixed with a hash of its content, so a name
    cannot point outside the folder and two uploads never overwrite each other.
    """
    folder = st.session_state.get("_upload_dir")
    if folder is None or not Path(folder).is_dir():
        folder = st.session_state["_upload_dir"] = tempfile.mkdtemp(prefix="landmap-upload-")
    base = Path(name.replace("\\", "/")).name or "upload"
    path = Path(folder) / f"{hashlib.sha256(data).hexdigest()[:12]}-{base}"
    if not path.exists():
        path.write_bytes(data)
    return path


def user_layers() -> dict:
    """The boundary layers the user loaded this session: name -> GeoDataFrame."""
    return st.session_state.get(_LAYERS, {})


def add_layer(name: str, features) -> None:
    st.session_state.setdefault(_LAYERS, {})[name] = features


def remove_layer(name: str) -> None:
    st.session_state.get(_LAYERS, {}).pop(name, None)


def survey() -> Survey:
    """The loaded survey at the session's location precision (read once per file version
    and shared by all sessions)."""
    s = _survey_exact()
    return _protected(("survey", *_data_key(s)), precision().code,
                      s.metric_crs, s)


# ----------------------------------------------------------------------------- sign-in
_ROLE, _USER, _HOW = "_role", "_user", "_signed_in_with"


def access() -> Access:
    """The sign-in configuration from Streamlit's secrets (none: local use only)."""
    secrets = st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}
    return access_config(secrets)


@st.cache_resource
def _throttle() -> Throttle:
    return Throttle()


def _local_client() -> bool:
    """Whether the browser runs on this computer (Streamlit reports no address for
    loopback connections)."""
    return st.context.ip_address is None


def role() -> str:
    """The signed-in person's role (``viewer`` until :func:`sign_in` says otherwise)."""
    return st.session_state.get(_ROLE, VIEWER)


def _signed_in(role_: str, user: str, how: str) -> None:
    st.session_state[_ROLE], st.session_state[_USER], st.session_state[_HOW] = role_, user, how


def sign_in() -> None:
    """Settle who is using the dashboard, or show the sign-in page and stop the run.

    Local accounts sign in for this browser session only (no cookie: a reload asks
    again); single sign-on is Streamlit's ``st.login``. With no sign-in configured the
    dashboard serves only the computer it runs on, with the analyst role.
    """
    try:
        config = access()
    except AccessError as exc:
        st.error(_("Sign-in is misconfigured in .streamlit/secrets.toml: {problem}").format(
            problem=exc))
        st.stop()
    if not config.enabled:
        if _local_client():
            _signed_in(ANALYST, "this computer", "local")
            return
        st.error(_("Sign-in is not set up, so landmap only answers on the computer it runs "
                   "on. To share the dashboard, configure sign-in (README, “Sharing the "
                   "dashboard”)."))
        st.stop()
    if st.session_state.get(_HOW) == "password":
        return
    if config.providers and st.user.is_logged_in:
        claims = st.user.to_dict()
        found = config.role_for_claims(claims)
        who = str(claims.get("email") or claims.get("name") or claims.get("sub") or "")
        if found is None:
            st.error(_("{who} may not use this dashboard; ask the park's data manager for "
                       "access.").format(who=who or _("This account")))
            st.button(_("Sign out"), on_click=st.logout)
            st.stop()
        _signed_in(found, who, "oidc")
        return
    _sign_in_page(config)
    st.stop()


def _sign_in_page(config: Access) -> None:
    st.title(_("landmap · sign in"))
    st.caption(_("Camera-trap locations of Amur leopards are protected data."))
    for name in config.providers:
        label = (_("Sign in with {provider}").format(provider=name) if name else
                 _("Sign in with your organisation account"))
        if st.button(label, key=f"login-{name}", type="primary"):
            st.login(name or None)
    if not config.accounts:
        return
    with st.form("sign-in"):
        user = st.text_input(_("User name"))
        password = st.text_input(_("Password"), type="password")
        submitted = st.form_submit_button(_("Sign in"))
    if not submitted:
        return
    throttle = _throttle()
    wait = throttle.wait(user)
    if wait > 0:
        st.error(_("Too many failed sign-ins for “{user}”: try again in {seconds} s.").format(
            user=user, seconds=math.ceil(wait)))
        return
    found = config.check_password(user, password)
    if found is None:
        throttle.failed(user)
        st.error(_("Wrong user name or password."))
        return
    throttle.succeeded(user)
    _signed_in(found, user, "password")
    st.rerun()


def _sign_out() -> None:
    if st.session_state.get(_HOW) == "oidc":
        st.logout()
    for key in (_ROLE, _USER, _HOW):
        st.session_state.pop(key, None)


def _account_box() -> None:
    how = st.session_state.get(_HOW)
    if how == "local":
        st.caption(_("Sign-in is off: local use on this computer, analyst role."))
        return
    roles = {ANALYST: _("analyst"), VIEWER: _("viewer")}
    st.caption(_("Signed in as **{user}** ({role})").format(
        user=st.session_state.get(_USER, ""), role=roles[role()]))
    st.button(_("Sign out"), on_click=_sign_out, key="sign-out")


# ----------------------------------------------------------------------------- precision
def allowed_precisions() -> list[Precision]:
    """Precisions this session may choose: analysts every one, viewers only grids at least
    as coarse as ``viewer_precision_km``."""
    if role() == ANALYST:
        return [Precision(None), *(Precision(k) for k in GRID_KM)]
    finest = access().viewer_precision_km
    return [Precision(k) for k in GRID_KM if k >= finest]


def _default_precision(briefing: bool) -> Precision:
    allowed = allowed_precisions()
    if role() == ANALYST and not briefing:
        return Precision(None)
    return Precision(5) if Precision(5) in allowed else allowed[0]


def precision() -> Precision:
    """The session's location precision; never finer than the role allows."""
    code = st.session_state.get(PRECISION)
    chosen = Precision.parse(code) if code else None
    if chosen not in allowed_precisions():
        chosen = _default_precision(bool(st.session_state.get(BRIEFING)))
    return chosen


def download_precision() -> Precision:
    """Precision of downloads: generalised (5 km) unless an analyst asked for exact."""
    shown = precision()
    if shown.exact and not st.session_state.get(EXACT_DOWNLOADS):
        return Precision(5)
    return shown


def for_download() -> Callable:
    """A function that coarsens a table, layer or survey to the download precision.

    Taken before the download buttons are drawn: their callables run outside the page.
    """
    return release().protect


def _briefing_changed() -> None:
    # A projector is a public place: going into briefing mode generalises exact locations.
    if st.session_state.get(BRIEFING) and precision().exact:
        st.session_state[PRECISION] = _default_precision(True).code


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
    if PRECISION not in st.session_state:
        st.session_state[PRECISION] = _precision_from_url()
    if LANG not in st.session_state:
        asked = st.query_params.get(LANG)
        st.session_state[LANG] = asked if asked in LANGUAGES else from_browser(
            st.context.locale)


def _precision_from_url() -> str:
    default = _default_precision(bool(st.session_state.get(BRIEFING)))
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
                       placeholder=_("Both sides"), format_func=lambda v: _(_LABELS[v]))
        st.selectbox(_("Species (sightings and detection rates)"), species_present(s),
                     key=SPECIES, format_func=lambda n: species_label(n, lang().gettext))
        st.toggle(_("Briefing mode"), key=BRIEFING, on_change=_briefing_changed,
                  help=_("Hides the sidebar and enlarges text and maps for a projector; "
                         "generalises exact locations"))
        _precision_widgets()
        for note in st.session_state.pop("_unknown", []):
            st.warning(_("The link named value(s) not in this survey, left out: {values}")
                       .format(values=note))
        for note in st.session_state.pop("_refused", []):
            st.warning(note)
        _account_box()
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


def precision_label(code: str) -> str:
    """"Locations exact" or "Locations generalised to 5 km", in this session's language."""
    chosen = Precision.parse(code)
    if chosen.exact:
        return _("Locations exact")
    return _("Locations generalised to {km} km").format(km=chosen.cell_km)


def filters() -> tuple:
    """The current filter values as one hashable tuple (years, individuals, sex, ...)."""
    state = st.session_state
    return (tuple(state[YEARS]), tuple(sorted(state[INDIVIDUALS])), tuple(sorted(state[SEX])),
            tuple(sorted(state[LIFE_STAGE])), tuple(sorted(state[COUNTRY])))


# ----------------------------------------------------------------------------- cached work
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


def _exact_selection(all_years: bool = False, narrow: dict | None = None) -> Survey:
    s = _survey_exact()
    chosen = filters()
    if all_years:
        chosen = (None, *chosen[1:])
    return _select(_data_key(s), chosen, _hashable(narrow), s)


def selection(all_years: bool = False) -> Survey:
    """The survey as currently filtered, at the session's location precision (cached).

    ``all_years=True`` applies every filter but the years, for counts such as "first ever
    photographed" that need the years before the selection.
    """
    s = _exact_selection(all_years)
    key = ("selection", *_data_key(s), filters(), all_years)
    return _protected(key, precision().code, s.metric_crs, s)


@st.cache_resource(max_entries=256, show_spinner=False)
def _compute(key: tuple, params: tuple, _func: Callable, _selection: Survey, _inputs: dict):
    return _func(_selection, **dict(params), **_inputs)


def _exact_result(func: Callable, narrow: dict | None, all_years: bool, inputs: dict | None,
                  params: dict) -> tuple[tuple, object]:
    s = _exact_selection(all_years, narrow)
    earlier = {name: _exact_result(f, narrow, all_years, None, p)[1]
               for name, (f, p) in (inputs or {}).items()}
    key = (*_data_key(s), filters(), all_years, _hashable(narrow),
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
    return _protected(key, precision().code, _survey_exact().metric_crs, result)


def current_headline() -> Headline:
    """Headline numbers of the current selection for the chosen species (cached)."""
    return compute(headline, species=st.session_state.get(SPECIES, LEOPARD))


def map_key(prefix: str, *extra) -> str:
    """A widget key for a map that changes whenever the filters (or ``extra``) change.

    streamlit-folium keeps the map first drawn under a key and ignores later changes to
    it, so a map whose layers depend on the filters needs the filters in its key.
    """
    text = repr((_data_key(_survey_exact()), filters(), st.session_state.get(SPECIES),
                 precision().code, extra))
    return f"{prefix}-{hashlib.sha1(text.encode()).hexdigest()[:12]}"


# ----------------------------------------------------------------------------- drawing
def headline_metrics(h: Headline, species: str = LEOPARD) -> None:
    """The four headline numbers in a row."""
    n = lang().number
    a, b, c, d = st.columns(4)
    a.metric(_("Camera stations"), n(h.stations))
    b.metric(_("Trap-nights"), n(h.trap_nights),
             help=_("Camera-days in the selected years; {flagged} of them from deployments "
                    "whose clock was unreliable (timestampIssues).").format(
                 flagged=n(h.flagged_trap_nights)))
    label = (_("Leopard detections") if species == LEOPARD else
             _("{species} detections").format(species=species_label(species, lang().gettext)))
    c.metric(label, n(h.detections),
             help=_("Records in the selection; cubs photographed with their mother are part "
                    "of her record."))
    d.metric(_("Individuals"), n(h.individuals),
             help=_("Distinct identified animals photographed: a minimum count."))


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

    st.button(_("Leave briefing mode"), on_click=leave, key="leave-briefing")
    return True


def map_height() -> int:
    """Map height in pixels: taller on a projector."""
    return 820 if st.session_state.get(BRIEFING) else 600


def download_row(items: list[tuple[str, Callable[[], bytes], str, str]], key: str) -> None:
    """Download buttons side by side: (label, function making the bytes, file name, MIME).

    The bytes are made only when a button is clicked, not on every rerun.
    """
    for start in range(0, len(items), 4):  # rows of four stay readable
        row = items[start:start + 4]
        for col, (label, data, name, mime) in zip(st.columns(4), row, strict=False):
            col.download_button(label, data, file_name=name, mime=mime, key=f"{key}-{name}",
                                on_click="ignore")


def release() -> Release:
    """The current selection for downloads, at the download precision."""
    return Release(_exact_selection(), download_precision(), _exact_selection(all_years=True))


def map_downloads(build: Callable, heading: str, name: str) -> list:
    """Download items for a map: standalone HTML, and PNG for a projector and for A4 print
    (or, where Chromium is missing, nothing but a note saying what to install).

    ``build`` makes the map from data at the download precision (see :func:`release`).
    """
    r = release()
    language_ = lang()
    lines = [r.view().span_label, precision_label(r.precision.code),
             _("Data: {title}").format(title=r.exact.metadata.get("title", r.exact.source))]
    items = [(_("Map (HTML, works offline)"), lambda: html_bytes(build(), heading),
              f"{name}.html", "text/html")]
    if chromium_path() is None:
        st.caption(language_.text(install_hint()))
        return items
    return [
        *items,
        (_("Map PNG 1920×1080"),
         lambda: map_png(build(), heading, lines, "projector", language_),
         f"{name}-1920x1080.png", "image/png"),
        (_("Map PNG A4 200 dpi"), lambda: map_png(build(), heading, lines, "a4", language_),
         f"{name}-A4.png", "image/png"),
    ]

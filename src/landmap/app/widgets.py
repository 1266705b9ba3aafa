"""Drawing helpers the pages share: headline metrics, briefing mode, the year player,
map height and download buttons."""

from __future__ import annotations

import json
from collections.abc import Callable

import folium
import streamlit as st
import streamlit.components.v1 as components
from streamlit_folium import st_folium

from landmap.app.cache import built_map, frame_html, map_key, release, showing
from landmap.app.precision import precision, precision_label
from landmap.app.state import (
    BRIEFING,
    PLAYER_ON,
    PLAYER_SPEED,
    YEARS,
    _,
    lang,
)
from landmap.io.briefing import chromium_path, install_hint, map_png
from landmap.io.exports import html_bytes
from landmap.io.progress import ProgressBar
from landmap.maps.base import MIN_HEIGHT
from landmap.maps.flipbook import PLAYER_SPEEDS, flipbook_html
from landmap.observations import LEOPARD
from landmap.species import species_label
from landmap.survey import Headline


def headline_metrics(h: Headline, species: str = LEOPARD) -> None:
    """The four headline numbers in a row."""
    n = lang().number
    a, b, c, d = st.columns(4)
    a.metric(_("Camera stations"), n(h.stations))
    unit = (_("Station-days (a station with several cameras counts once)")
            if h.effort_unit == "station-days" else _("Camera-days (each camera counts)"))
    b.metric(_("Trap-nights"), n(h.trap_nights),
             help=_("{unit} in the selected years; {flagged} of them from deployments whose "
                    "clock was unreliable (timestampIssues). A deployment tagged 'failed' "
                    "counts until its last photograph.").format(
                 unit=unit, flagged=n(h.flagged_trap_nights)))
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
.block-container { padding: 0.6rem 1.2rem 0 !important; max-width: 100% !important; }
html, body, [data-testid="stMarkdownContainer"] p { font-size: 1.2rem !important; }
/* one compact line of numbers: values larger than their labels */
[data-testid="stMetricValue"], [data-testid="stMetricValue"] p {
  font-size: 2.3rem !important; line-height: 1.15 !important; }
[data-testid="stMetricLabel"] p { font-size: 1rem !important; }
[data-testid="stMetricLabel"] { min-height: 0 !important; }
h1 { font-size: 2.1rem !important; padding: 0 0 0.3rem !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {
  font-size: 0.95rem !important; }
[data-testid="stVerticalBlock"] { gap: 0.5rem !important; }
/* the way out stays at hand without taking a line of the screen */
.st-key-leave-briefing { position: fixed !important; top: 6px; right: 14px; z-index: 1000;
  width: auto !important; }
</style>
"""


#: The mark drawn right after every map (:func:`draw_map`): it says whether the map above
#: it shows exact locations.
_EXACT_MARK = "lm-exact-map"

#: On every page, in every mode: from the moment the briefing switch is turned on in the
#: browser, a map drawn with exact locations is hidden. Streamlit keeps the previous
#: run's elements on screen until the new run reaches them, and the generalised map comes
#: after the page's analyses (measured: the exact map stayed 0.4-1.7 s on a projector);
#: the switch's own state in the page closes that window at once. The map is found by
#: the mark after it, not by a box around it: a map moved into a new box is drawn anew
#: and reports its last click again.
_BRIEFING_GUARD = f"""<style>
body:has(.st-key-{BRIEFING} input:checked)
  .stElementContainer:has(+ .stElementContainer .{_EXACT_MARK}) iframe
{{ visibility: hidden !important; }}
.stElementContainer:has(.lm-map-mark) {{ display: none !important; }}
</style>"""


def briefing_mode() -> bool:
    """Apply briefing styles when the switch is on; returns whether it is on. Maps drawn
    with exact locations are hidden as soon as the switch is turned on (see
    :data:`_BRIEFING_GUARD`)."""
    st.html(_BRIEFING_GUARD)
    if not st.session_state.get(BRIEFING):
        return False
    st.markdown(_BRIEFING_CSS, unsafe_allow_html=True)

    def leave() -> None:
        st.session_state[BRIEFING] = False

    st.button(_("Leave briefing mode"), on_click=leave, key="leave-briefing")
    return True


def uploader_texts(limit_mb: int) -> None:
    """The file uploaders' own texts (Streamlit writes "Upload" and "200MB per file" in
    English whatever the language) in the user's language: drawn over by a style, since
    Streamlit offers no setting for them. Each uploader's label names the files it takes."""
    button = json.dumps(_("Upload"), ensure_ascii=False)
    limit = json.dumps(_("At most {mb} MB per file").format(mb=limit_mb), ensure_ascii=False)
    st.html(f"""<style>
[data-testid="stFileUploaderDropzone"] button p,
[data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0 !important; }}
[data-testid="stFileUploaderDropzone"] button p::after {{ content: {button};
  font-size: 14px; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{ content: {limit};
  font-size: 14px; }}
</style>""")


def map_height() -> int:
    """The map's first height in pixels; in the browser the frame then grows to the bottom
    of the window (see :class:`landmap.maps.base._Frame`)."""
    return 560


def download_row(items: list[tuple[str, Callable[[], bytes], str, str]], key: str) -> None:
    """Download buttons side by side: (label, function making the bytes, file name, MIME).

    The bytes are made only when a button is clicked, not on every rerun.
    """
    for start in range(0, len(items), 4):  # rows of four stay readable
        row = items[start:start + 4]
        for col, (label, data, name, mime) in zip(st.columns(4), row, strict=False):
            col.download_button(label, data, file_name=name, mime=mime, key=f"{key}-{name}",
                                on_click="ignore")


def map_downloads(build: Callable, heading: str, name: str) -> list:
    """Download items for a map: standalone HTML, and PNG for a projector and for A4 print
    (or, where Chromium is missing, nothing but a note saying what to install).

    ``build`` makes the map from data at the download precision (see :func:`release`).
    """
    r = release()
    language_ = lang()
    # the span is the same at any precision: no need to generalise the survey for it
    lines = [r.exact.span_label, precision_label(r.precision.code),
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


def load_progress(place) -> ProgressBar:
    """A ``progress`` callable for a reader: a bar in ``place`` (an ``st.empty()``) with
    the stage, the rows read and the rows per second, once a load has taken two seconds."""
    return ProgressBar(lambda share, line: place.progress(share, text=line), lang())


def picked_rows(key: str, ids) -> list[str]:
    """The distinct ``ids`` of the rows picked in the table drawn under ``key`` (a
    dataframe with ``on_select``), in table order; none if the table has changed since."""
    state = st.session_state.get(key)
    rows = list(getattr(getattr(state, "selection", None), "rows", None) or [])
    ids = list(ids)
    if any(not 0 <= r < len(ids) for r in rows):
        return []
    return list(dict.fromkeys(str(ids[r]) for r in sorted(rows)))


def _play(on: bool) -> None:
    st.session_state[PLAYER_ON] = on


def year_player() -> bool:
    """The button that turns the map pages into the year player, and back.

    Playing, each map page draws one map per year of the selected span (each exactly the
    map the page draws with the slider set to that year, with a circle scale shared by
    all years) and the browser steps through them: see :func:`show_map`. The page's
    title, figures and tables keep the whole span. Returns whether the player is on
    (never for a span of one year). Call it before the page reads the selection.
    """
    first, last = st.session_state[YEARS]
    if first == last:
        return False
    on = bool(st.session_state.get(PLAYER_ON))
    with st.container(horizontal=True, vertical_alignment="center", key="year-player"):
        if on:
            st.button(_("All years"), icon=":material/close:", on_click=_play, args=(False,),
                      key="player-stop", help=_("Back to one map of the whole span"))
        else:
            st.button(_("Play the years"), icon=":material/play_arrow:", on_click=_play,
                      args=(True,), key="player-play",
                      help=_("Shows the years {first}–{last} one after another").format(
                          first=first, last=last))
    return on


#: Height of the flip-book's control bar above the map (pixels).
_PLAYER_BAR = 52


def _mark_map() -> None:
    """The mark the briefing guard reads, right after a map: whether it is exact."""
    shown = _EXACT_MARK if precision().exact else "lm-general-map"
    st.html(f'<span class="lm-map-mark {shown}"></span>')


def draw_map(m: folium.Map, key: str, clicks: bool = False) -> dict | None:
    """Draw a folium map under ``key`` (a :func:`~landmap.app.cache.map_key`), followed by
    the mark of its precision (for the briefing guard). With ``clicks``, returns what the
    map reports (streamlit-folium's last clicked object and place)."""
    out = st_folium(m, key=key, height=map_height(),
                    returned_objects=["last_object_clicked", "last_clicked"] if clicks
                    else [], use_container_width=True)
    _mark_map()
    return out


def show_map(prefix: str, build: Callable[[], folium.Map], *extra,
             clicks: bool = False) -> dict | None:
    """Draw the page's map, or the year player's flip-book while the player is on.

    ``build()`` makes the map of the current selection: it must read the selection and
    its analyses itself (``cache.selection()``, ``cache.compute(...)``), because for the
    flip-book it runs once per year inside :func:`landmap.app.cache.showing`. ``prefix``
    and ``extra`` (the page's own settings) make the map's cache key with the filters.
    The frames are rendered once per selection and language; stepping through them is
    done by the browser alone (:func:`landmap.maps.flipbook_html`).

    With ``clicks``, returns where the map was last clicked (``{"lat", "lng"}``, the
    clicked circle's place where one was hit) or None; the flip-book reports no clicks.
    """
    if not st.session_state.get(PLAYER_ON) or st.session_state[YEARS][0] == \
            st.session_state[YEARS][1]:
        key = map_key(prefix, *extra)
        out = draw_map(built_map(key, build), key, clicks)
        if not clicks or not out:
            return None
        return out.get("last_object_clicked") or out.get("last_clicked")
    first, last = st.session_state[YEARS]
    frames = []
    for i, year in enumerate(range(first, last + 1), 1):
        # a frame already drawn returns at once, before the spinner shows
        with showing(year), st.spinner(_("Drawing the map of {year} ({i} of {n})…").format(
                year=year, i=i, n=last - first + 1)):
            frames.append((str(year), frame_html(map_key(prefix, *extra), build)))
    speed = float(st.session_state.setdefault(PLAYER_SPEED, PLAYER_SPEEDS[0]))
    components.html(flipbook_html(frames, seconds=speed, lang=lang(), min_height=MIN_HEIGHT),
                    height=map_height() + _PLAYER_BAR)
    _mark_map()
    return None

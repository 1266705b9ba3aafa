"""Drawing helpers the pages share: headline metrics, briefing mode, the year player,
map height and download buttons."""

from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st

from landmap.app.cache import release
from landmap.app.precision import precision_label
from landmap.app.state import (
    BRIEFING,
    PLAYER_ON_PAGE,
    PLAYER_RUNNING,
    PLAYER_SPEED,
    PLAYER_YEAR,
    YEARS,
    _,
    lang,
)
from landmap.io.briefing import chromium_path, install_hint, map_png
from landmap.io.exports import html_bytes
from landmap.io.progress import ProgressBar
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


#: Seconds per year the player offers; the first is the default.
PLAYER_SPEEDS = (2.0, 1.0, 4.0, 0.5)
_PLAYED_AT = "_player_stepped_at"


def _step(by: int) -> None:
    first, last = st.session_state[YEARS]
    year = st.session_state.get(PLAYER_YEAR)
    year = first if year is None else year + by
    # the player goes round: after the last year the first again
    st.session_state[PLAYER_YEAR] = first + (year - first) % (last - first + 1)
    st.session_state[_PLAYED_AT] = time.monotonic()


def _play(on: bool) -> None:
    if st.session_state.get(PLAYER_YEAR) is None:
        _step(0)
    st.session_state[PLAYER_RUNNING] = on
    st.session_state[_PLAYED_AT] = time.monotonic()


def _stop() -> None:
    st.session_state[PLAYER_YEAR] = None
    st.session_state[PLAYER_RUNNING] = False


def year_player() -> int | None:
    """Controls that step the map pages through the selected years, one frame per year.

    Play goes round the years at the chosen speed until paused; back and forward step by
    hand; "All years" returns to the whole span. While a year is shown, every page
    draws that year (see :func:`landmap.app.filters.filters`), so each frame is the same
    cached selection a user would get by setting the slider to it. Returns the year shown,
    or None for the whole span. Call it before the page reads the selection.
    """
    st.session_state[PLAYER_ON_PAGE] = True
    first, last = st.session_state[YEARS]
    shown = st.session_state.get(PLAYER_YEAR)
    if first == last or (shown is not None and not first <= shown <= last):
        _stop()
        if first == last:
            return None
        shown = None
    running = bool(st.session_state.get(PLAYER_RUNNING)) and shown is not None
    speed = st.session_state.setdefault(PLAYER_SPEED, PLAYER_SPEEDS[0])
    if shown is not None:
        st.markdown(_PLAYER_CSS, unsafe_allow_html=True)
    with st.container(horizontal=True, vertical_alignment="center", key="year-player"):
        if running:
            st.button(_("Pause"), icon=":material/pause:", on_click=_play, args=(False,),
                      key="player-pause")
        else:
            st.button(_("Play the years") if shown is None else _("Play"),
                      icon=":material/play_arrow:", on_click=_play, args=(True,),
                      key="player-play",
                      help=_("Shows the years {first}–{last} one after another").format(
                          first=first, last=last))
        if shown is not None:
            st.button("", icon=":material/skip_previous:", on_click=_step, args=(-1,),
                      key="player-back", help=_("Previous year"))
            st.button("", icon=":material/skip_next:", on_click=_step, args=(1,),
                      key="player-forward", help=_("Next year"))
            st.button(_("All years"), icon=":material/close:", on_click=_stop,
                      key="player-stop")
            st.selectbox(_("Seconds per year"), sorted(PLAYER_SPEEDS), key=PLAYER_SPEED,
                         width=150, label_visibility="collapsed",
                         format_func=lambda v: _("{s} s per year").format(
                             s=lang().number(v, 1) if v < 1 else lang().number(v)))
            st.markdown(f'<div class="lm-year" aria-live="polite">{int(shown)}</div>',
                        unsafe_allow_html=True)
    if running:
        _tick(float(speed))
    return shown


_PLAYER_CSS = """
<style>
.lm-year { font: 700 2.6rem/1 system-ui, sans-serif; color: #b3202a; padding: 0 .4rem; }
.st-key-year-player { gap: .5rem !important; }
</style>
"""


def _tick(seconds: float) -> None:
    @st.fragment(run_every=seconds)
    def advance() -> None:
        # Runs with the page (nothing to do: the frame was just drawn) and then every
        # ``seconds`` on its own, when it steps on and redraws the page.
        if time.monotonic() - st.session_state.get(_PLAYED_AT, 0) >= seconds * 0.8:
            _step(1)
            st.rerun()

    advance()

"""Drawing helpers the pages share: headline metrics, briefing mode, map height and
download buttons."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from landmap.app.cache import release
from landmap.app.precision import precision_label
from landmap.app.state import BRIEFING, _, lang
from landmap.io.briefing import chromium_path, install_hint, map_png
from landmap.io.exports import html_bytes
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


def picked_rows(key: str, ids) -> list[str]:
    """The distinct ``ids`` of the rows picked in the table drawn under ``key`` (a
    dataframe with ``on_select``), in table order; none if the table has changed since."""
    state = st.session_state.get(key)
    rows = list(getattr(getattr(state, "selection", None), "rows", None) or [])
    ids = list(ids)
    if any(not 0 <= r < len(ids) for r in rows):
        return []
    return list(dict.fromkeys(str(ids[r]) for r in sorted(rows)))

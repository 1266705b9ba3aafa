"""The session's location precision: what the role allows, what the user chose, and
what downloads get."""

from __future__ import annotations

import streamlit as st

from landmap.access import ANALYST
from landmap.app.signin import access, role
from landmap.app.state import BRIEFING, EXACT_DOWNLOADS, PRECISION, _
from landmap.privacy import GRID_KM, Precision


def allowed_precisions() -> list[Precision]:
    """Precisions this session may choose: analysts every one, viewers only grids at least
    as coarse as ``viewer_precision_km``."""
    if role() == ANALYST:
        return [Precision(None), *(Precision(k) for k in GRID_KM)]
    finest = access().viewer_precision_km
    return [Precision(k) for k in GRID_KM if k >= finest]


def default_precision(briefing: bool) -> Precision:
    allowed = allowed_precisions()
    if role() == ANALYST and not briefing:
        return Precision(None)
    return Precision(5) if Precision(5) in allowed else allowed[0]


def precision() -> Precision:
    """The session's location precision; never finer than the role allows."""
    code = st.session_state.get(PRECISION)
    chosen = Precision.parse(code) if code else None
    briefing = bool(st.session_state.get(BRIEFING))
    # a projector is a public place: in briefing mode locations are never exact, whatever
    # a link asked for (the switch generalises them; see briefing_changed)
    if chosen not in allowed_precisions() or (briefing and chosen.exact):
        chosen = default_precision(briefing)
    return chosen


def download_precision() -> Precision:
    """Precision of downloads: generalised (5 km) unless an analyst asked for exact."""
    shown = precision()
    if shown.exact and not st.session_state.get(EXACT_DOWNLOADS):
        return Precision(5)
    return shown


def briefing_changed() -> None:
    # A projector is a public place: going into briefing mode generalises exact locations.
    # (the choice itself, not what briefing mode shows of it: it stays generalised after)
    if st.session_state.get(BRIEFING) and st.session_state.get(PRECISION) == Precision(None).code:
        st.session_state[PRECISION] = default_precision(True).code


def precision_label(code: str) -> str:
    """"Locations exact" or "Locations generalised to 5 km", in this session's language."""
    chosen = Precision.parse(code)
    if chosen.exact:
        return _("Locations exact")
    return _("Locations generalised to {km} km").format(km=chosen.cell_km)

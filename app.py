"""landmap: camera-trap maps of Amur leopards. Start with `python3 tasks.py start`."""

from pathlib import Path

import streamlit as st

from landmap import COLUMN_HEADERS, DataError, Text, problems_frame
from landmap.app import cache, data, filters, signin, state

# A local icon: Material page icons would be fetched from Google's servers.
ICON = Path(__file__).parent / "static" / "landmap-icon.png"
st.set_page_config(page_title="landmap · Amur leopard camera traps", page_icon=str(ICON),
                   layout="wide")


def _reason(error: Exception) -> str:
    # A reader's or source's own words (Text) can be translated; other errors cannot.
    first = error.args[0] if error.args else None
    return first if isinstance(first, Text) else str(error)


signin.sign_in()
try:
    survey = cache.survey()
except DataError as exc:
    found = problems_frame(exc.problems, state.lang())
    found.columns = [state._(COLUMN_HEADERS[c]) for c in found.columns]
    st.error(state._("The camera-trap data ({source}) cannot be used.").format(
        source=data.source_label("")))
    st.dataframe(found, hide_index=True)
    st.stop()
except (FileNotFoundError, LookupError, OSError) as exc:
    st.error(state._("The camera-trap data ({source}) cannot be used.").format(
        source=data.source_label("")) + f"\n\n{state.lang().text(_reason(exc))}")
    st.stop()

filters.sidebar_filters(survey)
_ = state._


def _overview() -> None:
    st.switch_page("pages/overview.py")


page = st.navigation([
    st.Page("pages/overview.py", title=_("Overview"), icon=":material/map:", default=True,
            url_path="home"),
    st.Page("pages/sightings.py", title=_("Sightings"), icon=":material/photo_camera:",
            url_path="sightings"),
    st.Page("pages/home_ranges.py", title=_("Home ranges"),
            icon=":material/radio_button_checked:", url_path="home_ranges"),
    st.Page("pages/trap_density.py", title=_("Trap density"), icon=":material/grid_on:",
            url_path="trap_density"),
    st.Page("pages/cross_border.py", title=_("Cross-border"),
            icon=":material/compare_arrows:", url_path="cross_border"),
    st.Page("pages/individuals.py", title=_("Individuals"), icon=":material/pets:",
            url_path="individuals"),
    st.Page("pages/activity.py", title=_("Activity and species"), icon=":material/schedule:",
            url_path="activity"),
    st.Page("pages/density.py", title=_("Density"), icon=":material/density_medium:",
            url_path="density"),
    st.Page("pages/data.py", title=_("Data"), icon=":material/table:", url_path="data"),
    st.Page("pages/about.py", title=_("About and sources"), icon=":material/info:",
            url_path="about"),
    # the landing page answers at /overview too (a link someone shared); hidden from the
    # navigation so that the Overview is listed once
    st.Page(_overview, title=_("Overview"), url_path="overview", visibility="hidden"),
])
page.run()

"""landmap: camera-trap maps of Amur leopards. Start with `python3 tasks.py start`."""

from pathlib import Path

import streamlit as st

from landmap import ui
from landmap.validate import DataError

# A local icon: Material page icons would be fetched from Google's servers.
ICON = Path(__file__).parent / "static" / "landmap-icon.png"
st.set_page_config(page_title="landmap · Amur leopard camera traps", page_icon=str(ICON),
                   layout="wide")

ui.sign_in()
try:
    survey = ui.survey()
except (DataError, FileNotFoundError, LookupError, OSError) as exc:
    st.error(f"The camera-trap data ({ui.data_source().label}) cannot be used.\n\n{exc}")
    st.stop()

ui.sidebar_filters(survey)
page = st.navigation([
    st.Page("pages/overview.py", title="Overview", icon=":material/map:", default=True),
    st.Page("pages/sightings.py", title="Sightings", icon=":material/photo_camera:"),
    st.Page("pages/home_ranges.py", title="Home ranges", icon=":material/radio_button_checked:"),
    st.Page("pages/trap_density.py", title="Trap density", icon=":material/grid_on:"),
    st.Page("pages/cross_border.py", title="Cross-border", icon=":material/compare_arrows:"),
    st.Page("pages/individuals.py", title="Individuals", icon=":material/pets:"),
    st.Page("pages/data.py", title="Data", icon=":material/table:"),
    st.Page("pages/about.py", title="About and sources", icon=":material/info:"),
])
page.run()

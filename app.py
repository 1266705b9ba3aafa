"""landmap: camera-trap maps of Amur leopards. Start with `python3 tasks.py start`."""

from pathlib import Path

import streamlit as st

from landmap import ui
from landmap.validate import DataError

# A local icon: Material page icons would be fetched from Google's servers.
ICON = Path(__file__).parent / "static" / "landmap-icon.png"
st.set_page_config(page_title="landmap · Amur leopard camera traps", page_icon=str(ICON),
                   layout="wide")

try:
    survey = ui.survey()
except (DataError, FileNotFoundError) as exc:
    st.error(f"The camera-trap data at {ui.data_path()} cannot be used.\n\n{exc}")
    st.stop()

ui.sidebar_filters(survey)
page = st.navigation([
    st.Page("pages/map.py", title="Map", icon=":material/map:", default=True),
    st.Page("pages/about.py", title="About and sources", icon=":material/info:"),
])
page.run()

"""Landing page: where the cameras are and where leopards were photographed."""

import streamlit as st
from streamlit_folium import st_folium

from landmap import ui
from landmap.maps import overview_map

selection, numbers = ui.selection()
first, last = selection.year_span
span = str(first) if first == last else f"{first}–{last}"
st.title(f"Amur leopard camera traps, {span}")
st.caption(f"Data: {selection.metadata.get('title', selection.source)}")
ui.headline_metrics(numbers)
with st.spinner("Drawing the map…"):
    m = overview_map(selection)
st_folium(m, key="overview-map", returned_objects=[], height=640, use_container_width=True)

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
# streamlit-folium keeps the first map drawn under a key and ignores later changes to it,
# so the key carries the selection: a new selection draws a new map, a pan or zoom does not.
st_folium(m, key=ui.map_key("overview"), returned_objects=[], height=640,
          use_container_width=True)

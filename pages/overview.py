"""Overview: headline numbers, a map of the selection and the population year by year."""

import altair as alt
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from landmap import ui
from landmap.border import cross_border_by_year
from landmap.briefing import briefing_pack, build_briefing
from landmap.exports import csv_bytes
from landmap.maps import overview_map
from landmap.population import yearly_population
from landmap.survey import LEOPARD, detections, local_time

briefing = ui.briefing_mode()
selection = ui.selection()
span = selection.span_label
title = f"Amur leopard camera traps, {span}"
st.title(title)
st.caption(f"Data: {selection.metadata.get('title', selection.source)}")
ui.headline_metrics(ui.current_headline(), st.session_state[ui.SPECIES])

with st.spinner("Drawing the map…"):
    m = overview_map(selection, title=title)
st_folium(m, key=ui.map_key("overview"), returned_objects=[], height=ui.map_height(),
          use_container_width=True)

# "New" needs the years before the selection, so the population is counted over all years
# (with the other filters) and then cut to the selected span.
first, last = selection.year_span
population = ui.compute(yearly_population, all_years=True)
population = population[population["year"].between(first, last)]
sides = ui.compute(cross_border_by_year)

left, right = st.columns(2)
with left:
    st.subheader("Leopards photographed per year")
    per_side = pd.DataFrame({
        "year": sides["year"],
        "Russia only": sides["russia"] - sides["both"],
        "China only": sides["china"] - sides["both"],
        "Both sides": sides["both"],
    }).melt("year", var_name="seen in", value_name="individuals")
    st.altair_chart(
        alt.Chart(per_side).mark_bar().encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y("individuals:Q", title="Individuals (minimum count)"),
            color=alt.Color("seen in:N", scale=alt.Scale(
                domain=["Russia only", "China only", "Both sides"],
                range=["#0072B2", "#D55E00", "#CC79A7"])),
            tooltip=["year", "seen in", "individuals"]),
        width="stretch")
with right:
    st.subheader("New individuals and females with cubs")
    births = population.melt("year", ["new_individuals", "females_with_cubs"],
                             var_name="count of", value_name="animals")
    births["count of"] = births["count of"].map({"new_individuals": "New individuals",
                                                 "females_with_cubs": "Females with cubs"})
    st.altair_chart(
        alt.Chart(births).mark_bar().encode(
            x=alt.X("year:O", title="Year"), xOffset="count of:N",
            y=alt.Y("animals:Q", title="Individuals"),
            color=alt.Color("count of:N", scale=alt.Scale(range=["#009E73", "#E69F00"])),
            tooltip=["year", "count of", "animals"]),
        width="stretch")

st.subheader("Detections per month")
species = st.session_state[ui.SPECIES]
obs = detections(selection.observations, species)
local = local_time(obs["eventStart"], obs["eventStart_offset"])
monthly = local.dt.to_period("M").dt.to_timestamp().value_counts().sort_index()
monthly = monthly.rename_axis("month").reset_index(name="detections")
st.altair_chart(
    alt.Chart(monthly).mark_line(point=True, color="#0072B2").encode(
        x=alt.X("month:T", title="Month"), y=alt.Y("detections:Q", title="Detections"),
        tooltip=[alt.Tooltip("month:T", format="%Y-%m"), "detections"]),
    width="stretch")

if not briefing:
    st.caption("All counts are minimum counts: camera traps miss animals."
               + ("" if species == LEOPARD else f" Monthly detections are of {species}."))
    table = population.merge(sides, on="year", how="left")
    safe = ui.for_download()
    release = ui.release()
    chosen = list(st.session_state[ui.INDIVIDUALS])
    pack = [("Briefing pack (PDF)", lambda: briefing_pack(build_briefing(release, title, chosen)),
             f"landmap-briefing-{span}.pdf", "application/pdf")] if ui.chromium_path() else []
    ui.download_row([
        *pack,
        ("Yearly table (CSV)", lambda: csv_bytes(safe(table)), f"landmap-years-{span}.csv",
         "text/csv"),
        *ui.map_downloads(lambda: overview_map(safe(selection), title=title), title,
                          f"landmap-overview-{span}"),
    ], key="overview")

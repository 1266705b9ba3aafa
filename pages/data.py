"""Data: what is loaded, what the reader found, and the tables for download."""

import pandas as pd
import streamlit as st

from landmap import ui
from landmap.exports import camtrapdp_zip, csv_bytes
from landmap.species import species_label

survey = ui.survey()
selection = ui.selection()
st.title("Data")
st.markdown(f"**Source:** `{survey.source}`  \n**Package:** "
            f"{survey.metadata.get('title', survey.metadata.get('name', ''))}")
first, last = survey.year_span
obs = survey.observations
a, b, c, d = st.columns(4)
a.metric("Deployments", f"{len(survey.deployments):,}")
b.metric("Stations", f"{survey.deployments['locationID'].nunique():,}")
c.metric("Observations", f"{len(obs):,}",
         help=f"Counted at {survey.observation_level} level")
d.metric("Years", f"{first}–{last}")

st.subheader("Observations by species")
by_species = (obs.assign(species=obs["scientificName"].replace("", pd.NA)
                         .fillna(obs["observationType"]).map(species_label))
              .groupby("species").agg(records=("observationID", "size"),
                                       animals=("count", "sum"))
              .sort_values("records", ascending=False).reset_index())
st.dataframe(by_species, hide_index=True, width="stretch")

st.subheader("Problems found while reading")
problems = survey.problem_table
if problems.empty:
    st.success("No problems found.")
else:
    st.caption("Nothing was dropped or changed silently: each row says what was done.")
    st.dataframe(problems, hide_index=True, width="stretch",
                 column_config={"row": st.column_config.NumberColumn("Row", format="%d")})

st.subheader("Downloads of the current selection")
safe = ui.for_download()
st.caption(f"Downloads: {safe(selection).precision.label}.")
ui.download_row([
    ("Camtrap DP package (zip)", lambda: camtrapdp_zip(safe(selection)),
     "landmap-camtrap-dp.zip", "application/zip"),
    ("Deployments (CSV)", lambda: csv_bytes(safe(selection.deployments)),
     "landmap-deployments.csv", "text/csv"),
    ("Observations (CSV)", lambda: csv_bytes(safe(selection.observations)),
     "landmap-observations.csv", "text/csv"),
    ("Individuals (CSV)", lambda: csv_bytes(safe(selection.individuals)), "landmap-individuals.csv",
     "text/csv"),
    ("Problems (CSV)", lambda: csv_bytes(safe(survey).problem_table), "landmap-problems.csv",
     "text/csv"),
], key="data")

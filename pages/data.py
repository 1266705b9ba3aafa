"""Data: the sources of this session, loading your own data, what the reader found, downloads."""

import pandas as pd
import streamlit as st

from landmap import ui
from landmap.access import ANALYST
from landmap.exports import camtrapdp_zip, csv_bytes
from landmap.intake import MAX_FILE_MB, open_package, package_from_files
from landmap.layers import LAYER_SUFFIXES, layer_names, read_layer
from landmap.species import species_label
from landmap.tables import (
    DATE_FORMATS,
    FIELD_LABELS,
    guess_columns,
    read_csv_text,
    survey_from_tables,
)
from landmap.validate import DataError, problems_frame

ZONES = ["Asia/Vladivostok", "Asia/Shanghai", "Asia/Harbin", "UTC", "Europe/Moscow"]


def report(title: str, problems: list, failed: bool) -> None:
    """Keep the validation report of the last load for the page to show."""
    st.session_state["_report"] = (title, problems, failed)


def load(title: str, reader) -> None:
    try:
        loaded = reader()
    except DataError as error:
        report(title, error.problems, failed=True)
        return
    ui.add_source(loaded)
    report(title, loaded.problems, failed=False)


survey = ui.survey()
selection = ui.selection()
st.title("Data")
analyst = ui.role() == ANALYST

st.subheader("Data sources")
choices = ui.sources()
current = st.session_state.get(ui.SOURCE, "")
picked = st.radio("Show", choices, index=choices.index(current) if current in choices else 0,
                  format_func=ui.source_label,
                  help="Data you load stay in this browser session; the files on the server "
                       "are never changed.")
if picked != current:
    ui.switch_source(picked)
    st.rerun()
st.markdown(f"**Package:** {survey.metadata.get('title', survey.metadata.get('name', ''))}")
first, last = survey.year_span
obs = survey.observations
a, b, c, d = st.columns(4)
a.metric("Deployments", f"{len(survey.deployments):,}")
b.metric("Stations", f"{survey.deployments['locationID'].nunique():,}")
c.metric("Observations", f"{len(obs):,}", help=f"Counted at {survey.observation_level} level")
d.metric("Years", f"{first}–{last}")

if analyst:
    st.subheader("Load your own data")
    package, tables, layers = st.tabs(["Camtrap DP package", "Spreadsheet tables",
                                       "Boundary layers"])
    with package:
        files = st.file_uploader(
            f"A zip file of the package, or its datapackage.json with the CSV files "
            f"(at most {MAX_FILE_MB} MB each)", type=["zip", "json", "csv"],
            accept_multiple_files=True, key="upload-package")
        if st.button("Load package", disabled=not files, key="load-package"):
            names = ", ".join(f.name for f in files)
            load(names, lambda: package_from_files((f.name, f.getvalue()) for f in files))
        where = st.text_input("…or a folder or zip file on the server", key="package-path",
                              placeholder="/data/camtrap/2024")
        if st.button("Load from the server", disabled=not where, key="load-path"):
            load(where, lambda: open_package(where.strip()))
    with tables:
        st.caption("A stations table (Station, coordinates, Setup_date, Retrieval_date, "
                   "Problem1_from/Problem1_to …) and a records table (Station, date and "
                   "time, Species, Individual), as camtrapR writes them.")
        left, right = st.columns(2)
        stations_file = left.file_uploader("Stations table (CSV)", type=["csv", "txt"],
                                           key="upload-stations")
        records_file = right.file_uploader("Records table (CSV)", type=["csv", "txt"],
                                           key="upload-records")
        try:
            frames = [read_csv_text(f.getvalue(), f.name) if f else None
                      for f in (stations_file, records_file)]
        except DataError as error:
            report("tables", error.problems, failed=True)
            frames = [None, None]
        mapping = {}
        for column, frame, kind in ((left, frames[0], "stations"), (right, frames[1],
                                                                      "records")):
            if frame is None:
                continue
            guess = guess_columns(frame.columns, kind)
            options = ["—", *frame.columns]
            with column:
                st.caption("Which column holds what (our guess is filled in)")
                mapping[kind] = {field: None if (v := st.selectbox(
                    FIELD_LABELS[field], options, key=f"map-{kind}-{field}",
                    index=options.index(guess[field]) if guess[field] else 0)) == "—" else v
                    for field in guess}
        a, b, c = st.columns(3)
        fmt = a.selectbox("Dates are written as", list(DATE_FORMATS), key="date-format")
        zone = b.selectbox("Camera clocks were set to", ZONES, key="time-zone")
        crs = c.text_input("CRS of x/y coordinates (if no lat/lon)", "EPSG:32652",
                           key="xy-crs")
        if st.button("Load tables", disabled=any(f is None for f in frames),
                     key="load-tables"):
            load(f"{stations_file.name} + {records_file.name}", lambda: survey_from_tables(
                frames[0], frames[1], station_columns=mapping["stations"],
                record_columns=mapping["records"], timezone=zone, date_format=DATE_FORMATS[fmt],
                crs=crs, names=(stations_file.name, records_file.name)))
    with layers:
        layer_file = st.file_uploader(
            "GeoJSON, GeoPackage, zipped Shapefile or KML (any CRS; reprojected)",
            type=[s.lstrip(".") for s in LAYER_SUFFIXES], key="upload-layer")
        chosen_layer = None
        if layer_file:
            path = ui.upload_path(layer_file.name, layer_file.getvalue())
            names = layer_names(path) if path.suffix.lower() == ".gpkg" else []
            if len(names) > 1:
                chosen_layer = st.selectbox("Layer", names, key="layer-choice")
            if st.button("Add layer", key="add-layer"):
                try:
                    added = read_layer(path, layer_file.name, chosen_layer)
                except DataError as error:
                    report(layer_file.name, error.problems, failed=True)
                else:
                    ui.add_layer(added.name, added.features)
                    n = len(added.features)
                    report(f"{added.name} ({n} feature{'s' * (n != 1)}, from "
                           f"{added.source_crs})", added.problems, failed=False)
        for name, features in list(ui.user_layers().items()):
            one, two = st.columns([4, 1])
            n = len(features)
            one.write(f"**{name}**: {n} feature{'s' * (n != 1)}, drawn on every map")
            two.button("Remove", key=f"remove-{name}", on_click=ui.remove_layer, args=(name,))

if "_report" in st.session_state:
    title, problems, failed = st.session_state["_report"]
    st.subheader(f"Validation report: {title}")
    if failed:
        st.error(f"{title} was not loaded: {len(problems)} problem(s), each listed below with "
                 "its file, row and field. Fix them in the file and load it again.")
    else:
        st.success(f"{title} loaded" + (f", with {len(problems)} note(s) below." if problems
                                         else "; nothing to report."))
    table = problems_frame(problems)
    if len(table):
        st.dataframe(table, hide_index=True, width="stretch",
                     column_config={"row": st.column_config.NumberColumn("Row", format="%d")})
        st.download_button("Report (CSV)", csv_bytes(table), "landmap-validation-report.csv",
                           "text/csv", key="report-csv", on_click="ignore")

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
    ("Individuals (CSV)", lambda: csv_bytes(safe(selection.individuals)),
     "landmap-individuals.csv", "text/csv"),
    ("Problems (CSV)", lambda: csv_bytes(safe(survey).problem_table), "landmap-problems.csv",
     "text/csv"),
], key="data")

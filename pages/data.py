"""Data: the sources of this session, loading your own data, what the reader found, downloads."""

import logging

import streamlit as st

from landmap import (
    COLUMN_HEADERS,
    DataError,
    Text,
    camtrapdp_zip,
    csv_bytes,
    file_problems,
    media_counts,
    problems_frame,
    read_layer,
    species_label,
    survey_from_tables,
)
from landmap.app import cache, data, photos, precision, signin, state, widgets
from landmap.app.state import _, ngettext
from landmap.io import (
    DATE_FORMATS,
    FIELD_LABELS,
    LAYER_SUFFIXES,
    MAX_FILE_MB,
    PROBLEM_COLUMNS,
    Problem,
    guess_columns,
    layer_names,
    package_from_files,
    read_csv_text,
)

ZONES = ["Asia/Vladivostok", "Asia/Shanghai", "Asia/Harbin", "UTC", "Europe/Moscow"]


def problem_columns() -> dict:
    """Headers of a problem table in the session's language (as its CSV download has them)."""
    headers = {c: _(COLUMN_HEADERS[c]) for c in PROBLEM_COLUMNS}
    return headers | {"row": st.column_config.NumberColumn(headers["row"], format="%d")}


def report(title: str, problems: list, failed: bool) -> None:
    """Keep the validation report of the last load for the page to show."""
    st.session_state["_report"] = (title, problems, failed)


def load(title: str, reader) -> None:
    """Load with ``reader(progress)``; a load that takes a while shows a progress bar."""
    bar = st.empty()
    try:
        loaded = reader(widgets.load_progress(bar))
    except DataError as error:
        report(title, error.problems, failed=True)
        return
    except Exception:  # a reader's own fault: the log gets the traceback, the page a line
        logging.getLogger("landmap").exception("loading %s failed", title)
        report(title, [Problem(title, None, None, None, "refused",
                               Text("could not be read (an error in landmap; the server log "
                                    "has the details)"))], failed=True)
        return
    finally:
        bar.empty()
    data.add_source(loaded)
    report(title, loaded.problems, failed=False)
    # Run the whole page again: the sidebar and the numbers above were drawn from the
    # previous data (its filters are gone now).
    st.rerun()


survey = cache.survey()
selection = cache.selection()
st.title(_("Data"))
n = state.lang().number
analyst = signin.is_analyst()

st.subheader(_("Data sources"))
choices = data.sources()
current = st.session_state.get(state.SOURCE, "")
picked = st.radio(_("Show"), choices,
                  index=choices.index(current) if current in choices else 0,
                  format_func=data.source_label,
                  help=_("Data you load stay in this browser session; the files on the server "
                         "are never changed."))
if picked != current:
    data.switch_source(picked)
    st.rerun()
st.markdown(_("**Package:** {title}").format(
    title=survey.metadata.get("title", survey.metadata.get("name", ""))))
first, last = survey.year_span
obs = survey.observations
a, b, c, d = st.columns(4)
levels = {"event": _("event"), "media": _("media")}
a.metric(_("Deployments"), n(len(survey.deployments)))
b.metric(_("Stations"), n(survey.deployments["locationID"].nunique()))
c.metric(_("Observations"), n(len(obs)), help=_("Counted at {level} level").format(
    level=levels.get(survey.observation_level, survey.observation_level)))
d.metric(_("Years"), f"{first}–{last}")
kept = survey.kept
if not kept.empty:
    st.caption(_("Kept for the export, not counted: {media} media, {other} observations at "
                 "{level} level, {files} other resources of the package.").format(
        media=n(len(kept.media)), other=n(len(kept.observations)),
        level=levels["media" if survey.observation_level == "event" else "event"],
        files=n(len(kept.files))))

if analyst:
    st.subheader(_("Load your own data"))
    widgets.uploader_texts(MAX_FILE_MB)
    package, tables, layers = st.tabs([_("Camtrap DP package"), _("Spreadsheet tables"),
                                       _("Boundary layers")])
    with package:
        files = st.file_uploader(
            _("A zip file of the package, or its datapackage.json with the CSV files "
              "(at most {mb} MB each)").format(mb=MAX_FILE_MB), type=["zip", "json", "csv"],
            accept_multiple_files=True, key="upload-package")
        if st.button(_("Load package"), disabled=not files, key="load-package"):
            names = ", ".join(f.name for f in files)
            load(names, lambda progress: package_from_files(
                ((f.name, f.getvalue()) for f in files), progress=progress))
        where = st.text_input(_("…or a folder or zip file on the server"), key="package-path",
                              placeholder="/data/camtrap/2024")
        if st.button(_("Load from the server"), disabled=not where, key="load-path"):
            load(where, lambda progress: data.server_package(where.strip(), progress))
    with tables:
        st.caption(_("A stations table (Station, coordinates, Setup_date, Retrieval_date, "
                     "Problem1_from/Problem1_to …) and a records table (Station, date and "
                     "time, Species, Individual), as camtrapR writes them."))
        left, right = st.columns(2)
        stations_file = left.file_uploader(_("Stations table (CSV)"), type=["csv", "txt"],
                                           key="upload-stations")
        records_file = right.file_uploader(_("Records table (CSV)"), type=["csv", "txt"],
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
                st.caption(_("Which column holds what (our guess is filled in)"))
                mapping[kind] = {field: None if (v := st.selectbox(
                    _(FIELD_LABELS[field]), options, key=f"map-{kind}-{field}",
                    index=options.index(guess[field]) if guess[field] else 0)) == "—" else v
                    for field in guess}
        a, b, c = st.columns(3)
        fmt = a.selectbox(_("Dates are written as"), list(DATE_FORMATS), key="date-format",
                          format_func=_)
        zone = b.selectbox(_("Camera clocks were set to"), ZONES, key="time-zone")
        crs = c.text_input(_("CRS of x/y coordinates (if no lat/lon)"), "EPSG:32652",
                           key="xy-crs")
        if st.button(_("Load tables"), disabled=any(f is None for f in frames),
                     key="load-tables"):
            load(f"{stations_file.name} + {records_file.name}", lambda _: survey_from_tables(
                frames[0], frames[1], station_columns=mapping["stations"],
                record_columns=mapping["records"], timezone=zone, date_format=DATE_FORMATS[fmt],
                crs=crs, names=(stations_file.name, records_file.name)))
    with layers:
        layer_file = st.file_uploader(
            _("GeoJSON, GeoPackage, zipped Shapefile or KML (any CRS; reprojected)"),
            type=[s.lstrip(".") for s in LAYER_SUFFIXES], key="upload-layer")
        chosen_layer = None
        if layer_file:
            path = data.upload_path(layer_file.name, layer_file.getvalue())
            names = layer_names(path) if path.suffix.lower() == ".gpkg" else []
            if len(names) > 1:
                chosen_layer = st.selectbox(_("Layer"), names, key="layer-choice")
            if st.button(_("Add layer"), key="add-layer"):
                try:
                    added = read_layer(path, layer_file.name, chosen_layer)
                except DataError as error:
                    report(layer_file.name, error.problems, failed=True)
                else:
                    data.add_layer(added.name, added.features)
                    count = len(added.features)
                    report(ngettext("{name} ({n} feature, from {crs})",
                                    "{name} ({n} features, from {crs})", count).format(
                        name=added.name, n=count, crs=added.source_crs), added.problems,
                        failed=False)
        for name, features in list(data.user_layers().items()):
            one, two = st.columns([4, 1])
            one.write(ngettext("**{name}**: {n} feature, drawn on every map",
                               "**{name}**: {n} features, drawn on every map",
                               len(features)).format(name=name, n=len(features)))
            two.button(_("Remove"), key=f"remove-{name}", on_click=data.remove_layer,
                       args=(name,))

if "_report" in st.session_state:
    title, problems, failed = st.session_state["_report"]
    st.subheader(_("Validation report: {title}").format(title=title))
    if failed:
        st.error(ngettext(
            "{title} was not loaded: {n} problem, listed below with its file, row and field. "
            "Fix it in the file and load it again.",
            "{title} was not loaded: {n} problems, each listed below with its file, row and "
            "field. Fix them in the file and load it again.", len(problems)).format(
            title=title, n=len(problems)))
    else:
        st.success(_("{title} loaded").format(title=title) + (
            ngettext(", with {n} note below.", ", with {n} notes below.", len(problems))
            .format(n=len(problems)) if problems else _("; nothing to report.")))
    table = problems_frame(problems, state.lang())
    if len(table):
        st.dataframe(table, hide_index=True, width="stretch", column_config=problem_columns())
        st.download_button(_("Report (CSV)"), csv_bytes(table, state.lang()),
                           "landmap-validation-report.csv", "text/csv", key="report-csv",
                           on_click="ignore")

st.subheader(_("Observations by species"))
# counted by name and type first: the labels are then made for a few rows, not each one
pairs = (obs.groupby(["scientificName", "observationType"], observed=True, dropna=False)
         .agg(records=("observationID", "size"), animals=("count", "sum")).reset_index())
named = pairs["scientificName"].astype("str").fillna("")
by_species = (pairs.assign(species=named.where(named != "", pairs["observationType"].astype("str"))
                           .map(lambda name: species_label(name, _)))
              .groupby("species").agg(records=("records", "sum"), animals=("animals", "sum"))
              .sort_values("records", ascending=False).reset_index())
st.dataframe(by_species, hide_index=True, width="stretch",
             column_config={"species": _("Species"), "records": _("Records"),
                            "animals": _("Animals")})

st.subheader(_("Photos and videos"))
files = photos.package_media()
if files.empty:
    st.caption(_("This package lists no photos or videos (no media.csv, or an empty one)."))
else:
    kinds = {"image": _("photos"), "video": _("videos"), "audio": _("sound recordings"),
             "other": _("other files")}
    st.dataframe(media_counts(files).assign(kind=lambda t: t["kind"].map(kinds)),
                 hide_index=True, width="stretch",
                 column_config={"kind": _("Kind"), "files": _("Files"), "public": _("Public"),
                                "favourites": _("Favourites"),
                                "remote": _("On another server"),
                                "in_package": _("In the package"),
                                "not_usable": _("Missing or outside the package")})
    if analyst:
        checked = st.session_state.get("_pictures_checked", {}).get(data.data_key(survey))
        if st.button(_("Open every picture to check it"), key="check-pictures",
                     help=_("Reads each photo in the package once (thumbnails are kept for "
                            "the galleries); lists those that are corrupt, cut short or "
                            "too large")):
            bar = st.progress(0.0)
            checked = photos.check_pictures(files, lambda done, total: bar.progress(
                done / total, _("Checking the pictures: {done} of {total}").format(
                    done=state.lang().number(done), total=state.lang().number(total))))
            bar.empty()
            st.session_state["_pictures_checked"] = {data.data_key(survey): checked}
        bad = file_problems(files, checked)
        if bad.empty:
            st.caption(_("Every file in the package can be shown.") if checked is not None
                       else _("Every local file is in the package; open them to check that "
                              "each one can be read."))
        else:
            st.dataframe(bad.assign(reason=[state.lang().text(r) for r in bad["reason"]]),
                         hide_index=True, width="stretch",
                         column_config={"row": _("Row"), "mediaID": _("Media"),
                                        "filePath": _("File"), "reason": _("Problem")})

st.subheader(_("Problems found while reading"))
problems = problems_frame(survey.problems, state.lang())
if problems.empty:
    st.success(_("No problems found."))
else:
    st.caption(_("Nothing was dropped or changed silently: each row says what was done."))
    st.dataframe(problems, hide_index=True, width="stretch", column_config=problem_columns())

st.subheader(_("Downloads of the current selection"))
safe = cache.for_download()
lang = state.lang()
st.caption(_("Downloads: {precision}.").format(
    precision=precision.precision_label(precision.download_precision().code).lower()))
widgets.download_row([
    (_("Camtrap DP package (zip)"), lambda: camtrapdp_zip(safe(selection)),
     "landmap-camtrap-dp.zip", "application/zip"),
    (_("Deployments (CSV)"), lambda: csv_bytes(safe(selection.deployments)),
     "landmap-deployments.csv", "text/csv"),
    (_("Observations (CSV)"), lambda: csv_bytes(safe(selection.observations)),
     "landmap-observations.csv", "text/csv"),
    (_("Individuals (CSV)"), lambda: csv_bytes(safe(selection.individuals)),
     "landmap-individuals.csv", "text/csv"),
    (_("Problems (CSV)"), lambda: csv_bytes(problems_frame(safe(survey).problems, lang), lang),
     "landmap-problems.csv", "text/csv"),
], key="data")

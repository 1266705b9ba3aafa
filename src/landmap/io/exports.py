"""Files users download: CSV tables, GeoJSON and GeoPackage layers, standalone HTML maps."""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import folium
import geopandas as gpd
import pandas as pd
import shapely

from landmap._arrow import value_counts
from landmap.i18n import N_, Language
from landmap.io.camtrapdp import format_timestamps, write_camtrapdp
from landmap.maps.offline import standalone_html
from landmap.privacy import METADATA_KEY

__all__ = ["COLUMN_HEADERS", "camtrapdp_zip", "csv_bytes", "geojson_bytes", "gpkg_bytes",
           "html_bytes"]

#: Headers of the analysis tables' columns in a CSV written for a reader of Russian or
#: Chinese (English files keep the field names, which scripts and the README use).
#: Camtrap DP tables (deployments, observations, individuals) keep the standard's terms in
#: every language: they are an exchange format, not a report.
COLUMN_HEADERS = {
    # people and places
    "individualID": N_("Individual"), "year": N_("Year"), "locationID": N_("Station"),
    "country": N_("Country"), "eventStart": N_("Date and time"), "status": N_("Seen in"),
    # yearly population
    "individuals": N_("Individuals"), "females": N_("Females"), "males": N_("Males"),
    "adults": N_("Adults"), "subadults": N_("Subadults"),
    "new_individuals": N_("New individuals"), "last_seen": N_("Last seen"),
    "females_with_cubs": N_("Females with cubs"), "cubs": N_("Cubs"),
    "sex_ratio_m_per_f": N_("Males per female"), "russia": N_("Seen in Russia"),
    "china": N_("Seen in China"), "both": N_("Seen on both sides"),
    "share_both": N_("Share on both sides"), "russia_only": N_("Russia only"),
    "china_only": N_("China only"),
    # home ranges
    "year_from": N_("From"), "year_to": N_("To"), "method": N_("Method"),
    "level": N_("Level (%)"), "n_locations": N_("Detections"), "n_stations": N_("Stations"),
    "bandwidth_m": N_("Bandwidth (m)"), "area_km2": N_("Area (km²)"), "note": N_("Why"),
    # effort grid
    "cell_id": N_("Cell"), "stations": N_("Stations"), "trap_nights": N_("Trap-nights"),
    "effort_unit": N_("Trap-nights counted as"),
    "stations_per_100km2": N_("Stations per 100 km²"), "detections": N_("Detections"),
    "detection_rate": N_("Independent detections per 100 trap-nights"),
    # cross-border
    "crossings": N_("Crossings (min.)"), "detections_rus": N_("Detections RU"),
    "detections_chn": N_("Detections CN"), "stations_rus": N_("Stations RU"),
    "stations_chn": N_("Stations CN"), "first_rus": N_("First seen RU"),
    "last_rus": N_("Last seen RU"), "first_chn": N_("First seen CN"),
    "last_chn": N_("Last seen CN"), "kde95_share_rus": N_("KDE 95 % in RU"),
    "kde95_share_chn": N_("KDE 95 % in CN"), "mcp_share_rus": N_("MCP in RU"),
    "mcp_share_chn": N_("MCP in CN"),
    # problem reports
    "file": N_("File"), "row": N_("Row"), "field": N_("Field"), "value": N_("Value"),
    "action": N_("What was done"), "message": N_("Problem"),
    METADATA_KEY: N_("Location precision"),
}

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns
            if pd.api.types.is_object_dtype(frame[c]) or pd.api.types.is_string_dtype(frame[c])]


def _defuse(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in _text_columns(out):
        text = out[column].astype("string")
        risky = text.str.startswith(_FORMULA_START).fillna(False)
        out[column] = text.where(~risky, "'" + text)
    return out


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Datetimes as ISO text: in the camera's local time where a ``<column>_offset``
    column holds its UTC offset (as the Camtrap DP files had them), else in UTC."""
    out = frame.copy()
    for column in list(out.columns):
        if column not in out or not isinstance(out[column].dtype, pd.DatetimeTZDtype):
            continue  # (an offset column already folded into its timestamp)
        offset = f"{column}_offset"
        if offset in out:
            out[column] = format_timestamps(out[column], out[offset])
            out = out.drop(columns=offset)
        else:
            out[column] = out[column].dt.strftime("%Y-%m-%dT%H:%M:%S%z").str.replace(
                r"(\d\d)(\d\d)$", r"\1:\2", regex=True)
    return out


def _stated(frame: pd.DataFrame, lang: Language | None = None) -> pd.DataFrame:
    """The frame with its location precision (set by :func:`landmap.privacy.protect`) as a
    ``location_precision`` column, so the statement travels with every record."""
    label = frame.attrs.get(METADATA_KEY)
    if not label:
        return frame
    return frame.assign(**{METADATA_KEY: lang.text(label) if lang else str(label)})


def csv_bytes(frame: pd.DataFrame, lang: Language | None = None) -> bytes:
    """A table as UTF-8 CSV; text cells that a spreadsheet would run as a formula are quoted.

    With a ``lang`` other than English, the headers of :data:`COLUMN_HEADERS` and the
    location-precision statement are written in that language (the values are not).

    Timestamps are written in the camera's local time with their offset where the table
    carries it (``eventStart`` + ``eventStart_offset``), as in the Camtrap DP files. A
    table with coordinates that went through :func:`landmap.privacy.protect` gets a
    ``location_precision`` column.

    Examples
    --------
    >>> csv_bytes(pd.DataFrame({"id": ["Leo 1F", "=HYPERLINK(1)"], "n": [-2, 3]})).decode()
    "id,n\\nLeo 1F,-2\\n'=HYPERLINK(1),3\\n"
    >>> from landmap.i18n import language
    >>> csv_bytes(pd.DataFrame({"individualID": ["Leo 1F"], "area_km2": [12.5]}),
    ...           language("ru")).decode()
    'Особь,Площадь (км²)\\nLeo 1F,12.5\\n'
    """
    if {"latitude", "longitude"} <= set(frame.columns):
        frame = _stated(frame, lang)
    frame = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    out = _defuse(_plain(frame))
    if lang is not None and lang.code != "en":
        out = out.rename(columns={c: lang.gettext(COLUMN_HEADERS[c]) for c in out.columns
                                  if c in COLUMN_HEADERS})
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8")


def geojson_bytes(frame: gpd.GeoDataFrame) -> bytes:
    """A layer as GeoJSON in EPSG:4326 (the only CRS GeoJSON allows, RFC 7946).

    Each feature states the layer's location precision (``location_precision``) where the
    layer went through :func:`landmap.privacy.protect`. Geometries are valid in WGS 84 as
    written (rounded to about a metre, then repaired where the rounding or the reprojection
    made rings touch) and polygons follow RFC 7946's winding: exterior rings
    counter-clockwise, holes clockwise.

    Examples
    --------
    >>> import shapely
    >>> g = gpd.GeoDataFrame({"id": ["a"]}, geometry=[shapely.Point(500000, 4770000)],
    ...                      crs="EPSG:32652")
    >>> import json
    >>> json.loads(geojson_bytes(g))["features"][0]["geometry"]["coordinates"]
    [129.0, 43.08271]
    """
    out = _defuse(_plain(_stated(frame).to_crs("EPSG:4326")))
    # 1e-5 degrees is about a metre: finer digits only add bytes. Snapping to that grid
    # with a valid result keeps the rings of grid-cell ranges from touching at a corner
    # once reprojected (GIS software refuses such polygons).
    geometry = shapely.make_valid(out.geometry.to_numpy(), method="structure",
                                  keep_collapsed=False)
    geometry = shapely.set_precision(geometry, 1e-5, mode="valid_output")
    out["geometry"] = shapely.orient_polygons(geometry, exterior_cw=False)
    return gpd.GeoDataFrame(out, geometry="geometry", crs="EPSG:4326").to_json(
        drop_id=True, ensure_ascii=False).encode("utf-8")


def gpkg_bytes(frame: gpd.GeoDataFrame, layer: str) -> bytes:
    """A layer as a GeoPackage file, keeping the frame's own CRS (UTM 52N for analyses).

    Each feature states the layer's location precision (``location_precision``) where the
    layer went through :func:`landmap.privacy.protect`.

    Examples
    --------
    >>> import shapely
    >>> g = gpd.GeoDataFrame({"id": ["a"]}, geometry=[shapely.Point(1, 2)], crs="EPSG:32652")
    >>> gpkg_bytes(g, "test")[:16]
    b'SQLite format 3\\x00'
    """
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{layer}.gpkg"
        _plain(_stated(frame)).to_file(path, layer=layer, driver="GPKG")
        return path.read_bytes()


def html_bytes(m: folium.Map, title: str) -> bytes:
    """A map as one HTML file that opens with no network (see :mod:`landmap.maps.offline`)."""
    return standalone_html(m, title=title).encode("utf-8")


def _descriptor(survey) -> dict:
    """The source's descriptor, completed from the data where the standard requires a
    property the source lacks (a survey read from spreadsheet tables has almost none)."""
    meta = {k: v for k, v in survey.metadata.items() if k not in ("resources", "profile")}
    d, obs = survey.deployments, survey.observations
    meta.setdefault("created", pd.Timestamp.now("UTC").strftime("%Y-%m-%dT%H:%M:%SZ"))
    meta.setdefault("contributors", [{"title": "exported with landmap", "role": "publisher"}])
    project = dict(meta.get("project") or {})
    project.setdefault("title", meta.get("title", "camera-trap survey"))
    project.setdefault("samplingDesign", "opportunistic")
    project.setdefault("captureMethod", ["activityDetection"])
    project.setdefault("individualAnimals", bool((obs["individualID"] != "").any()))
    project.setdefault("observationLevel", [survey.observation_level])
    meta["project"] = project
    if "spatial" not in meta and len(d):
        meta["spatial"] = shapely.geometry.mapping(shapely.box(*d.total_bounds))
    if len(d):
        first, last = d["deploymentStart"].min(), d["deploymentEnd"].max()
        meta.setdefault("temporal", {"start": f"{first:%Y-%m-%d}", "end": f"{last:%Y-%m-%d}"})
    names = sorted(set(obs["scientificName"]) - {""})
    meta.setdefault("taxonomic", [{"scientificName": n} for n in names])
    return meta


def camtrapdp_zip(survey, media_files: bool = False) -> bytes:
    """A survey (or a selection of one) as a zipped Camtrap DP 1.0 package.

    Timestamps keep each camera's UTC offset; the descriptor keeps the source's metadata
    (completed where the standard requires a property the source lacks, see
    :func:`landmap.io.conformance.check_package`) and states the location precision
    (``coordinatePrecision`` and ``location_precision``) of a survey that went through
    :func:`landmap.privacy.protect`.

    Nothing the source held is lost: the observations of the level landmap does not
    count, the media table, extra columns and the resources landmap does not read are
    written back (the rows of the selection; other programmes' own resources byte for
    byte). With generalised locations, the media's EXIF data (which may hold the camera's
    GPS position) are emptied, media not marked public are left out, and resources with
    coordinate columns are withheld. The descriptor's ``landmap`` property says what was
    written: the selection, the rows of each table, and what was withheld.

    With ``media_files``, the pictures of the media rows written go into the zip at their
    ``filePath``, each re-encoded without metadata (:func:`landmap.io.images.clean_image`:
    no EXIF GPS, serial number or clock); with generalised locations only those a viewer
    may see (:func:`landmap.media.viewable`). Remote files are not fetched, and videos
    and sound (whose metadata landmap cannot strip) stay out; the descriptor counts what
    was left out.

    Examples
    --------
    >>> import io
    >>> from landmap.demo import load_demo
    >>> s = load_demo().filter(years=(2015, 2015), individuals=["Leo 16F"])
    >>> sorted(zipfile.ZipFile(io.BytesIO(camtrapdp_zip(s))).namelist())
    ['datapackage.json', 'deployments.csv', 'individuals.csv', 'media.csv', 'observations.csv', \
'simulation_summary.csv']
    """
    # landmap's own columns (country, effort_end) are not part of the exchange format
    computed = ["geometry", "country", "effort_end"]
    deployments = _plain(pd.DataFrame(survey.deployments.drop(columns=computed,
                                                              errors="ignore")))
    if "timestampIssues" in deployments:
        deployments["timestampIssues"] = deployments["timestampIssues"].map(
            {True: "true", False: "false"})
    kept = survey.kept
    observations = survey.observations
    if len(kept.observations):
        observations = pd.concat([observations, kept.observations], ignore_index=True)
    observations = _plain(observations.drop(columns="local_offset", errors="ignore"))
    media = (kept.media.drop(columns=["timestamp_utc", "timestamp_offset"], errors="ignore")
             if len(kept.media.columns) else None)
    withheld = []
    generalised = not survey.precision.exact
    if generalised and media is not None:
        media, observations, note = _public_media(media, observations)
        withheld += note
    carried, files = _carried(survey, generalised, withheld)
    written_media = {}
    if media_files and media is not None:
        written_media = _media_files(survey, media, generalised, withheld)
        files = {**files, **written_media}
    metadata = _descriptor(survey)
    levels = set(observations["observationLevel"])
    if len(levels) > 1 and set(metadata["project"].get("observationLevel") or []) != levels:
        metadata["project"] = {**metadata["project"], "observationLevel": sorted(levels)}
    metadata["landmap"] = {
        "selection": _selection(survey),
        "rows": {"deployments": len(deployments),
                 "observations": {level: int(n) for level, n in
                                  value_counts(observations["observationLevel"]).items()},
                 "media": 0 if media is None else len(media)},
        "carried unchanged": sorted(set(files) - set(written_media)),
        "media files": len(written_media),
        "withheld": withheld,
    }
    # no empty individuals table of landmap's own: none where the source had none, and
    # the source's own "individuals" resource (carried above) where it had one
    individuals = None if survey.individuals.empty else survey.individuals
    with tempfile.TemporaryDirectory() as folder:
        write_camtrapdp(folder, deployments, observations, metadata, individuals,
                        media=media, carried=carried, files=files)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(folder).rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


# Column names that hold a position: a carried resource with one is withheld from an
# export with generalised locations (landmap cannot coarsen a table it does not know).
_POSITION = re.compile(r"^(lat|lon|lng|latitude|longitude|x|y|easting|northing|utm.*|"
                       r"coordinates?|geometry|geom|wkt|geojson|location)$", re.IGNORECASE)
_OWN_FILES = {"deployments.csv", "observations.csv", "media.csv", "individuals.csv",
              "datapackage.json"}


def _carried(survey, generalised: bool, withheld: list[str]) -> tuple[list[dict],
                                                                      dict[str, bytes]]:
    """The source's resources landmap does not read, with their files."""
    entries, files = [], {}
    for entry in survey.metadata.get("resources", []) or []:
        if not isinstance(entry, dict):
            continue
        name, path = entry.get("name"), entry.get("path")
        if name in ("deployments", "observations", "media"):
            continue
        if name == "individuals" and isinstance(path, str | list):
            continue  # read by landmap and written from survey.individuals
        path = path[0] if isinstance(path, list) and path else path
        content = survey.kept.files.get(path) if isinstance(path, str) else None
        if isinstance(path, str) and (content is None or path in _OWN_FILES):
            continue
        if generalised and _has_positions(entry, content):
            withheld.append(f"resource {name!r}: it has coordinate columns")
            continue
        entries.append(entry)
        if content is not None:
            files[path] = content
    return entries, files


def _has_positions(entry: dict, content: bytes | None) -> bool:
    names: set[str] = set()
    schema = entry.get("schema")
    if isinstance(schema, dict):
        names |= {f.get("name", "") for f in schema.get("fields", []) if isinstance(f, dict)}
    data = entry.get("data")
    if isinstance(data, list):
        names |= {k for row in data if isinstance(row, dict) for k in row}
    if content is not None:
        first = content.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
        names |= {n.strip().strip('"') for n in first.split(",")}
    return any(_POSITION.match(str(n)) for n in names)


def _public_media(media: pd.DataFrame, observations: pd.DataFrame):
    """Media as they may leave with generalised locations: public ones only, without
    EXIF data (a photograph's EXIF may hold the camera's GPS position)."""
    note = []
    public = media["filePublic"].str.strip().str.lower().isin(["true", "1", "yes"])
    if (~public).any():
        hidden = set(media.loc[~public, "mediaID"])
        media = media[public.to_numpy()]
        if "mediaID" in observations:
            pointing = observations["mediaID"].isin(hidden).to_numpy()
            observations = observations[~pointing]
            note.append(f"{int(pointing.sum())} media-level observations of media not "
                        "marked public")
        note.append(f"{len(hidden)} media not marked public (filePublic)")
    if "exifData" in media and (media["exifData"] != "").any():
        media = media.assign(exifData="")
        note.append("the media's EXIF data (exifData)")
    return media, observations, note


def _media_files(survey, media: pd.DataFrame, generalised: bool, withheld: list[str]
                 ) -> dict[str, bytes]:
    """The pictures of the media rows written, re-encoded without metadata, by their
    path in the package."""
    from landmap.io.images import ImageProblem, clean_image
    from landmap.media import media_table, viewable

    table = media_table(survey)
    table = table[table["mediaID"].isin(media["mediaID"].astype(str))]
    if generalised:
        hidden = len(table)
        table = viewable(table, "viewer")
        if hidden - len(table):
            withheld.append(f"{hidden - len(table)} media files a viewer may not see "
                            "(not public, remote, or with people)")
    out, skipped, unreadable = {}, 0, 0
    for row in table[table["file"].notna()].itertuples(index=False):
        if row.kind != "image":
            skipped += 1
            continue
        try:
            out[PurePosixPath(row.filePath.replace("\\", "/")).as_posix()] = clean_image(row.file)
        except ImageProblem:
            unreadable += 1
    if skipped:
        withheld.append(f"{skipped} video or sound files (their metadata cannot be stripped)")
    if unreadable:
        withheld.append(f"{unreadable} media files that cannot be read as pictures")
    return out


def _selection(survey) -> dict:
    """The selection an export holds, in the descriptor's words."""
    out = {"years": list(survey.years) if survey.years else "all",
           "location_precision": str(survey.precision.label)}
    return out

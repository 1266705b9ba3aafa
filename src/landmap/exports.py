"""Files users download: CSV tables, GeoJSON and GeoPackage layers, standalone HTML maps."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import shapely

from landmap.camtrapdp import format_timestamps, write_camtrapdp
from landmap.offline import standalone_html
from landmap.privacy import METADATA_KEY

__all__ = ["camtrapdp_zip", "csv_bytes", "geojson_bytes", "gpkg_bytes", "html_bytes"]

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


def _stated(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its location precision (set by :func:`landmap.privacy.protect`) as a
    ``location_precision`` column, so the statement travels with every record."""
    label = frame.attrs.get(METADATA_KEY)
    if not label:
        return frame
    return frame.assign(**{METADATA_KEY: label})


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV; text cells that a spreadsheet would run as a formula are quoted.

    Timestamps are written in the camera's local time with their offset where the table
    carries it (``eventStart`` + ``eventStart_offset``), as in the Camtrap DP files. A
    table with coordinates that went through :func:`landmap.privacy.protect` gets a
    ``location_precision`` column.

    Examples
    --------
    >>> csv_bytes(pd.DataFrame({"id": ["Leo 1F", "=HYPERLINK(1)"], "n": [-2, 3]})).decode()
    "id,n\\nLeo 1F,-2\\n'=HYPERLINK(1),3\\n"
    """
    if {"latitude", "longitude"} <= set(frame.columns):
        frame = _stated(frame)
    frame = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    return _defuse(_plain(frame)).to_csv(index=False, lineterminator="\n").encode("utf-8")


def geojson_bytes(frame: gpd.GeoDataFrame) -> bytes:
    """A layer as GeoJSON in EPSG:4326 (the only CRS GeoJSON allows, RFC 7946).

    Each feature states the layer's location precision (``location_precision``) where the
    layer went through :func:`landmap.privacy.protect`.

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
    # 1e-5 degrees is about a metre: finer digits only add bytes.
    out["geometry"] = shapely.set_precision(out.geometry.to_numpy(), 1e-5, mode="pointwise")
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
    """A map as one HTML file that opens with no network (see :mod:`landmap.offline`)."""
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


def camtrapdp_zip(survey) -> bytes:
    """A survey (or a selection of one) as a zipped Camtrap DP 1.0 package.

    Timestamps keep each camera's UTC offset; the descriptor keeps the source's metadata
    (completed where the standard requires a property the source lacks, see
    :func:`landmap.conformance.check_package`) and states the location precision
    (``coordinatePrecision`` and ``location_precision``) of a survey that went through
    :func:`landmap.privacy.protect`. landmap reads no media files, so the media table is
    written empty.

    Examples
    --------
    >>> import io
    >>> from landmap.demo import load_demo
    >>> s = load_demo().filter(years=(2015, 2015), individuals=["Leo 16F"])
    >>> sorted(zipfile.ZipFile(io.BytesIO(camtrapdp_zip(s))).namelist())
    ['datapackage.json', 'deployments.csv', 'individuals.csv', 'media.csv', 'observations.csv']
    """
    deployments = _plain(pd.DataFrame(survey.deployments.drop(columns=["geometry", "country"],
                                                              errors="ignore")))
    if "timestampIssues" in deployments:
        deployments["timestampIssues"] = deployments["timestampIssues"].map(
            {True: "true", False: "false"})
    observations = _plain(survey.observations)
    metadata = _descriptor(survey)
    with tempfile.TemporaryDirectory() as folder:
        write_camtrapdp(folder, deployments, observations, metadata, survey.individuals)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(folder).iterdir()):
                archive.write(path, path.name)
    return buffer.getvalue()

"""The data a session shows: the configured source, the packages and boundary layers
the user loaded this session, and uploads."""

from __future__ import annotations

import dataclasses
import hashlib
import tempfile
from pathlib import Path

import streamlit as st

from landmap.app.state import (
    COUNTRY,
    INDIVIDUALS,
    LIFE_STAGE,
    LOADED_SOURCES,
    PROFILE,
    SEX,
    SOURCE,
    SPECIES,
    USER_LAYERS,
    YEARS,
    _,
    lang,
    secrets,
)
from landmap.demo import DEMO_DIR
from landmap.i18n import Text
from landmap.io import intake
from landmap.io.sources import DataSource, configured_source
from landmap.survey import Survey


def data_source() -> DataSource:
    """The configured source: a PostGIS database (``$LANDMAP_DATABASE_URL`` or secrets
    ``[landmap.database] url``), else ``$LANDMAP_DATA``, else the demo."""
    return configured_source(secrets())


def server_package(path: str, progress=None) -> Survey:
    """A package by its path on the server, only from the configured data folders."""
    return intake.server_package(path, intake.data_roots(secrets()), progress=progress)


def files_stamp(path: Path) -> float:
    return max((p.stat().st_mtime for p in path.glob("*") if p.is_file()), default=0.0)


@st.cache_data(ttl=2, show_spinner=False)
def _version(key: str, _source: DataSource) -> str:
    # Asked many times per rerun; a database would be asked as often. A new load reaches
    # the pages within two seconds.
    return _source.version()


@st.cache_resource(show_spinner=False, max_entries=4)
def _load(key: str, version: str, _source: DataSource) -> Survey:
    return _source.load()


def survey_exact() -> Survey:
    loaded = st.session_state.get(LOADED_SOURCES, {})
    chosen = st.session_state.get(SOURCE, "")
    if chosen in loaded:
        s = loaded[chosen]
    else:
        source = data_source()
        # the spinner in the user's language (a cache's own spinner text is fixed); a
        # load already cached returns before it shows
        with st.spinner(_("Reading the camera-trap data…")):
            s = _load(source.key, _version(source.key, source), source)
    layers = tuple(st.session_state.get(USER_LAYERS, {}).items())
    if layers:
        s = dataclasses.replace(s, boundaries=dataclasses.replace(s.boundaries, extra=layers))
    return s


def data_key(s: Survey) -> tuple:
    """What the cached results of a survey depend on: its source, the files' version and
    the user's boundary layers."""
    return (s.source, files_stamp(Path(s.source)), tuple(name for name, _ in s.boundaries.extra))


def sources() -> list[str]:
    """The data sources of this session: the default package first, then those loaded."""
    return ["", *st.session_state.get(LOADED_SOURCES, {})]


def source_label(key: str) -> str:
    if key:
        return lang().text(key) if isinstance(key, Text) else key
    label = data_source().label
    return _("Bundled demo (simulated)") if Path(label) == DEMO_DIR else lang().text(label)


def add_source(s: Survey) -> None:
    """Keep a survey the user loaded (for this session only) and switch to it."""
    st.session_state.setdefault(LOADED_SOURCES, {})[s.source] = s
    switch_source(s.source)


def switch_source(key: str) -> None:
    """Show another data source; filters that belonged to the previous one are reset."""
    st.session_state[SOURCE] = key
    for name in (YEARS, INDIVIDUALS, SEX, LIFE_STAGE, COUNTRY, SPECIES, PROFILE):
        st.session_state.pop(name, None)
        if name in st.query_params:
            del st.query_params[name]


def upload_path(name: str, data: bytes) -> Path:
    """An uploaded file written to this session's temporary folder (GDAL reads files).

    Only the file's base name is kept, prefixed with a hash of its content, so a name
    cannot point outside the folder and two uploads never overwrite each other.
    """
    folder = st.session_state.get("_upload_dir")
    if folder is None or not Path(folder).is_dir():
        folder = st.session_state["_upload_dir"] = tempfile.mkdtemp(prefix="landmap-upload-")
    base = Path(name.replace("\\", "/")).name or "upload"
    path = Path(folder) / f"{hashlib.sha256(data).hexdigest()[:12]}-{base}"
    if not path.exists():
        path.write_bytes(data)
    return path


def user_layers() -> dict:
    """The boundary layers the user loaded this session: name -> GeoDataFrame."""
    return st.session_state.get(USER_LAYERS, {})


def add_layer(name: str, features) -> None:
    st.session_state.setdefault(USER_LAYERS, {})[name] = features


def remove_layer(name: str) -> None:
    st.session_state.get(USER_LAYERS, {}).pop(name, None)

"""Everything that reads or writes data: Camtrap DP packages, camtrapR-style tables,
boundary layers, safe unpacking of uploads, validation reports, the Parquet cache and
PostGIS, exports and the briefing pack.

Each reader reports what it found as :class:`~landmap.io.validate.Problem` rows (file,
row, field, value, what was done) and raises one :class:`~landmap.io.validate.DataError`
listing them all when the data cannot be used. The names below load on first use.
"""

from __future__ import annotations

from landmap._lazy import lazy_names

_IO = {
    "read_camtrapdp": "landmap.io.camtrapdp",
    "open_package": "landmap.io.intake",
    "package_from_files": "landmap.io.intake",
    "safe_unzip": "landmap.io.intake",
    "server_package": "landmap.io.intake",
    "MAX_FILE_MB": "landmap.io.intake",
    "survey_from_tables": "landmap.io.tables",
    "guess_columns": "landmap.io.tables",
    "read_csv_text": "landmap.io.tables",
    "DATE_FORMATS": "landmap.io.tables",
    "FIELD_LABELS": "landmap.io.tables",
    "read_layer": "landmap.io.layers",
    "layer_names": "landmap.io.layers",
    "LAYER_SUFFIXES": "landmap.io.layers",
    "DataError": "landmap.io.validate",
    "Problem": "landmap.io.validate",
    "PROBLEM_COLUMNS": "landmap.io.validate",
    "problems_frame": "landmap.io.validate",
    "doubtful": "landmap.io.validate",
    "check_package": "landmap.io.conformance",
    "load_survey": "landmap.io.sources",
    "LoadStep": "landmap.io.progress",
    "ProgressBar": "landmap.io.progress",
    "csv_bytes": "landmap.io.exports",
    "geojson_bytes": "landmap.io.exports",
    "gpkg_bytes": "landmap.io.exports",
    "html_bytes": "landmap.io.exports",
    "camtrapdp_zip": "landmap.io.exports",
    "COLUMN_HEADERS": "landmap.io.exports",
    "map_png": "landmap.io.briefing",
    "build_briefing": "landmap.io.briefing",
    "briefing_pack": "landmap.io.briefing",
    "year_maps": "landmap.io.briefing",
    "year_sequence": "landmap.io.briefing",
    "year_player_html": "landmap.io.briefing",
    "animated_gif": "landmap.io.briefing",
    "density_text": "landmap.io.briefing",
    "chromium_path": "landmap.io.briefing",
    "read_secr_text": "landmap.io.secr",
    "secr_capture_history": "landmap.io.secr",
    "secr_zip": "landmap.io.secr",
}

__all__ = sorted(_IO)

__getattr__, __dir__ = lazy_names(globals(), _IO)

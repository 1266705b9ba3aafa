"""landmap: camera-trap maps and analyses of Amur leopards across the Russia–China border.

The public API, for notebooks and scripts (nothing here needs Streamlit)::

    >>> import landmap as lm
    >>> survey = lm.load_demo()                 # or lm.load_survey("path/to/package")
    >>> ranges = lm.home_ranges(survey.filter(years=[2021], individuals=["Leo 16F"]))
    >>> sorted(set(ranges["method"]))
    ['kde', 'mcp']

Names are loaded on first use, so ``import landmap`` stays quick for the command line.
The rooms behind them: :mod:`landmap.io` reads and writes data, the analyses are
modules at the top (``survey``, ``effort``, ``home_range``, ``border``, ``population``,
``summary``, ``privacy`` ...), :mod:`landmap.maps` draws, and :mod:`landmap.app` is the
dashboard (the only code that imports Streamlit).
"""

from __future__ import annotations

from landmap._lazy import lazy_names
from landmap.io import _IO

__version__ = "0.1.0"

#: The readers and writers a notebook needs (the Data page's helpers stay in landmap.io).
_IO_NAMES = (
    "load_survey", "read_camtrapdp", "open_package", "survey_from_tables", "read_layer",
    "check_package", "DataError", "csv_bytes", "geojson_bytes", "gpkg_bytes",
    "html_bytes", "camtrapdp_zip", "COLUMN_HEADERS", "problems_frame", "doubtful", "map_png",
    "build_briefing", "briefing_pack", "density_text", "year_maps", "year_sequence",
    "year_player_html",
    "animated_gif", "LoadStep", "ProgressBar",
)
#: Public name -> the module that defines it.
_API = {
    **{name: _IO[name] for name in _IO_NAMES},
    # the survey and its selection
    "Survey": "landmap.survey",
    "Headline": "landmap.survey",
    "headline": "landmap.survey",
    "LEOPARD": "landmap.observations",
    "detections": "landmap.observations",
    "load_demo": "landmap.demo",
    "load_boundaries": "landmap.boundaries",
    "species_label": "landmap.species",
    "Text": "landmap.i18n",
    # analyses
    "trap_nights": "landmap.effort",
    "effort_grid": "landmap.effort",
    "coverage": "landmap.effort",
    "coverage_gaps": "landmap.effort",
    "home_ranges": "landmap.home_range",
    "independent_detections": "landmap.home_range",
    "range_overlap": "landmap.home_range",
    "crossings_by_individual": "landmap.border",
    "cross_border_by_year": "landmap.border",
    "station_countries": "landmap.border",
    "yearly_population": "landmap.population",
    "cubs_by_mother": "landmap.population",
    "range_notes": "landmap.home_range",
    "RANGE_DEFAULTS": "landmap.home_range",
    "local_time": "landmap.observations",
    "camera_offset": "landmap.observations",
    "summarise": "landmap.summary",
    "yearly_table": "landmap.summary",
    # when and with whom: activity, overlap, the species tables
    "activity_times": "landmap.activity",
    "activity_density": "landmap.activity",
    "overlap": "landmap.activity",
    "overlap_interval": "landmap.activity",
    "compare_activity": "landmap.activity",
    "day_bands": "landmap.activity",
    "missing_positions": "landmap.activity",
    "MIN_DETECTIONS": "landmap.activity",
    "sun_events": "landmap.sun",
    "sun_time": "landmap.sun",
    "wild_species": "landmap.community",
    "species_by_station": "landmap.community",
    "naive_occupancy": "landmap.community",
    "co_occurrence": "landmap.community",
    "detection_history": "landmap.community",
    "TIGER": "landmap.community",
    # density by spatially explicit capture-recapture
    "capture_data": "landmap.density",
    "estimate_density": "landmap.density",
    "density_by_year": "landmap.density",
    "density_report": "landmap.density",
    "density_surface": "landmap.density",
    "report_surface": "landmap.density",
    "fit_secr": "landmap.density",
    "make_mask": "landmap.density",
    "read_secr_text": "landmap.io.secr",
    "secr_capture_history": "landmap.io.secr",
    "secr_zip": "landmap.io.secr",
    "CaptureData": "landmap.density",
    # the location policy
    "Precision": "landmap.privacy",
    "protect": "landmap.privacy",
    # maps
    "overview_map": "landmap.maps",
    "overview_largest": "landmap.maps",
    "overview_title": "landmap.maps",
    "sightings_map": "landmap.maps",
    "sightings_largest": "landmap.maps",
    "station_sightings": "landmap.maps",
    "place_sightings": "landmap.maps",
    "busiest": "landmap.maps",
    "home_range_map": "landmap.maps",
    "density_map": "landmap.maps",
    "density_surface_map": "landmap.maps",
    "movement_map": "landmap.maps",
    "flipbook_html": "landmap.maps",
    "movement_path": "landmap.movement",
    # photos and videos
    "media_table": "landmap.media",
    "media_links": "landmap.media",
    "media_of": "landmap.media",
    "media_path": "landmap.media",
    "media_counts": "landmap.media",
    "file_problems": "landmap.media",
    "photos_of": "landmap.media",
    "viewable": "landmap.media",
    "clean_image": "landmap.io.images",
    "thumbnail": "landmap.io.images",
    "thumbnails": "landmap.io.images",
    "ImageProblem": "landmap.io.images",
    "camera_operation": "landmap.operation",
    "longest_gaps": "landmap.operation",
    "operation_runs": "landmap.operation",
    "cross_border_map": "landmap.maps",
    "station_values_map": "landmap.maps",
    "co_occurrence_map": "landmap.maps",
    "activity_chart": "landmap.charts",
}

__all__ = sorted(_API)


__getattr__, __dir__ = lazy_names(globals(), _API)

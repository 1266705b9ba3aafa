"""Folium maps of the survey, drawn with landmap's own copies of Leaflet.

One module per kind of map (``overview``, ``sightings``, ``home_ranges``,
``trap_density``, ``cross_border``, ``species``, ``density_surface``, ``movement``,
``flipbook`` for the year player) on
shared parts: ``base`` (the map every page starts from), ``legend``, ``style``
(colours), ``stations`` and ``offline`` (local assets). Every builder returns a
:class:`folium.Map` whose scripts and stylesheets are local
(:func:`landmap.maps.offline.use_local_assets`), so a map draws with no internet.
"""

from landmap.maps.base import base_map, finish_map
from landmap.maps.circles import busiest
from landmap.maps.cross_border import cross_border_map
from landmap.maps.density_surface import density_surface_map
from landmap.maps.flipbook import PLAYER_SPEEDS, flipbook_html
from landmap.maps.home_ranges import MAX_RANGES, home_range_map
from landmap.maps.movement import movement_map
from landmap.maps.overview import overview_largest, overview_map, overview_title
from landmap.maps.sightings import sightings_largest, sightings_map
from landmap.maps.species import co_occurrence_map, station_values_map
from landmap.maps.stations import place_sightings, station_sightings
from landmap.maps.style import COLOURS, PALETTE, RAMP, STATUS_COLOURS
from landmap.maps.trap_density import UNITS, density_map

__all__ = [
           "COLOURS",
           "MAX_RANGES",
           "PALETTE",
           "PLAYER_SPEEDS",
           "RAMP",
           "STATUS_COLOURS",
           "UNITS",
           "base_map",
           "busiest",
           "co_occurrence_map",
           "cross_border_map",
           "density_map",
           "density_surface_map",
           "finish_map",
           "flipbook_html",
           "home_range_map",
           "movement_map",
           "overview_largest",
           "overview_map",
           "overview_title",
           "place_sightings",
           "sightings_largest",
           "sightings_map",
           "station_sightings",
           "station_values_map",
]

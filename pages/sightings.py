"""Sightings: every detection on the map, coloured by individual or by species."""

import streamlit as st

from landmap import LEOPARD, csv_bytes, sightings_largest, sightings_map, species_label
from landmap.app import cache, filters, photos, state, widgets
from landmap.app.state import _

briefing = widgets.briefing_mode()
widgets.year_player()
selection = cache.selection()
species = st.session_state[state.SPECIES]
heading = _("Sightings of {species}, {span}").format(
    species=species_label(species, state.lang().gettext).split(" (")[0],
    span=selection.span_label)
st.title(heading)
widgets.headline_metrics(cache.current_headline(), species)

every = st.toggle(_("All species at once (coloured by species)"), key="sightings-all")
chosen = filters.species_present(selection) if every else species
colour_by = "species" if every else "individual"
wanted_species = chosen if isinstance(chosen, list) else [chosen]


def _map():
    scale = cache.frame_scale(sightings_largest, species=tuple(wanted_species),
                              colour_by=colour_by)
    return sightings_map(cache.selection(), chosen, colour_by=colour_by, lang=state.lang(),
                         scale=scale)


# A click on a circle opens the photos taken there in a panel beside the map.
picked = photos.picked_place("sightings") if not briefing else None
left, right = st.columns([3, 1]) if picked else (st.container(), None)
with left, st.spinner(_("Placing the detections…")):
    clicked = widgets.show_map("sightings", _map, every, tuple(wanted_species),
                               clicks=not briefing)
photos.place_panel("sightings", clicked, right, wanted_species)
if not briefing:
    st.caption(_("One circle per station and animal; its area grows with the detections. "
                 "Point at a circle for the animal, the first and last local date, the "
                 "station and its country; click it for the photos taken there.")
               + (" " + _("Unidentified leopards are grey.") if species == LEOPARD else ""))
    obs = selection.observations
    shown = obs[obs["scientificName"].isin(wanted_species)]
    safe = cache.for_download()
    lang = state.lang()
    widgets.download_row([
        (_("Detections (CSV)"), lambda: csv_bytes(safe(shown)), "landmap-detections.csv",
         "text/csv"),
        *widgets.map_downloads(lambda: sightings_map(safe(selection), chosen, colour_by=colour_by,
                                                lang=lang),
                          heading, "landmap-sightings"),
    ], key="sightings")

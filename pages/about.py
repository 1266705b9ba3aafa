"""What the dashboard shows, what is approximate, and where the published figures come from."""

import streamlit as st

from landmap.app import cache, state
from landmap.app.state import _

survey = cache.survey()
areas = survey.boundaries.area_km2().round(0)
parks = survey.boundaries.parks.assign(area_km2=areas.to_numpy())
code = state.lang().code
name = f"name_{code}" if f"name_{code}" in parks else "name_en"

st.title(_("About landmap and its sources"))
st.markdown(_("""
landmap shows camera-trap data of the Amur leopard (*Panthera pardus orientalis*) in
Land of the Leopard National Park (Russia) and in the Northeast China Tiger and Leopard
National Park (China). Counts of identified animals are **minimum counts**: camera traps
miss animals.

**Demo data.** Unless another package is configured, the dashboard shows a *simulated*
survey written by `python -m landmap.demo`. No animal, station or photograph in it is real;
its yearly counts are steered towards the published figures below.
"""))
st.subheader(_("Boundary layers"))
st.dataframe(
    parks[[name, "published_area_km2", "area_km2", "approximate", "source"]],
    hide_index=True, width="stretch",
    column_config={name: _("Park"), "published_area_km2": _("Published area (km²)"),
                   "area_km2": _("Area of the outline (km²)"), "approximate": _("Approximate"),
                   "source": _("How it was made")},
)
st.markdown(_("""
The park outlines are **approximate**: no official boundary file was available, so each
was built from the park's published area and extent (see `geodata/PROVENANCE.md`).
Country outlines and the border come from Natural Earth 1:10m (public domain), a
generalisation good to about a kilometre. To use official layers, replace
`geodata/parks.geojson` with a file of the same columns.

**Published figures the demo follows** (park annual counts and WWF Russia; Vitkalova
et al. 2018, *Conservation Letters*): at least 57 leopards in Russia in 2015; 84–86
adults and 19–21 cubs in 2017; 110 adults and 16 cubs in 2021; 121 in 2022; 125 in 2023;
129 adults and at least 14 cubs in 2024. About 40 leopards were photographed on both
sides of the border in 2021–22. Land of the Leopard National Park: about 2,620 km²,
founded 5 April 2012. Northeast China Tiger and Leopard National Park: about 14,065 km².
"""))

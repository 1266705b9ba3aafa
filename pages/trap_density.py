"""Trap density: where the cameras are, how much they ran, and where coverage is thin."""

import streamlit as st
from streamlit_folium import st_folium

from landmap import ui
from landmap.effort import coverage, coverage_gaps, effort_grid
from landmap.exports import csv_bytes, geojson_bytes, gpkg_bytes
from landmap.maps import UNITS, density_map

briefing = ui.briefing_mode()
selection = ui.selection()
first, last = selection.year_span
heading = st.empty()
with st.expander("Grid", expanded=not briefing):
    a, b, c = st.columns(3)
    sizes = [k for k in (1, 2, 5, 10) if ui.precision().allows_cells(k)]
    cell_km = a.select_slider("Cell size (km)", sizes, value=5 if 5 in sizes else sizes[0],
                              help="Cells finer than the location precision are not offered")
    metric = b.radio("Shade cells by", list(UNITS), format_func=UNITS.get)
    years = ["all selected years", *range(first, last + 1)]
    year = c.selectbox("Year", years, index=0)
narrow = None if year == "all selected years" else {"years": (year, year)}
chosen = selection if narrow is None else selection.filter(**narrow)
label = f"{first}–{last}" if year == "all selected years" and first != last else str(
    year if year != "all selected years" else first)
heading.title(f"Trap density, {label}")

grid = ui.compute(effort_grid, narrow, cell_km=cell_km, by_year=False,
                  species=st.session_state[ui.SPECIES])
gaps = ui.compute(coverage_gaps, narrow, cell_km=cell_km)
covered = ui.compute(coverage, narrow, distance_km=3.0)

a, b, c, d = st.columns(4)
a.metric("Cells with cameras", f"{len(grid):,}")
b.metric("Trap-nights", f"{grid['trap_nights'].sum():,.0f}")
c.metric("Park within 3 km of a camera", f"{covered['share']:.1%}",
         help="Share of Land of the Leopard National Park (approximate outline) within 3 km "
              "of a station working in the selection")
d.metric("Park cells with no camera", f"{len(gaps):,}",
         help=f"{cell_km} km cells of the park with no working station: "
              f"{gaps['area_km2'].sum():,.0f} km²")
m = density_map(chosen, grid, gaps, metric)
st_folium(m, key=ui.map_key("density", cell_km, metric, year), returned_objects=[],
          height=ui.map_height(), use_container_width=True)
if not briefing:
    st.caption(f"Grid of {cell_km} km cells in UTM zone 52N. Stations per 100 km² use the whole "
               "cell area; detection rate is per 100 trap-nights of the species chosen in the "
               "filters. Trap-nights include deployments whose clock was unreliable.")
    safe = ui.for_download()
    ui.download_row([
        ("Grid (CSV)", lambda: csv_bytes(safe(grid)), f"landmap-grid-{cell_km}km-{label}.csv",
         "text/csv"),
        ("Grid (GeoJSON, WGS84)", lambda: geojson_bytes(safe(grid)),
         f"landmap-grid-{cell_km}km-{label}.geojson", "application/geo+json"),
        ("Grid (GeoPackage, UTM 52N)", lambda: gpkg_bytes(safe(grid), "effort_grid"),
         f"landmap-grid-{cell_km}km-{label}.gpkg", "application/geopackage+sqlite3"),
        *ui.map_downloads(lambda: density_map(safe(chosen), safe(grid), safe(gaps), metric),
                          f"Trap density, {label}", f"landmap-density-{label}"),
    ], key="density")

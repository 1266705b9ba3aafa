"""Home ranges: MCP and kernel density isopleths per individual, with their areas."""

import streamlit as st
from streamlit_folium import st_folium

from landmap import ui
from landmap.exports import csv_bytes, geojson_bytes, gpkg_bytes
from landmap.home_range import home_ranges
from landmap.maps import home_range_map

briefing = ui.briefing_mode()
selection = ui.selection()
span = selection.span_label
st.title(f"Home ranges, {span}")

with st.expander("Method", expanded=not briefing):
    a, b, c = st.columns(3)
    methods = a.multiselect("Methods", ["kde", "mcp"], default=["kde", "mcp"],
                            format_func={"kde": "Kernel density (KDE)",
                                         "mcp": "Minimum convex polygon (MCP)"}.get)
    levels = a.multiselect("KDE isopleths (%)", [50, 75, 90, 95], default=[50, 95])
    choice = b.radio("KDE bandwidth", ["href", "lscv", "fixed"], horizontal=True,
                     format_func={"href": "Reference (href)", "lscv": "LSCV",
                                  "fixed": "Fixed"}.get)
    fixed = b.number_input("Fixed bandwidth (m)", 100, 20_000, 1_500, step=100,
                           disabled=choice != "fixed")
    mcp_percent = c.slider("MCP: share of locations kept (%)", 50, 100, 100, step=5)
    by = c.radio("One range per", ["individual", "year"], horizontal=True,
                 format_func={"individual": "individual over the span",
                              "year": "individual and year"}.get)
if not methods or ("kde" in methods and not levels):
    st.warning("Choose at least one method (and one KDE isopleth level).")
    st.stop()
bandwidth = float(fixed) if choice == "fixed" else choice
with st.spinner("Computing home ranges…"):
    ranges = ui.compute(home_ranges, method=tuple(methods), by=by, mcp_percent=mcp_percent,
                        levels=tuple(sorted(levels)), bandwidth=bandwidth)
drawn = ranges[ranges.geometry.notna()]
skipped = ranges[ranges.geometry.isna()].drop_duplicates(["individualID", "method", "year_from"])

left, right = st.columns([5, 3]) if not briefing else (st.container(), st.container())
with left:
    m = home_range_map(selection, ranges)
    st_folium(m, key=ui.map_key("ranges", tuple(methods), tuple(levels), bandwidth,
                                mcp_percent, by),
              returned_objects=[], height=ui.map_height(), use_container_width=True)
with right:
    st.subheader(f"Areas ({drawn['individualID'].nunique()} individuals)")
    table = drawn.drop(columns="geometry")[
        ["individualID", "year_from", "year_to", "method", "level", "n_locations",
         "n_stations", "bandwidth_m", "area_km2"]]
    st.dataframe(table, hide_index=True, width="stretch", height=420,
                 column_config={"individualID": "Individual", "year_from": "From",
                                "year_to": "To", "method": "Method", "level": "Level (%)",
                                "n_locations": "Detections", "n_stations": "Stations",
                                "bandwidth_m": st.column_config.NumberColumn(
                                    "Bandwidth (m)", format="%.0f"),
                                "area_km2": st.column_config.NumberColumn(
                                    "Area (km²)", format="%.1f")})
if len(skipped):
    names = skipped["individualID"].drop_duplicates()
    with st.expander(f"{len(names)} individual(s) have too few distinct stations for some "
                     "ranges (no range drawn)"):
        st.dataframe(skipped[["individualID", "method", "year_from", "note"]], hide_index=True,
                     width="stretch",
                     column_config={"individualID": "Individual", "method": "Method",
                                    "year_from": st.column_config.NumberColumn("Year",
                                                                               format="%d"),
                                    "note": "Why"})
lscv = ranges["note"].str.contains("LSCV", na=False)
if lscv.any():
    st.warning(f"LSCV did not converge for {ranges.loc[lscv, 'individualID'].nunique()} "
               "individual(s): repeated detections at the same camera pull the bandwidth "
               "towards zero. Prefer href or a fixed bandwidth for camera-trap data.")
if not briefing:
    st.caption("Locations are independent detections (30 min rule) at the station "
               "coordinates; areas computed in UTM zone 52N. KDE: bivariate normal kernel, "
               "href = sqrt((var x + var y)/2)·n^(-1/6) as in adehabitatHR.")
    safe = ui.for_download()
    ui.download_row([
        ("Areas (CSV)", lambda: csv_bytes(safe(ranges)), f"landmap-home-ranges-{span}.csv",
         "text/csv"),
        ("Ranges (GeoJSON, WGS84)", lambda: geojson_bytes(safe(drawn)),
         f"landmap-home-ranges-{span}.geojson", "application/geo+json"),
        ("Ranges (GeoPackage, UTM 52N)", lambda: gpkg_bytes(safe(drawn), "home_ranges"),
         f"landmap-home-ranges-{span}.gpkg", "application/geopackage+sqlite3"),
        *ui.map_downloads(lambda: home_range_map(safe(selection), safe(ranges)),
                          f"Home ranges, {span}", f"landmap-home-ranges-{span}"),
    ], key="ranges")

"""Home ranges: MCP and kernel density isopleths per individual, with their areas."""

import streamlit as st

from landmap import csv_bytes, geojson_bytes, gpkg_bytes, home_range_map, home_ranges, range_notes
from landmap.app import cache, state, widgets
from landmap.app.state import _, ngettext

briefing = widgets.briefing_mode()
widgets.year_player()
selection = cache.selection()
span = selection.span_label
title = _("Home ranges, {span}").format(span=span)
st.title(title)
choices = {"kde": _("Kernel density (KDE)"), "mcp": _("Minimum convex polygon (MCP)"),
         "href": _("Reference (href)"), "lscv": "LSCV", "fixed": _("Fixed"),
         "individual": _("individual over the span"), "year": _("individual and year")}

with st.expander(_("Method"), expanded=not briefing):
    a, b, c = st.columns(3)
    methods = a.multiselect(_("Methods"), ["kde", "mcp"], default=["kde", "mcp"],
                            format_func=choices.get)
    levels = a.multiselect(_("KDE isopleths (%)"), [50, 75, 90, 95], default=[50, 95])
    choice = b.radio(_("KDE bandwidth"), ["href", "lscv", "fixed"], horizontal=True,
                     format_func=choices.get)
    fixed = b.number_input(_("Fixed bandwidth (m)"), 100, 20_000, 1_500, step=100,
                           disabled=choice != "fixed")
    mcp_percent = c.slider(_("MCP: share of locations kept (%)"), 50, 100, 100, step=5)
    by = c.radio(_("One range per"), ["individual", "year"], horizontal=True,
                 format_func=choices.get)
if not methods or ("kde" in methods and not levels):
    st.warning(_("Choose at least one method (and one KDE isopleth level)."))
    st.stop()
bandwidth = float(fixed) if choice == "fixed" else choice
with st.spinner(_("Computing home ranges…")):
    settings = {"method": tuple(methods), "by": by, "mcp_percent": mcp_percent,
                "levels": tuple(sorted(levels)), "bandwidth": bandwidth}
    ranges = cache.compute(home_ranges, **settings)
drawn = ranges[ranges.geometry.notna()]
skipped = ranges[ranges.geometry.isna()].drop_duplicates(["individualID", "method", "year_from"])

table = drawn.drop(columns="geometry")[
    ["individualID", "year_from", "year_to", "method", "level", "n_locations",
     "n_stations", "bandwidth_m", "area_km2"]]
# Rows picked in the table (kept by Streamlit under the table's key) colour those ranges.
picked = widgets.picked_rows("ranges_table", table["individualID"])
left, right = st.columns([5, 3]) if not briefing else (st.container(), st.container())
with left:
    def _map():
        return home_range_map(cache.selection(), cache.compute(home_ranges, **settings),
                              highlight=picked, lang=state.lang())

    widgets.show_map("ranges", _map, tuple(sorted(settings.items())), tuple(picked))
with right:
    count = drawn["individualID"].nunique()
    st.subheader(ngettext("Areas ({n} individual)", "Areas ({n} individuals)", count).format(
        n=count))
    st.caption(_("Pick rows to colour those individuals' ranges on the map; click a range "
                 "on the map to bring it forward."))
    st.dataframe(table, hide_index=True, width="stretch", height=420, key="ranges_table",
                 on_select="rerun", selection_mode="multi-row",
                 column_config={"individualID": _("Individual"), "year_from": _("From"),
                                "year_to": _("To"), "method": _("Method"),
                                "level": _("Level (%)"), "n_locations": _("Detections"),
                                "n_stations": _("Stations"),
                                "bandwidth_m": st.column_config.NumberColumn(
                                    _("Bandwidth (m)"), format="%.0f"),
                                "area_km2": st.column_config.NumberColumn(
                                    _("Area (km²)"), format="%.1f")})
if len(skipped):
    names = skipped["individualID"].drop_duplicates()
    with st.expander(ngettext(
            "{n} individual has no range for some methods (too few places, or all on a line)",
            "{n} individuals have no range for some methods (too few places, or all on a line)",
            len(names)).format(n=len(names))):
        st.dataframe(skipped.assign(note=range_notes(skipped, state.lang()))[
                         ["individualID", "method", "year_from", "note"]], hide_index=True,
                     width="stretch",
                     column_config={"individualID": _("Individual"), "method": _("Method"),
                                    "year_from": st.column_config.NumberColumn(_("Year"),
                                                                               format="%d"),
                                    "note": _("Why")})
lscv = ranges["note"].str.contains("LSCV", na=False)
if lscv.any():
    failed = ranges.loc[lscv, "individualID"].nunique()
    st.warning(ngettext(
        "LSCV did not converge for {n} individual: repeated detections at the same camera "
        "pull the bandwidth towards zero. Prefer href or a fixed bandwidth for camera-trap "
        "data.",
        "LSCV did not converge for {n} individuals: repeated detections at the same camera "
        "pull the bandwidth towards zero. Prefer href or a fixed bandwidth for camera-trap "
        "data.", failed).format(n=failed))
if not briefing:
    st.caption(_("Locations are independent detections (30 min rule) at the station "
                 "coordinates; areas computed in the stations' UTM zone ({crs}). KDE: "
                 "bivariate normal kernel, href = sqrt((var x + var y)/2)·n^(-1/6) as in "
                 "adehabitatHR.").format(crs=selection.metric_crs))
    safe = cache.for_download()
    lang = state.lang()
    widgets.download_row([
        (_("Areas (CSV)"),
         lambda: csv_bytes(safe(ranges).assign(note=lambda t: range_notes(t, lang)), lang),
         f"landmap-home-ranges-{span}.csv", "text/csv"),
        (_("Ranges (GeoJSON, WGS84)"), lambda: geojson_bytes(safe(drawn)),
         f"landmap-home-ranges-{span}.geojson", "application/geo+json"),
        (_("Ranges (GeoPackage, UTM)"), lambda: gpkg_bytes(safe(drawn), "home_ranges"),
         f"landmap-home-ranges-{span}.gpkg", "application/geopackage+sqlite3"),
        *widgets.map_downloads(lambda: home_range_map(safe(selection), safe(ranges), lang=lang),
                          title, f"landmap-home-ranges-{span}"),
    ], key="ranges")

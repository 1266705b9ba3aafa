"""Cross-border: which leopards are seen on both sides, how often they cross, and where."""

import streamlit as st
from streamlit_folium import st_folium

from landmap import ui
from landmap.border import cross_border_by_year, crossings_by_individual
from landmap.exports import csv_bytes, geojson_bytes
from landmap.home_range import home_ranges
from landmap.maps import cross_border_map

briefing = ui.briefing_mode()
selection = ui.selection()
span = selection.span_label
st.title(f"Leopards across the Russia–China border, {span}")

with st.spinner("Splitting ranges by the border…"):
    ranges = ui.compute(home_ranges, levels=(95,))
    table = ui.compute(crossings_by_individual,
                       inputs={"ranges": (home_ranges, {"levels": (95,)})})
    by_year = ui.compute(cross_border_by_year)
counts = table["status"].value_counts()
a, b, c, d = st.columns(4)
a.metric("Seen on both sides", f"{counts.get('both', 0):,}")
b.metric("Russia only", f"{counts.get('Russia only', 0):,}")
c.metric("China only", f"{counts.get('China only', 0):,}")
d.metric("Share seen on both sides", f"{counts.get('both', 0) / max(len(table), 1):.0%}",
         help="Of the identified leopards in the selection (a minimum: cameras miss animals)")

m = cross_border_map(selection, table, ranges)
st_folium(m, key=ui.map_key("border"), returned_objects=[], height=ui.map_height(),
          use_container_width=True)

st.subheader("Individuals")
shown = table[["individualID", "status", "crossings", "detections_rus", "detections_chn",
               "stations_rus", "stations_chn", "first_rus", "last_rus", "first_chn",
               "last_chn", "kde95_share_rus", "kde95_share_chn", "mcp_share_rus",
               "mcp_share_chn"]]
pct = {"format": "percent"}
st.dataframe(
    shown, hide_index=True, width="stretch",
    column_config={
        "individualID": "Individual", "status": "Seen in", "crossings": st.column_config.
        NumberColumn("Crossings (min.)", help="Changes of country between consecutive "
                     "independent detections"),
        "detections_rus": "Detections RU", "detections_chn": "Detections CN",
        "stations_rus": "Stations RU", "stations_chn": "Stations CN",
        "first_rus": "First seen RU", "last_rus": "Last seen RU",
        "first_chn": "First seen CN", "last_chn": "Last seen CN",
        "kde95_share_rus": st.column_config.NumberColumn("KDE 95 % in RU", **pct),
        "kde95_share_chn": st.column_config.NumberColumn("KDE 95 % in CN", **pct),
        "mcp_share_rus": st.column_config.NumberColumn("MCP in RU", **pct),
        "mcp_share_chn": st.column_config.NumberColumn("MCP in CN", **pct),
    })
st.subheader("Per year")
st.dataframe(by_year, hide_index=True, width="stretch",
             column_config={"year": st.column_config.NumberColumn("Year", format="%d"),
                            "russia": "Seen in Russia", "china": "Seen in China",
                            "both": "Seen on both sides", "individuals": "Individuals",
                            "share_both": st.column_config.NumberColumn("Share on both sides",
                                                                        **pct)})
if not briefing:
    st.caption("Stations take the country of the Natural Earth polygon they stand in; the "
               "1:10m border is generalised to about 1 km. Crossings are a minimum: only "
               "changes seen by cameras count.")
    kde = ranges[(ranges["method"] == "kde") & ranges.geometry.notna()]
    safe = ui.for_download()
    ui.download_row([
        ("Individuals (CSV)", lambda: csv_bytes(safe(table)),
         f"landmap-cross-border-{span}.csv", "text/csv"),
        ("Per year (CSV)", lambda: csv_bytes(safe(by_year)),
         f"landmap-cross-border-years-{span}.csv", "text/csv"),
        ("95 % ranges (GeoJSON)", lambda: geojson_bytes(safe(kde.merge(
            table[["individualID", "status"]], on="individualID"))),
         f"landmap-cross-border-ranges-{span}.geojson", "application/geo+json"),
        *ui.map_downloads(lambda: cross_border_map(safe(selection), table, safe(ranges)),
                          f"Leopards across the Russia–China border, {span}",
                          f"landmap-cross-border-{span}"),
    ], key="border")

"""Cross-border: which leopards are seen on both sides, how often they cross, and where."""

import pandas as pd
import streamlit as st

from landmap import (
    RANGE_DEFAULTS,
    cross_border_by_year,
    cross_border_map,
    crossings_by_individual,
    csv_bytes,
    geojson_bytes,
    home_ranges,
)
from landmap.app import cache, state, widgets
from landmap.app.state import _

briefing = widgets.briefing_mode()
widgets.year_player()
selection = cache.selection()
span = selection.span_label
title = _("Leopards across the Russia–China border, {span}").format(span=span)
st.title(title)
n = state.lang().number

with st.spinner(_("Splitting ranges by the border…")):
    # the Home ranges page's default ranges: computed once, shared by both pages
    ranges = cache.compute(home_ranges, **RANGE_DEFAULTS)
    table = cache.compute(crossings_by_individual,
                          inputs={"ranges": (home_ranges, RANGE_DEFAULTS)})
    by_year = cache.compute(cross_border_by_year)
counts = table["status"].value_counts()
a, b, c, d = st.columns(4)
a.metric(_("Seen on both sides"), n(counts.get("both", 0)))
b.metric(_("Russia only"), n(counts.get("Russia only", 0)))
c.metric(_("China only"), n(counts.get("China only", 0)))
d.metric(_("Share seen on both sides"),
         state.lang().percent(counts.get("both", 0) / max(len(table), 1), 0),
         help=_("Of the identified leopards in the selection (a minimum: cameras miss "
                "animals)"))

lang = state.lang()


def _map():
    return cross_border_map(
        cache.selection(), cache.compute(crossings_by_individual,
                                         inputs={"ranges": (home_ranges, RANGE_DEFAULTS)}),
        cache.compute(home_ranges, **RANGE_DEFAULTS), lang=lang)


widgets.show_map("border", _map)

st.subheader(_("Individuals"))
shown = table[["individualID", "status", "crossings", "detections_rus", "detections_chn",
               "stations_rus", "stations_chn", "first_rus", "last_rus", "first_chn",
               "last_chn", "kde95_share_rus", "kde95_share_chn", "mcp_share_rus",
               "mcp_share_chn"]].assign(status=lambda t: t["status"].map(_))
# Dates written the language's way ("3 февраля 2021 г."), on the camera's own clock.
for column in ("first_rus", "last_rus", "first_chn", "last_chn"):
    shown[column] = [lang.date(t.date()) if pd.notna(t) else "" for t in shown[column]]
pct = {"format": "percent"}
st.dataframe(
    shown, hide_index=True, width="stretch",
    column_config={
        "individualID": _("Individual"), "status": _("Seen in"),
        "crossings": st.column_config.NumberColumn(
            _("Crossings (min.)"),
            help=_("Changes of country between consecutive independent detections")),
        "detections_rus": _("Detections RU"), "detections_chn": _("Detections CN"),
        "stations_rus": _("Stations RU"), "stations_chn": _("Stations CN"),
        "first_rus": _("First seen RU"), "last_rus": _("Last seen RU"),
        "first_chn": _("First seen CN"), "last_chn": _("Last seen CN"),
        "kde95_share_rus": st.column_config.NumberColumn(_("KDE 95 % in RU"), **pct),
        "kde95_share_chn": st.column_config.NumberColumn(_("KDE 95 % in CN"), **pct),
        "mcp_share_rus": st.column_config.NumberColumn(_("MCP in RU"), **pct),
        "mcp_share_chn": st.column_config.NumberColumn(_("MCP in CN"), **pct),
    })
st.subheader(_("Per year"))
st.dataframe(by_year, hide_index=True, width="stretch",
             column_config={"year": st.column_config.NumberColumn(_("Year"), format="%d"),
                            "russia": _("Seen in Russia"), "china": _("Seen in China"),
                            "both": _("Seen on both sides"), "individuals": _("Individuals"),
                            "share_both": st.column_config.NumberColumn(
                                _("Share on both sides"), **pct)})
if not briefing:
    st.caption(_("Stations take the country of the Natural Earth polygon they stand in; the "
                 "1:10m border is generalised to about 1 km. Crossings are a minimum: only "
                 "changes seen by cameras count."))
    kde = ranges[(ranges["method"] == "kde") & (ranges["level"] == 95) & ranges.geometry.notna()]
    safe = cache.for_download()
    widgets.download_row([
        (_("Individuals (CSV)"),
         lambda: csv_bytes(safe(table).assign(status=lambda t: t["status"].map(lang.gettext)),
                           lang),
         f"landmap-cross-border-{span}.csv", "text/csv"),
        (_("Per year (CSV)"), lambda: csv_bytes(safe(by_year), lang),
         f"landmap-cross-border-years-{span}.csv", "text/csv"),
        (_("95 % ranges (GeoJSON)"), lambda: geojson_bytes(safe(kde.merge(
            table[["individualID", "status"]], on="individualID"))),
         f"landmap-cross-border-ranges-{span}.geojson", "application/geo+json"),
        *widgets.map_downloads(lambda: cross_border_map(safe(selection), table, safe(ranges),
                                                   lang=lang),
                          title, f"landmap-cross-border-{span}"),
    ], key="border")

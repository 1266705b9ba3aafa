"""Trap density: where the cameras are, how much they ran, and where coverage is thin."""

import altair as alt
import streamlit as st

from landmap import (
    camera_operation,
    coverage,
    coverage_gaps,
    csv_bytes,
    density_map,
    effort_grid,
    geojson_bytes,
    gpkg_bytes,
    longest_gaps,
    operation_runs,
)
from landmap.app import cache, filters, precision, state, widgets
from landmap.app.state import _
from landmap.maps import UNITS

briefing = widgets.briefing_mode()
playing = widgets.year_player()
selection = cache.selection()
first, last = selection.year_span
heading = st.empty()
n = state.lang().number
ALL = "all"
with st.expander(_("Grid"), expanded=not briefing):
    a, b, c, e = st.columns(4)
    sizes = [k for k in (1, 2, 5, 10) if precision.precision().allows_cells(k)]
    cell_km = a.select_slider(_("Cell size (km)"), sizes, value=5 if 5 in sizes else sizes[0],
                              help=_("Cells finer than the location precision are not offered"))
    metric = b.radio(_("Shade cells by"), list(UNITS), format_func=lambda k: _(UNITS[k]))
    years = [ALL, *range(first, last + 1)]
    year = c.selectbox(_("Year"), years, index=0,
                       format_func=lambda y: _("all selected years") if y == ALL else str(y))
    minutes = e.select_slider(
        _("Independence interval (min)"), [1, 5, 15, 30, 60, 120, 1440], value=30,
        help=_("Photographs of the same animal (or, without an ID, the same species) at one "
               "station closer in time than this are one detection (camtrapR's minDeltaTime)"))
narrow = None if year == ALL else {"years": (year, year)}
chosen = selection if narrow is None else selection.filter(**narrow)
label = f"{first}–{last}" if year == ALL and first != last else str(
    year if year != ALL else first)
title = _("Trap density, {span}").format(span=label)
heading.title(title)

grid_settings = {"cell_km": cell_km, "by_year": False,
                 "species": st.session_state[state.SPECIES], "threshold": f"{minutes}min",
                 "effort": filters.effort_unit()}
grid = cache.compute(effort_grid, narrow, **grid_settings)


def _gaps(narrowed: dict | None):
    """The park's cells with no camera, None where its coverage is not measured (no
    station near it: a package recorded elsewhere)."""
    try:
        return cache.compute(coverage_gaps, narrowed, cell_km=cell_km)
    except ValueError:
        return None


gaps = _gaps(narrow)
try:
    covered = cache.compute(coverage, narrow, distance_km=3.0)
except ValueError as error:
    covered, not_measured = None, state.lang().text(error.args[0])

a, b, c, d = st.columns(4)
a.metric(_("Cells with cameras"), n(len(grid)))
b.metric(_("Trap-nights"), n(grid["trap_nights"].sum()),
         help=_("Counted as {unit} (sidebar)").format(
             unit=_("station-days") if filters.effort_unit() == "station" else _("camera-days")))
if covered is None:
    c.metric(_("Park within 3 km of a camera"), "–", help=not_measured)
    d.metric(_("Park cells with no camera"), "–", help=not_measured)
    st.caption(_("Park coverage: {reason}.").format(reason=not_measured))
else:
    c.metric(_("Park within 3 km of a camera"), state.lang().percent(covered["share"]),
             help=_("Share of Land of the Leopard National Park (approximate outline) within "
                    "3 km of a station working in the selection"))
    d.metric(_("Park cells with no camera"), n(len(gaps)),
             help=_("{size} km cells of the park with no working station: {area}").format(
                 size=cell_km, area=state.lang().area(gaps["area_km2"].sum(), 0)))
map_title = (_("{unit} ({minutes} min apart), {span}").format(
    unit=_(UNITS[metric]), minutes=minutes, span=label) if metric == "detection_rate" else None)


def _map():
    # a frame of the year player is one year of the span: the Year box does not apply
    here = narrow if not playing else None
    shown = cache.selection() if here is None else chosen
    frame_grid = cache.compute(effort_grid, here, **grid_settings)
    title = (_("{unit} ({minutes} min apart), {span}").format(
        unit=_(UNITS[metric]), minutes=minutes, span=shown.span_label)
        if playing and metric == "detection_rate" else map_title)
    return density_map(shown, frame_grid, _gaps(here), metric, title=title, lang=state.lang())


widgets.show_map("density", _map, cell_km, metric, year if not playing else ALL, minutes)
if not briefing:
    st.caption(_("Grid of {size} km cells in the stations' UTM zone ({crs}). Stations per "
                 "100 km² use the whole cell area; the detection rate counts independent "
                 "detections ({minutes} min apart, by individual, or by species without an "
                 "ID) of the species chosen in the filters per 100 trap-nights. Trap-nights "
                 "include deployments whose clock was unreliable.").format(
        size=cell_km, crs=selection.metric_crs, minutes=minutes))
    safe = cache.for_download()
    lang = state.lang()
    widgets.download_row([
        (_("Grid (CSV)"), lambda: csv_bytes(safe(grid), lang),
         f"landmap-grid-{cell_km}km-{label}.csv", "text/csv"),
        (_("Grid (GeoJSON, WGS84)"), lambda: geojson_bytes(safe(grid)),
         f"landmap-grid-{cell_km}km-{label}.geojson", "application/geo+json"),
        (_("Grid (GeoPackage, UTM)"), lambda: gpkg_bytes(safe(grid), "effort_grid"),
         f"landmap-grid-{cell_km}km-{label}.gpkg", "application/geopackage+sqlite3"),
        *widgets.map_downloads(lambda: density_map(safe(chosen), safe(grid),
                                                   None if gaps is None else safe(gaps), metric,
                                                   title=map_title, lang=lang),
                          title, f"landmap-density-{label}"),
    ], key="density")

st.subheader(_("When the cameras worked"))
a, b = st.columns(2)
PERIODS = {7: _("weeks"), 1: _("days"), 30: _("30-day periods")}
period = a.radio(_("Periods"), list(PERIODS), format_func=PERIODS.get, horizontal=True,
                 key="operation-period")
ORDERS = {"side": _("side of the border, then station"), "station": _("station"),
          "worked": _("share of time working")}
order = b.radio(_("Stations sorted by"), list(ORDERS), format_func=ORDERS.get,
                horizontal=True, key="operation-order")
operation = cache.compute(camera_operation, narrow, period_days=period)
STATES = {"working": _("working"), "failed": _("failed (after its last photograph)"),
          "not set": _("no camera set")}
stations = operation.groupby("locationID").agg(country=("country", "first"),
                                               worked=("worked", "mean"))
ranked = {"side": stations.sort_values(["country", "locationID"], ascending=[False, True]),
          "station": stations.sort_index(),
          "worked": stations.sort_values("worked")}[order].index.tolist()
# one bar per run of periods in the same state: the chart's data shrink tenfold
runs = cache.derived(operation_runs, (camera_operation, {"period_days": period}), narrow)
DRAWN_AT_MOST = 25_000
if len(runs) > DRAWN_AT_MOST:
    st.info(_("{n} bars (a bar is a run of periods in one state) are too many to draw, at "
              "most {most}: choose longer periods or fewer years.").format(
        n=n(len(runs)), most=n(DRAWN_AT_MOST)))
else:
    shown = runs.assign(state=runs["state"].map(STATES))
    st.altair_chart(alt.Chart(shown).mark_rect().encode(
        x=alt.X("run_start:T", title=_("Period starting"),
                axis=alt.Axis(labelOverlap=True, labelAngle=-45)),
        x2="run_end:T",
        y=alt.Y("locationID:N", sort=ranked, title=_("Station"),
                axis=alt.Axis(labels=len(ranked) <= 80)),
        color=alt.Color("state:N", title=_("State"), scale=alt.Scale(
            domain=list(STATES.values()), range=["#21918c", "#D55E00", "#e9e9e9"]),
            legend=alt.Legend(orient="top", labelLimit=400)),
        tooltip=[alt.Tooltip("locationID", title=_("Station")),
                 alt.Tooltip("country", title=_("Country")),
                 alt.Tooltip("run_start:T", title=_("From")),
                 alt.Tooltip("run_end:T", title=_("To")),
                 alt.Tooltip("periods", title=_("Periods")),
                 alt.Tooltip("state", title=_("State")),
                 alt.Tooltip("worked", title=_("Share worked"), format=".0%")],
    ).properties(height=max(240, min(3 * len(ranked), 1400))), width="stretch")
# not `gaps`: the download buttons above draw the coverage gaps when clicked
station_gaps = cache.derived(longest_gaps, (camera_operation, {"period_days": period}),
                             narrow)
st.caption(_("Longest gap of each station between its first and last working period, "
             "longest first ({n} stations with a gap).").format(n=n(len(station_gaps))))
st.dataframe(station_gaps.head(200), hide_index=True, width="stretch", height=280,
             column_config={
    "locationID": _("Station"), "country": _("Country"), "gap_start": _("Gap from"),
    "gap_end": _("Gap to (period starting)"), "periods": _("Periods without a camera"),
    "failed_periods": _("Of which a failed camera was out")})

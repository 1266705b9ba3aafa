"""Overview: headline numbers, a map of the selection and the population year by year."""

import altair as alt
import pandas as pd
import streamlit as st

from landmap import (
    LEOPARD,
    animated_gif,
    briefing_pack,
    build_briefing,
    camera_offset,
    csv_bytes,
    density_report,
    density_text,
    detections,
    doubtful,
    local_time,
    overview_largest,
    overview_map,
    overview_title,
    year_player_html,
    year_sequence,
    yearly_table,
)
from landmap.app import cache, filters, photos, state, widgets
from landmap.app.state import _, ngettext

briefing = widgets.briefing_mode()
playing = widgets.year_player()
selection = cache.selection()
span = selection.span_label
species = st.session_state[state.SPECIES]
# a package without leopards is shown with its commonest animal: title, circles and figures
title = overview_title(selection, species, _)
st.title(title)
st.caption(_("Data: {title}").format(title=selection.metadata.get("title", selection.source)))
flagged = doubtful(selection.problems)
if flagged and not briefing:
    st.warning(ngettext("{n} row of these data was flagged for a look (see the Data page).",
                        "{n} rows of these data were flagged for a look (see the Data page).",
                        flagged).format(n=state.lang().number(flagged)))
widgets.headline_metrics(cache.current_headline(), st.session_state[state.SPECIES])
# SECR density needs one survey year and the whole population (not a few individuals);
# it is fitted last, so that the map and charts are not kept waiting for it (and not for
# the year player's frames, which must follow each other quickly)
first, last = selection.year_span
density_line = (st.empty() if first == last and not st.session_state[state.INDIVIDUALS]
                and not playing else None)
if density_line is not None:
    density_line.caption(_("Estimating the leopard density (SECR) for {year}…").format(
        year=first))



def _map():
    shown = cache.selection()
    return overview_map(shown, title=overview_title(shown, species, _), lang=state.lang(),
                        scale=cache.frame_scale(overview_largest, species=species),
                        species=species)


# a click on a station's circle opens the photos taken there beside the map
picked = photos.picked_place("overview") if not briefing else None
left, right = st.columns([3, 1]) if picked else (st.container(), None)
with left, st.spinner(_("Drawing the map…")):
    clicked = widgets.show_map("overview", _map, clicks=not briefing)
photos.place_panel("overview", clicked, right, [st.session_state[state.SPECIES]])

photo = photos.selection_photo_box() if not playing else None

# "New" needs the years before the selection: the table is counted over all years (with
# the other filters) and reports the selected span; `landmap summary` prints the same.
table = cache.compute(yearly_table, all_years=True, years=selection.year_span,
                      effort=filters.effort_unit())

left, right = st.columns(2)
with left:
    st.subheader(_("Leopards photographed per year"))
    sides_named = [_("Russia only"), _("China only"), _("Both sides")]
    per_side = pd.DataFrame({
        "year": table["year"],
        sides_named[0]: table["russia_only"],
        sides_named[1]: table["china_only"],
        sides_named[2]: table["both"],
    }).melt("year", var_name="seen in", value_name="individuals")
    st.altair_chart(
        alt.Chart(per_side).mark_bar().encode(
            x=alt.X("year:O", title=_("Year")),
            y=alt.Y("individuals:Q", title=_("Individuals (minimum count)")),
            color=alt.Color("seen in:N", title=_("Seen in"), scale=alt.Scale(
                domain=sides_named, range=["#0072B2", "#D55E00", "#CC79A7"])),
            tooltip=[alt.Tooltip("year", title=_("Year")),
                     alt.Tooltip("seen in", title=_("Seen in")),
                     alt.Tooltip("individuals", title=_("Individuals"))]),
        width="stretch")
with right:
    st.subheader(_("New individuals and females with cubs"))
    births = table.melt("year", ["new_individuals", "females_with_cubs"],
                             var_name="count of", value_name="animals")
    births["count of"] = births["count of"].map({"new_individuals": _("New individuals"),
                                                 "females_with_cubs": _("Females with cubs")})
    st.altair_chart(
        alt.Chart(births).mark_bar().encode(
            x=alt.X("year:O", title=_("Year")), xOffset="count of:N",
            y=alt.Y("animals:Q", title=_("Individuals")),
            color=alt.Color("count of:N", title=_("Count of"),
                            scale=alt.Scale(range=["#009E73", "#E69F00"])),
            tooltip=[alt.Tooltip("year", title=_("Year")),
                     alt.Tooltip("count of", title=_("Count of")),
                     alt.Tooltip("animals", title=_("Individuals"))]),
        width="stretch")

st.subheader(_("Detections per month"))
obs = detections(selection.observations, species)
local = local_time(obs["eventStart"], camera_offset(obs))
monthly = local.dt.to_period("M").dt.to_timestamp().value_counts().sort_index()
monthly = monthly.rename_axis("month").reset_index(name="detections")
st.altair_chart(
    alt.Chart(monthly).mark_line(point=True, color="#0072B2").encode(
        x=alt.X("month:T", title=_("Month"), axis=alt.Axis(format=state.month_format())),
        y=alt.Y("detections:Q", title=_("Detections")),
        tooltip=[alt.Tooltip("month:T", format="%Y-%m", title=_("Month")),
                 alt.Tooltip("detections", title=_("Detections"))]),
    width="stretch")

density = None
if density_line is not None:
    try:
        report = cache.compute(density_report, narrow={"years": (first, first)},
                               models=("null",), likelihood="full", months=None)
    except ValueError as error:
        density_line.caption(_("No density estimate for {year}: {reason}.").format(
            year=first, reason=state.lang().text(error.args[0])))
    else:
        density = report["estimates"]["null"]
        density_line.markdown(_(
            "**Leopard density (SECR), {year}: {value} per 100 km²** (95 % interval), "
            "{n} identified adults. See the Density page.").format(
            year=first, value=density_text(density, state.lang()),
            n=state.lang().number(density.n)))

if not briefing:
    st.caption(_("All counts are minimum counts: camera traps miss animals.")
               + ("" if species == LEOPARD else " " + _("Monthly detections are of {species}.")
                  .format(species=species)))
    safe = cache.for_download()
    lang = state.lang()
    release = cache.release()
    chosen = list(st.session_state[state.INDIVIDUALS])
    several = first < last
    each_year = several and st.checkbox(
        _("Briefing pack: add a page per year with its map"), key="pack-each-year")
    pack_photo = photos.photo_for_pack(photo)
    pack = [(_("Briefing pack (PDF)"),
             lambda: briefing_pack(build_briefing(release, title, chosen, lang=lang,
                                                  density=density, sequence=each_year,
                                                  photo=pack_photo())),
             f"landmap-briefing-{span}.pdf", "application/pdf")] if widgets.chromium_path() else []
    pace = float(st.session_state.get(state.PLAYER_SPEED, 2.0))
    if several and widgets.chromium_path():
        pack.append((_("Years as an animation (GIF)"),
                     lambda: animated_gif([png for _, png in year_sequence(release, lang=lang)],
                                          seconds=pace),
                     f"landmap-years-{span}.gif", "image/gif"))
    if several:
        pack.append((_("Years as a player (HTML, works offline)"),
                     lambda: year_player_html(release, lang=lang, seconds=pace).encode("utf-8"),
                     f"landmap-years-{span}.html", "text/html"))
    widgets.download_row([
        *pack,
        (_("Yearly table (CSV)"), lambda: csv_bytes(safe(table), lang),
         f"landmap-years-{span}.csv",
         "text/csv"),
        *widgets.map_downloads(lambda: overview_map(safe(selection), title=title, lang=lang,
                                                    species=species),
                               title, f"landmap-overview-{span}"),
    ], key="overview")

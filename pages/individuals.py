"""Individuals: one leopard's profile: when and where it was seen, its ranges, its cubs."""

import altair as alt
import pandas as pd
import streamlit as st

from landmap import (
    csv_bytes,
    cubs_by_mother,
    geojson_bytes,
    home_range_map,
    home_ranges,
    independent_detections,
    movement_map,
    movement_path,
    range_notes,
)
from landmap.app import cache, filters, photos, state, widgets
from landmap.app.state import _, ngettext

briefing = widgets.briefing_mode()
selection = cache.selection()
ids = selection.leopard_ids()
if not ids:
    st.title(_("Individuals"))
    st.info(_("No identified leopard is photographed in the current selection."))
    st.stop()
label = filters.individual_label(selection)
chosen = st.session_state[state.INDIVIDUALS]
# The animal named in the filters, else the one photographed most in the selection.
named = selection.observations["individualID"]
named = named[named != ""].astype("str")
default = chosen[0] if chosen and chosen[0] in ids else named.value_counts().index[0]
if st.session_state.get(state.PROFILE) not in ids:
    st.session_state[state.PROFILE] = default
animal = st.selectbox(_("Individual"), ids, key=state.PROFILE, format_func=label,
                      label_visibility="collapsed" if briefing else "visible")
one = selection.filter(individuals=[animal])
info = selection.individuals.set_index("individualID").reindex([animal]).iloc[0].fillna("")
st.title(label(animal))

points = cache.compute(independent_detections, narrow={"individuals": [animal]})
n = state.lang().number
sexes = {"female": _("female"), "male": _("male")}
country_names = {"RUS": _("Russia"), "CHN": _("China")}
a, b, c, d = st.columns(4)
a.metric(_("Independent detections"), n(len(points)))
b.metric(_("Stations"), n(points["locationID"].nunique()))
# one date per metric: "first / last" in one box was cut off even at 1920 pixels
c.metric(_("First seen"), f"{points['eventStart'].min():%Y-%m-%d}" if len(points) else "—")
d.metric(_("Last seen"), f"{points['eventStart'].max():%Y-%m-%d}" if len(points) else "—")
facts = [sexes.get(info.get("sex", ""), _("sex unknown"))]
if info.get("birthYear"):
    facts.append(_("born {year}").format(year=info["birthYear"]))
if info.get("mother"):
    facts.append(_("mother {mother}").format(mother=info["mother"]))
countries = sorted(points["country"].unique())
facts.append(_("seen in {countries}").format(
    countries=_(" and ").join(country_names.get(c, c) for c in countries)))
st.caption("; ".join(facts) + ".")

def capture_history() -> None:
    st.subheader(_("Capture history"))
    history = points.assign(month=points["eventStart"].dt.tz_convert(None).dt.to_period("M")
                            .dt.to_timestamp(),
                            country=points["country"].map(country_names))
    history = history.groupby(["month", "country"], as_index=False).size()
    st.altair_chart(
        alt.Chart(history).mark_bar(width=6).encode(
            x=alt.X("month:T", title=_("Month"), axis=alt.Axis(format=state.month_format())),
            y=alt.Y("size:Q", title=_("Independent detections"),
                axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("country:N", title=_("Country"), scale=alt.Scale(
                domain=[country_names["RUS"], country_names["CHN"]],
                range=["#0072B2", "#D55E00"])),
            tooltip=[alt.Tooltip("month:T", format="%Y-%m", title=_("Month")),
                     alt.Tooltip("country", title=_("Country")),
                     alt.Tooltip("size", title=_("Independent detections"))]),
        width="stretch")


# on a projector the map comes first, so that it is on the first screen
if not briefing:
    capture_history()
if not briefing:  # on a projector the map's legend names it
    st.subheader(_("Range per year (KDE 95 %, or MCP where too few stations)"))
ranges = cache.compute(home_ranges, narrow={"individuals": [animal]}, by="year", levels=(95,))
yearly = ranges[ranges.geometry.notna()].copy()
best = (yearly.sort_values("method").drop_duplicates("year_from", keep="first")
        .sort_values("year_from"))  # KDE where there is one, else MCP; legend in year order
years = sorted(best["year_from"].unique())
ramp = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"]
colours = {y: ramp[round(i * (len(ramp) - 1) / max(len(years) - 1, 1))]
           for i, y in enumerate(years)}
map_title = _("{animal}: ranges by year").format(animal=animal)
lang = state.lang()
m = home_range_map(one, best, colour_key="year_from", colours=colours, title=map_title,
                   lang=lang)
widgets.draw_map(m, cache.map_key("individual", animal))
st.dataframe(ranges.drop(columns="geometry").assign(note=lambda t: range_notes(t, lang)),
             hide_index=True, width="stretch",
             column_config={"individualID": _("Individual"), "year_from": _("From"),
                            "year_to": _("To"), "method": _("Method"), "level": _("Level (%)"),
                            "n_locations": _("Detections"), "n_stations": _("Stations"),
                            "bandwidth_m": st.column_config.NumberColumn(_("Bandwidth (m)"),
                                                                         format="%.0f"),
                            "area_km2": st.column_config.NumberColumn(_("Area (km²)"),
                                                                      format="%.1f"),
                            "note": _("Why")})
if briefing:
    capture_history()

st.subheader(_("Movements in time order"))
# from the selection as this session may see it: a viewer's path joins cell centres
path = movement_path(one, animal)
if len(path):
    crossings = int(path["crosses_border"].sum())
    st.caption(ngettext("{n} step between places", "{n} steps between places", len(path))
               .format(n=n(len(path))) + "; " + ngettext(
        "{n} across the border", "{n} across the border", crossings).format(n=n(crossings))
               + ". " + _("Straight lines between the stations of consecutive independent "
                          "detections: the way the animal went is unknown."))
    moves_title = _("{animal}: movements in time order").format(animal=animal)
    widgets.draw_map(movement_map(one, path, moves_title, lang=lang),
                     cache.map_key("movements", animal))
else:
    st.info(_("{animal} was photographed at one place only in the selection.").format(
        animal=animal))

# over the whole selection: narrowed to her ID, the cubs' own rows (no ID) would be gone
cubs = cache.compute(cubs_by_mother)
cubs = cubs[cubs["individualID"] == animal]
if len(cubs):
    st.subheader(_("Cubs photographed with her"))
    st.dataframe(cubs, hide_index=True, width="stretch",
                 column_config={"year": _("Year"), "cubs": _("Most cubs seen at once"),
                                "individualID": _("Mother")})
offspring = selection.individuals[selection.individuals["mother"] == animal]
if len(offspring):
    st.caption(_("Known offspring: {names}").format(
        names=", ".join(map(label, offspring["individualID"]))))


def photo_section() -> None:
    st.subheader(_("Photos"))
    mine = photos.session_photos(animal)
    # any animal of the survey, whatever the filters: the one to tell apart may be another
    others = [i for i in cache.survey().leopard_ids() if i != animal]
    left, right = st.columns([2, 3])
    arrange = left.radio(_("Arrange by"), ["year", "side"], horizontal=True,
                         key="photos-arrange", format_func={
                             "year": _("year"), "side": _("side of the border")}.get)
    other = right.selectbox(_("Compare spot patterns with"), [None, *others],
                            key="photos-compare",
                            format_func=lambda i: _("no one") if i is None else label(i))
    if other is not None:
        a, b = st.columns(2)
        with a:
            st.markdown(f"**{label(animal)}**")
            photos.gallery(mine, "mine", limit=6, columns=2)
        with b:
            st.markdown(f"**{label(other)}**")
            photos.gallery(photos.session_photos(other), "other", limit=6, columns=2)
        return
    if mine.empty:
        photos.gallery(mine, "none")
        return
    groups = (mine.groupby("year", sort=True) if arrange == "year"
              else mine.groupby("country", sort=True))
    for value, part in groups:
        title = (str(value) if arrange == "year" else
                 country_names.get(value, value))
        st.markdown(f"**{title}** · " + ngettext("{n} photo", "{n} photos", len(part))
                    .format(n=n(len(part))))
        photos.gallery(part, f"{arrange}-{value}", limit=8)


photo_section()

if not briefing:
    safe = cache.for_download()
    widgets.download_row([
        (_("Detections (CSV)"), lambda: csv_bytes(pd.DataFrame(safe(points)), lang),
         f"landmap-{animal.replace(' ', '_')}-detections.csv", "text/csv"),
        (_("Ranges (GeoJSON)"), lambda: geojson_bytes(safe(yearly)),
         f"landmap-{animal.replace(' ', '_')}-ranges.geojson", "application/geo+json"),
        *widgets.map_downloads(lambda: home_range_map(safe(one), safe(best), colour_key="year_from",
                                                 colours=colours, title=map_title,
                                                 lang=lang),
                          label(animal), f"landmap-{animal.replace(' ', '_')}-ranges"),
    ], key="individual")

"""Activity and species: when each species is active, how leopards overlap in time with
their prey and with tigers, where each species is photographed, and detection histories
for occupancy software."""

import streamlit as st

from landmap import (
    LEOPARD,
    MIN_DETECTIONS,
    TIGER,
    activity_chart,
    activity_density,
    activity_times,
    co_occurrence,
    co_occurrence_map,
    compare_activity,
    csv_bytes,
    day_bands,
    detection_history,
    missing_positions,
    naive_occupancy,
    species_by_station,
    species_label,
    station_values_map,
    wild_species,
)
from landmap.app import cache, state, widgets
from landmap.app.state import _

briefing = widgets.briefing_mode()
selection = cache.selection()
lang = state.lang()
n = lang.number
st.title(_("Activity and species, {span}").format(span=selection.span_label))
animals = cache.compute(wild_species)
if not animals:
    st.info(_("No animal is photographed in the current selection."))
    st.stop()
choices = [*animals, "human", "vehicle"]


def name(species: str) -> str:
    return species_label(species, _)


TIMES = {"clock": _("camera clock"), "sun": _("sun time")}
CHART_TEXT = {"hour": _("Hour of the day"), "density": _("Activity (density per hour)"),
              "night": _("night"), "twilight": _("twilight"), "day": _("day"),
              "curve": ""}
RULE = _("Independent detections: photographs of the same animal (or, without an ID, the "
         "same species) at one station less than 30 minutes apart count once. Hours are "
         "on each camera's own clock (the UTC offset of its deployment).")
BANDS = _("Behind the curves: night (dark), twilight (light) and day (white), averaged over "
          "the stations and dates of the detections.")
SUN = _("Sun time puts every sunrise at 06:00 and every sunset at 18:00 (Vazquez et al. "
        "2019), so that a peak at dusk stays one peak over a year whose days last 9 to 15 "
        "hours; sunrise and sunset from NOAA's solar equations at each station.")

# One section at a time (a map drawn in a hidden tab keeps a height of 0, and only the
# section shown is computed: the overlap's bootstrap runs when it is asked for).
SECTIONS = {"when": _("When"), "together": _("Overlap in time"), "where": _("Where"),
            "histories": _("Detection histories")}
a, b = st.columns([3, 2])
section = a.radio(_("Section"), list(SECTIONS), format_func=SECTIONS.get, horizontal=True,
                  key="activity-section", label_visibility="collapsed")
# the clock matters to the curves only; elsewhere its place goes to the map
time = (b.radio(_("Time of day"), list(TIMES), format_func=TIMES.get, horizontal=True,
                key="activity-time") if section in ("when", "together") else "clock")

if section == "when":
    a, b = st.columns([3, 2])
    species = a.selectbox(_("Species"), choices, format_func=name, key="activity-species")
    adjust = b.select_slider(_("Smoothing"), [0.5, 0.75, 1.0, 1.5, 2.0, 3.0], value=1.0,
                             help=_("Divides the kernel's concentration chosen from the data "
                                    "(Ridout & Linkie 2009): above 1 smoother, below 1 more "
                                    "detail"), key="activity-adjust")
    times = cache.compute(activity_times, species=species, time=time)
    st.metric(_("Independent detections"), n(len(times)))
    if len(times) < MIN_DETECTIONS:
        st.info(_("{species}: {n} independent detections in the selection; an activity "
                  "curve needs at least {least}.").format(species=name(species), n=len(times),
                                                          least=MIN_DETECTIONS))
    else:
        label = name(species)
        curve = activity_density(times["radians"], adjust).rename(
            columns={"density": label})
        st.altair_chart(activity_chart(curve, [times], day_bands(times, time), CHART_TEXT),
                        width="stretch")
        if not briefing:
            st.download_button(
                _("Activity curve (CSV)"), csv_bytes(curve, lang),
                f"landmap-activity-{species.replace(' ', '_')}.csv", "text/csv",
                key="activity-curve-csv", on_click="ignore")
    if time == "sun":
        missing = cache.compute(missing_positions)
        if missing:
            st.warning(_("Stations without a position or UTC offset have no sun time and "
                         "are left out: {stations}").format(stations=", ".join(missing)))
    if not briefing:
        st.caption(BANDS + " " + RULE + " " + (SUN if time == "sun" else ""))

elif section == "together":
    pairs = {"species": _("Leopards and another species"),
             "sex": _("Male and female leopards"),
             "country": _("Leopards in Russia and in China")}
    pair = st.radio(_("Compare"), list(pairs), format_func=pairs.get, horizontal=True,
                    key="activity-pair")
    leopards = name(LEOPARD)
    if pair == "species":
        others = [s for s in choices if s != LEOPARD]
        other = st.selectbox(_("with"), others, format_func=name, key="activity-other",
                             index=others.index("Cervus nippon") if "Cervus nippon" in others
                             else 0)
        first = {"species": LEOPARD, "label": leopards}
        second = {"species": other, "label": name(other)}
    elif pair == "sex":
        first = {"species": LEOPARD, "sex": ["male"], "label": _("males")}
        second = {"species": LEOPARD, "sex": ["female"], "label": _("females")}
    else:
        first = {"species": LEOPARD, "country": ["RUS"], "label": _("Russia")}
        second = {"species": LEOPARD, "country": ["CHN"], "label": _("China")}
    with st.spinner(_("Bootstrapping the overlap (999 resamples)…")):
        result = cache.compute(compare_activity, first=first, second=second, time=time)
    found = result["overlap"]
    if found is None:
        st.info(_("No overlap is estimated: {reason}.").format(
            reason=lang.text(result["message"])))
    else:
        estimators = {"Dhat1": "Δ̂₁", "Dhat4": "Δ̂₄"}
        a, b, c = st.columns(3)
        a.metric(_("Overlap ({estimator})").format(estimator=estimators[found.estimator]),
                 n(found.estimate, 2),
                 help=_("The area under both curves: 0 never active at the same time, 1 the "
                        "same activity. Δ̂₄ when the smaller sample has at least 75 "
                        "detections, else Δ̂₁ (Ridout & Linkie 2009)."))
        b.metric(_("95 % interval"), f"{n(found.lower, 2)} – {n(found.upper, 2)}",
                 help=_("Smoothed bootstrap, {n} resamples (the percentile interval shifted "
                        "by the bootstrap's bias)").format(n=found.resamples))
        c.metric(_("Detections"), f"{n(found.n[0])} / {n(found.n[1])}")
    labels = result["labels"]
    chart = activity_chart(result["curves"], result["times"],
                           day_bands(result["times"][0], time),
                           CHART_TEXT, shade_overlap=found is not None)
    st.altair_chart(chart, width="stretch")
    if not briefing:
        st.caption(_("Shaded: the overlap, the area under both curves.") + " " + BANDS + " "
                   + RULE)
        st.download_button(_("Both curves (CSV)"), csv_bytes(result["curves"], lang),
                           "landmap-activity-overlap.csv", "text/csv",
                           key="activity-overlap-csv", on_click="ignore")

elif section == "where":
    table = cache.compute(species_by_station)
    shown = {"rai": _("Relative abundance (independent detections per 100 trap-nights)"),
             "richness": _("Species richness (species photographed)"),
             "tiger": _("Where leopards and tigers are photographed")}
    a, b = st.columns([3, 2])
    what = a.selectbox(_("Map"), list(shown), format_func=shown.get, key="activity-map")
    if what == "rai":
        mapped = b.selectbox(_("Species"), animals, format_func=name, key="activity-rai")
        m = station_values_map(selection, table, f"{mapped} RAI",
                               _("{species}: independent detections per 100 trap-nights, "
                                 "{span}").format(species=name(mapped),
                                                  span=selection.span_label),
                               _("RAI"), lang=lang)
        key = ("rai", mapped)
    elif what == "richness":
        m = station_values_map(selection, table, "richness",
                               _("Species photographed per station, {span}").format(
                                   span=selection.span_label), _("Species"), lang=lang)
        key = ("richness",)
    else:
        both = cache.compute(co_occurrence, first=LEOPARD, second=TIGER)
        m = co_occurrence_map(selection, both, (name(LEOPARD), name(TIGER)),
                              _("Leopards and tigers by station, {span}").format(
                                  span=selection.span_label), lang=lang)
        key = ("tiger",)
    widgets.draw_map(m, cache.map_key("species", *key))
    occupancy_species = mapped if what == "rai" else LEOPARD
    st.subheader(_("Naive occupancy of {species}").format(species=name(occupancy_species)))
    sites = {"station": _("stations"), "cell": _("5 km cells")}
    site = st.radio(_("Sites"), list(sites), format_func=sites.get, horizontal=True,
                    key="activity-sites")
    occupancy = cache.compute(naive_occupancy, species=occupancy_species,
                              cell_km=5.0 if site == "cell" else None)
    st.dataframe(occupancy.drop(columns="site"), hide_index=True, width="stretch",
                 column_config={
                     "year": st.column_config.NumberColumn(_("Year"), format="%d"),
                     "sites": _("Sites working"), "with_detections": _("Sites with detections"),
                     "naive_occupancy": st.column_config.NumberColumn(_("Naive occupancy"),
                                                                      format="%.2f")})
    if not briefing:
        st.caption(_("Naive occupancy is the share of working sites where the species was "
                     "photographed; a site where it was missed counts as unoccupied. An "
                     "occupancy model (see Detection histories) corrects for missed "
                     "detections."))
        safe = cache.for_download()
        widgets.download_row([
            (_("Stations and species (CSV)"), lambda: csv_bytes(safe(table), lang),
             "landmap-species-by-station.csv", "text/csv"),
            (_("Naive occupancy (CSV)"), lambda: csv_bytes(occupancy, lang),
             "landmap-naive-occupancy.csv", "text/csv"),
        ], key="activity-where")

else:
    a, b = st.columns(2)
    history_species = a.selectbox(_("Species"), animals, format_func=name,
                                  key="activity-history-species")
    days = b.number_input(_("Occasion length (days)"), 1, 366, 7, key="activity-occasion")
    history, effort = cache.compute(detection_history, species=history_species,
                                    occasion_days=int(days))
    a, b, c = st.columns(3)
    a.metric(_("Stations"), n(len(history)))
    b.metric(_("Occasions"), n(history.shape[1]))
    c.metric(_("Occasions with a detection"), n(int(history.sum().sum())))
    st.dataframe(history.iloc[:, :60], width="stretch")
    st.caption(_("1: photographed in the occasion, 0: not, empty: no camera working (NA). "
                 "Occasions start at the first working day of the selection; effort is the "
                 "camera-days worked in each occasion. For unmarked (R) or PRESENCE."))
    slug = history_species.replace(" ", "_")
    widgets.download_row([
        (_("Detection history (CSV)"), lambda: history.to_csv(na_rep="NA").encode("utf-8"),
         f"landmap-detection-history-{slug}-{int(days)}d.csv", "text/csv"),
        (_("Effort (CSV)"), lambda: effort.round(3).to_csv().encode("utf-8"),
         f"landmap-effort-{slug}-{int(days)}d.csv", "text/csv"),
    ], key="activity-history")

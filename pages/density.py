"""Density: leopards per 100 km² with a 95 % interval, by spatially explicit
capture–recapture of the identified adults (one session per year)."""

import altair as alt
import pandas as pd
import streamlit as st

from landmap import (
    csv_bytes,
    density_report,
    density_surface_map,
    report_surface,
    secr_zip,
)
from landmap.app import cache, precision, state, widgets
from landmap.app.state import _

briefing = widgets.briefing_mode()
selection = cache.selection()
lang = state.lang()
n = lang.number
first, last = selection.year_span
years = list(range(first, last + 1))
heading = st.empty()
# In briefing mode the choices fold away, so that the estimate and its map fill the screen.
method = st.expander(_("Method"), expanded=not briefing)
a, b, c = method.columns([1, 2, 2])
year = a.selectbox(_("Year"), years, index=len(years) - 1, key="density-year")
MODELS = {"null": _("one σ and λ0"), "sex": _("σ and λ0 by sex"),
          "both": _("both, compared by AIC")}
model = b.radio(_("Model"), list(MODELS), format_func=MODELS.get, key="density-model",
                horizontal=True)
LIKELIHOODS = {"full": _("full"), "conditional": _("conditional (D = n / a)")}
likelihood = c.radio(_("Likelihood"), list(LIKELIHOODS), format_func=LIKELIHOODS.get,
                     key="density-likelihood", horizontal=True)
with method:
    e, f = st.columns(2)
    start = e.selectbox(_("From month"), range(1, 13), index=0, format_func=lang.month,
                        key="density-from")
    end = f.selectbox(_("To month"), range(1, 13), index=11, format_func=lang.month,
                      key="density-to",
                      help=_("A season may run over the new year (November to April takes "
                             "January–April and November–December of the chosen year)"))
months = None if (start, end) == (1, 12) else (start, end)
season = "" if months is None else f" ({lang.month(start)}–{lang.month(end)})"
heading.title(_("Leopard density (SECR), {year}").format(year=year) + season)
models = ("null", "sex") if model == "both" else (model,)
with st.spinner(_("Fitting the SECR model (a few seconds per model)…")):
    try:
        report = cache.compute(density_report, narrow={"years": (year, year)},
                               models=models, likelihood=likelihood, months=months)
    except ValueError as error:
        st.info(_("No estimate for {year}: {reason}.").format(
            year=year, reason=lang.text(error.args[0])))
        st.stop()
best = report["aic"].iloc[0]["model"]
found = report["estimates"][best]
data = report["captures"].data
a, b, c, d = st.columns(4)
a.metric(_("Leopards per 100 km²"), n(found.density_100km2, 2),
         help=_("Identified adults; SECR with a half-normal detection hazard"))
b.metric(_("95 % interval"), f"{n(found.lcl_100km2, 2)} – {n(found.ucl_100km2, 2)}",
         help=_("Log-normal, from the standard error (Hessian on the link scale)"))
c.metric(_("Identified adults"), n(found.n))
d.metric(_("Animal-station-days"), n(found.detections),
         help=_("Days on which an adult was photographed at a station (one-day occasions)"))
for note in found.notes:
    st.warning(lang.text(note))
if not briefing:  # the map's legend names it; on a projector the map takes the room
    st.subheader(_("Where the activity centres are"))
# never finer than the location policy's grid; 2 km at least, as the mask points are
# about 1.5 km apart and a finer grid would show holes between them
sizes = [k for k in (2, 5, 10) if precision.precision().allows_cells(k)]
cell_km = sizes[0] if len(sizes) == 1 or briefing else st.select_slider(
    _("Cell size (km)"), sizes, value=sizes[0], key="density-cell",
    help=_("Cells finer than the location precision are not offered"))
report_input = {"report": (density_report, {"models": models, "likelihood": likelihood,
                                            "months": months})}
cells = cache.compute(report_surface, narrow={"years": (year, year)}, inputs=report_input,
                      model=best, cell_km=cell_km)
surface_title = _("Leopards per 100 km², {year} ({km} km cells)").format(year=year,
                                                                        km=cell_km)
widgets.draw_map(density_surface_map(selection.filter(years=year), cells, surface_title,
                                     lang=lang),
                 cache.map_key("density-surface", year, model, likelihood, months, cell_km))
if not briefing:
    st.caption(_("Each cell: the photographed adults' chance that their activity centre "
                 "lies there, plus the adults expected there but never photographed, per "
                 "100 km² of land in the mask. Summed over the cells they make the realised "
                 "N of the whole mask ({total})."). format(total=n(cells["leopards"].sum(), 1)))
if len(models) > 1:
    st.subheader(_("Models"))
    table = report["aic"].assign(model=report["aic"]["model"].map(MODELS))
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "model": _("Model"), "parameters": _("Parameters"), "aic": _("AIC"),
        "delta_aic": _("ΔAIC"), "density_per_100km2": _("Leopards per 100 km²")})
st.subheader(_("Leopards in each area"))
AREAS = {"land-of-the-leopard": _("Land of the Leopard National Park"),
         "ne-china-tiger-leopard": _("Northeast China Tiger and Leopard National Park"),
         "RUS": _("Russian side"), "CHN": _("Chinese side")}
areas = report["areas"][best]
shown = areas.assign(area=areas["area"].map(AREAS).fillna(areas["area"]),
                     expected=[f"{n(v, 1)} ({n(lo, 1)}–{n(hi, 1)})" for v, lo, hi in zip(
                         areas["expected"], areas["expected_lcl"], areas["expected_ucl"],
                         strict=True)],
                     realised=[f"{n(v, 1)} ({n(lo, 1)}–{n(hi, 1)})" for v, lo, hi in zip(
                         areas["realised"], areas["realised_lcl"], areas["realised_ucl"],
                         strict=True)])
st.dataframe(shown[["area", "mask_km2", "detected", "realised", "expected"]],
             hide_index=True, width="stretch", column_config={
                 "area": _("Area"),
                 "mask_km2": st.column_config.NumberColumn(_("Habitat in the mask (km²)"),
                                                           format="%.0f"),
                 "detected": st.column_config.NumberColumn(
                     _("Photographed adults living there"), format="%.1f"),
                 "realised": _("Realised N (95 %)"), "expected": _("Expected N (95 %)")})
if not briefing:
    st.caption(_("Realised N: the photographed adults whose activity centre lies in the area "
                 "(each by the probability that it does) plus those expected there but never "
                 "photographed. Expected N: the density times the area, as if leopards lived "
                 "evenly on all the land of the mask, also where none lives."))
st.subheader(_("Estimates ({model})").format(model=MODELS[best]))
names = {"D (per ha)": _("D (per ha)"), "D (per 100 km2)": _("D (per 100 km²)"),
         "lambda0": _("λ0 (daily hazard at the centre)"), "g0": "g0",
         "sigma (m)": _("σ (m)")}
groups = {"all": "", "female": _("females"), "male": _("males")}
rows = [fit.table.assign(group=groups[group],
                         parameter=fit.table["parameter"].map(names))
        for group, fit in found.fits.items()]
parameters = pd.concat(rows, ignore_index=True)[["group", "parameter", "estimate", "se",
                                                  "lcl", "ucl"]]
per_ha = parameters["parameter"] == names["D (per ha)"]  # in the download, too small here
st.dataframe(parameters[~per_ha], hide_index=True, width="stretch", column_config={
    "group": _("Animals"), "parameter": _("Parameter"), "estimate": _("Estimate"),
    "se": _("SE"), "lcl": _("Lower 95 %"), "ucl": _("Upper 95 %")})
if not briefing:
    st.caption(_(
        "Spatially explicit capture–recapture (Borchers & Efford 2008, as the R package "
        "secr fits it): each station is a proximity detector on one-day occasions, used "
        "for the share of each day one of its cameras worked; activity centres on land "
        "within {buffer} km of a station ({area}, points {spacing} km apart). Cubs are "
        "left out: they are not independent of their mother. Published for comparison: "
        "about 0.98 leopards per 100 km² over the Russian protected areas in 2014–2015 "
        "(Vitkalova & Shevtsova 2016) and 0.62 in a study in Jilin, China.").format(
        buffer=n(found.buffer_m / 1000, 1), area=lang.area(found.mask_km2, 0),
        spacing=n(found.spacing_m / 1000, 2)))
    st.download_button(_("Estimates (CSV)"), csv_bytes(parameters, lang),
                       f"landmap-density-{year}.csv", "text/csv", key="density-csv",
                       on_click="ignore")
    if precision.download_precision().exact:
        st.download_button(
            _("Capture history for secr (ZIP)"), secr_zip(report["captures"], str(year)),
            f"landmap-secr-{year}.zip", "application/zip", key="density-secr",
            on_click="ignore",
            help=_("secr's text formats (traps with daily usage, captures by station) and "
                   "the R lines that read them, to check this fit in R"))
    else:
        st.caption(_("The capture history for secr holds the stations' exact positions (a "
                     "fit needs the distances between them): analysts can download it with "
                     "exact coordinates in downloads."))

st.subheader(_("Every year of the selection"))
if st.button(_("Estimate every year"), key="density-every-year",
             help=_("One fit per year, about 10–20 s each; each year is kept once fitted")):
    st.session_state["density-years-shown"] = True
if st.session_state.get("density-years-shown"):
    rows, progress = [], st.progress(0.0)
    for i, one_year in enumerate(years):
        progress.progress(i / len(years), text=_("Fitting {year}…").format(year=one_year))
        try:
            yearly = cache.compute(density_report, narrow={"years": (one_year, one_year)},
                                   models=models, likelihood=likelihood, months=months)
        except ValueError as error:
            rows.append({"year": one_year, "note": lang.text(error.args[0])})
            continue
        top = yearly["estimates"][yearly["aic"].iloc[0]["model"]]
        rows.append({"year": one_year, "n": top.n, "density": top.density_100km2,
                     "lcl": top.lcl_100km2, "ucl": top.ucl_100km2, "note": ""})
    progress.empty()
    by_year = pd.DataFrame(rows)
    fitted = by_year.dropna(subset=["density"]) if "density" in by_year else by_year.iloc[0:0]
    if len(fitted):
        base = alt.Chart(fitted).encode(x=alt.X("year:O", title=_("Year"),
                                                axis=alt.Axis(labelAngle=0)))
        st.altair_chart(
            base.mark_rule(strokeWidth=2).encode(
                y=alt.Y("lcl:Q", title=_("Leopards per 100 km²")), y2="ucl:Q")
            + base.mark_point(filled=True, size=80).encode(
                y="density:Q", tooltip=[alt.Tooltip("year:O"),
                                        alt.Tooltip("density:Q", format=".2f"),
                                        alt.Tooltip("lcl:Q", format=".2f"),
                                        alt.Tooltip("ucl:Q", format=".2f")]),
            width="stretch")
    st.dataframe(by_year, hide_index=True, width="stretch", column_config={
        "year": st.column_config.NumberColumn(_("Year"), format="%d"),
        "n": _("Identified adults"),
        "density": st.column_config.NumberColumn(_("Leopards per 100 km²"), format="%.2f"),
        "lcl": st.column_config.NumberColumn(_("Lower 95 %"), format="%.2f"),
        "ucl": st.column_config.NumberColumn(_("Upper 95 %"), format="%.2f"),
        "note": _("Note")})

"""Grid cells shaded by trap effort, station density or detection rate, with the
park's coverage gaps."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from landmap.i18n import N_, Language
from landmap.maps.base import base_map, features, finish_map, map_language, tooltip
from landmap.maps.legend import swatch_dot, swatch_fill
from landmap.maps.stations import add_stations
from landmap.maps.style import COLOURS, RAMP
from landmap.survey import Survey

__all__ = ["UNITS", "density_map"]


def _bins(values: pd.Series, steps: int = 5) -> list[float]:
    positive = values[values > 0]
    if positive.empty:
        return [0, 1]
    edges = np.unique(np.quantile(positive, np.linspace(0, 1, steps + 1)))
    return [float(e) for e in edges] if len(edges) > 1 else [0.0, float(edges[0])]


UNITS = {
    "trap_nights": N_("Trap-nights per cell"),
    "stations_per_100km2": N_("Stations per 100 km²"),
    "detection_rate": N_("Independent detections per 100 trap-nights"),
}


def density_map(survey: Survey, grid: gpd.GeoDataFrame, gaps: gpd.GeoDataFrame | None,
                metric: str = "trap_nights", title: str | None = None,
                lang: Language | None = None) -> folium.Map:
    """Grid cells shaded by effort, station density or detection rate, with coverage gaps.

    Parameters
    ----------
    survey : Survey
    grid : GeoDataFrame
        From :func:`landmap.effort.effort_grid` (one year, or summed with ``by_year=False``).
    gaps : GeoDataFrame or None
        From :func:`landmap.effort.coverage_gaps`; None where the park's coverage is not
        measured (no station near it): no gap layer nor legend row.
    metric : {"trap_nights", "stations_per_100km2", "detection_rate"}

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> from landmap.effort import coverage_gaps, effort_grid
    >>> s = load_demo().filter(years=(2021, 2021))
    >>> m = density_map(s, effort_grid(s, by_year=False), coverage_gaps(s))
    >>> "Trap-nights per cell" in m.get_root().render()
    True
    """
    if metric not in UNITS:
        raise ValueError(f"metric={metric!r}: use one of {sorted(UNITS)}.")
    cells = grid.copy()
    edges = _bins(cells[metric].fillna(0))
    index = np.clip(np.searchsorted(edges, cells[metric].fillna(0), side="right") - 1, 0,
                    len(edges) - 2)
    cells["colour"] = [RAMP[min(i, len(RAMP) - 1)] for i in index]
    cells["value"] = cells[metric].round(2)
    m = base_map(survey, lang=lang)
    t, n = map_language(m).gettext, map_language(m).number
    unit = t(UNITS[metric])
    folium.GeoJson(
        features(cells, ["cell_id", "stations", "trap_nights", "detections", "value",
                          "colour"]),
        name=t("{unit} ({n} cells)").format(unit=unit, n=n(len(cells))),
        style_function=lambda f: {"fillColor": f["properties"]["colour"], "fillOpacity": 0.7,
                                  "color": "#555", "weight": 0.4, "className": "lm-cell"},
        tooltip=tooltip(["cell_id", "stations", "trap_nights", "detections",
                                       "value"],
                                      aliases=[t("Cell"), t("Stations"), t("Trap-nights"),
                                               t("Detections"), unit]),
    ).add_to(m)
    if gaps is not None and len(gaps):
        folium.GeoJson(
            features(gaps, ["cell_id", "area_km2"]),
            name=t("Coverage gaps ({n} cells)").format(n=n(len(gaps))),
            style_function=lambda f: {"fillColor": "#D55E00", "fillOpacity": 0.25,
                                      "color": "#D55E00", "weight": 2, "dashArray": "4 3",
                                      "className": "lm-gap"},
            tooltip=tooltip(["cell_id", "area_km2"],
                                          aliases=[t("Cell without a station"),
                                                   t("km² of park")]),
        ).add_to(m)
    add_stations(m, survey)
    digits = 0 if metric == "trap_nights" else 2
    rows = [(swatch_fill(RAMP[min(i, len(RAMP) - 1)]),
             f"{n(edges[i], digits)} – {n(edges[i + 1], digits)}")
            for i in range(len(edges) - 1)]
    if gaps is not None and len(gaps):
        rows.append((swatch_fill("#D55E0040", "#D55E00", dashed=True),
                     t("Park cell with no working station (coverage gap)")))
    rows.append((swatch_dot(COLOURS["station"]), t("Camera station")))
    # fitted on the cells too: a cell reaches past its stations, and the map's edge cut
    # the outer cells (a package of three cells showed slivers of two of them)
    extent = pd.concat([survey.deployments.geometry.to_crs("EPSG:4326"),
                        cells.geometry.to_crs("EPSG:4326")])
    return finish_map(m, survey, title or f"{unit}, {survey.span_label}", rows,
                      extent=gpd.GeoSeries(extent, crs="EPSG:4326"))

"""An individual's movements: its steps between stations in time order."""

from __future__ import annotations

import math

import folium
import geopandas as gpd
import numpy as np

from landmap.i18n import Language
from landmap.maps.base import base_map, features, finish_map, map_language, tooltip
from landmap.maps.legend import swatch_dot, swatch_line
from landmap.maps.style import COLOURS, RAMP
from landmap.survey import Survey

__all__ = ["movement_map"]

#: The colour of a step that crosses the border.
CROSSING = COLOURS["border"]


def _arrow(lat: float, lon: float, angle: float, colour: str) -> folium.Marker:
    # A rotated character (no icon image or plugin needed offline), anchored at the step's
    # end and drawn a little before it along the line: a point between two places would
    # be a position the data do not hold (for a viewer, off the policy grid).
    return folium.Marker([lat, lon], icon=folium.DivIcon(
        html=f'<div class="lm-arrow" style="transform:rotate({angle:.0f}deg) '
             f'translateX(-14px);color:{colour}">&#10148;</div>', icon_size=(16, 16),
        icon_anchor=(8, 8)))


def movement_map(survey: Survey, path: gpd.GeoDataFrame, title: str | None = None,
                 lang: Language | None = None) -> folium.Map:
    """Steps of one animal in time order: lines coloured from the first (light) to the last
    (dark), steps across the border in the border's red and dashed, an arrow near the end
    of each step, the first and last places marked; tooltips give the dates and stations.

    Parameters
    ----------
    survey : Survey
        The selection (at the viewer's precision: the path must come from the same one).
    path : GeoDataFrame
        From :func:`landmap.movement.movement_path`.

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> from landmap.movement import movement_path
    >>> s = load_demo().filter(years=2021)
    >>> html = movement_map(s, movement_path(s, "Leo 16F")).get_root().render()
    >>> html.count("lm-step") >= 1
    True
    """
    m = base_map(survey, lang=lang)
    language_ = map_language(m)
    t, n = language_.gettext, language_.number
    steps = path.to_crs("EPSG:4326")
    if len(steps):
        shade = np.linspace(0, len(RAMP) - 1, len(steps)).round().astype(int)
        steps = steps.assign(
            colour=[CROSSING if c else RAMP[i] for c, i in zip(steps["crosses_border"], shade,
                                                               strict=True)],
            label=[t("Step {step}: {start} → {end} ({days} days), {a} → {b}").format(
                step=r.step, start=f"{r.start:%Y-%m-%d}", end=f"{r.end:%Y-%m-%d}",
                days=n(r.days, 0), a=r.from_station, b=r.to_station)
                + (" · " + t("crosses the border") if r.crosses_border else "")
                for r in steps.itertuples()])
        folium.GeoJson(
            features(steps, ["step", "label", "colour", "crosses_border"]),
            name=t("Steps in time order ({n})").format(n=n(len(steps))),
            style_function=lambda f: {
                "color": f["properties"]["colour"],
                "weight": 5 if f["properties"]["crosses_border"] else 3,
                "dashArray": "8 5" if f["properties"]["crosses_border"] else None,
                "opacity": 0.9, "className": "lm-step"},
            tooltip=tooltip(["label"], labels=False),
        ).add_to(m)
        arrows = folium.FeatureGroup(name=t("Direction"))
        for line, colour in zip(steps.geometry, steps["colour"], strict=True):
            (x0, y0), (x1, y1) = line.coords[0], line.coords[-1]
            # screen angle: east is 0°, clockwise; a degree of longitude is cos(lat) wide
            angle = math.degrees(math.atan2(-(y1 - y0), (x1 - x0) * math.cos(
                math.radians((y0 + y1) / 2))))
            _arrow(y1, x1, angle, colour).add_to(arrows)
        arrows.add_to(m)
        first, last = steps.geometry.iloc[0].coords[0], steps.geometry.iloc[-1].coords[-1]
        for (lon, lat), colour, text in (
                (first, RAMP[0], t("First place: {date}").format(
                    date=f"{steps['start'].iloc[0]:%Y-%m-%d}")),
                (last, RAMP[-1], t("Last place: {date}").format(
                    date=f"{steps['end'].iloc[-1]:%Y-%m-%d}"))):
            folium.CircleMarker([lat, lon], radius=9, color="#000", weight=2, fill=True,
                                fill_color=colour, fill_opacity=1, tooltip=text,
                                class_name="lm-end").add_to(m)
    rows = [(swatch_line(RAMP[0]), t("Early steps")), (swatch_line(RAMP[-1]), t("Late steps")),
            (swatch_line(CROSSING, 5), t("Step across the border (dashed)")),
            (swatch_dot(RAMP[0], 14), t("First place")), (swatch_dot(RAMP[-1], 14),
                                                          t("Last place"))]
    extent = path.geometry if len(path) else None
    return finish_map(m, survey, title or t("Movements"), rows, extent=extent)

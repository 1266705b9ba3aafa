"""Charts of the day: activity curves over 24 hours with the detections beneath them, the
night, twilight and day behind them, and the overlap of two curves shaded (Altair)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from landmap.maps.style import PALETTE

__all__ = ["activity_chart"]

_BANDS = {"night": "#d9dde8", "twilight": "#eef0f5", "day": "#ffffff"}


def activity_chart(curves: pd.DataFrame, times: list[pd.DataFrame], bands: pd.DataFrame,
                   labels: dict[str, str], shade_overlap: bool = False,
                   height: int = 320) -> alt.LayerChart:
    """Curves (``hour`` and one density column each) over 0–24 h.

    Parameters
    ----------
    curves : pandas.DataFrame
        ``hour`` and a column per curve (density per hour).
    times : list of pandas.DataFrame
        The detections of each curve (``hour``), drawn as a rug under it.
    bands : pandas.DataFrame
        :func:`landmap.activity.day_bands`.
    labels : dict
        Texts: ``hour``, ``density``, ``night``, ``twilight``, ``day``, ``overlap``,
        ``curve`` (the legend title).
    shade_overlap : bool
        Shade the area under both curves (two curves only).
    """
    names = [c for c in curves.columns if c != "hour"]
    long = curves.melt("hour", names, var_name="curve", value_name="density").dropna()
    top = float(np.nanmax(curves[names].to_numpy())) * 1.08 if len(long) else 1.0
    x = alt.X("hour:Q", title=labels["hour"], scale=alt.Scale(domain=[0, 24], nice=False),
              axis=alt.Axis(values=list(range(0, 25, 3))))
    colours = alt.Scale(domain=names, range=PALETTE[: len(names)])
    shaded = bands.assign(label=bands["part"].map(labels))
    layers = [alt.Chart(shaded).mark_rect(opacity=1).encode(
        x=alt.X("start:Q", scale=alt.Scale(domain=[0, 24], nice=False)), x2="end:Q",
        color=alt.Color("part:N", scale=alt.Scale(domain=list(_BANDS),
                                                  range=list(_BANDS.values())),
                        legend=None),
        tooltip=[alt.Tooltip("label:N", title=" ")])]
    if shade_overlap and len(names) == 2 and len(long):
        both = curves.assign(overlap=curves[names].min(axis=1))
        layers.append(alt.Chart(both).mark_area(color="#555555", opacity=0.25).encode(
            x=x, y=alt.Y("overlap:Q"), tooltip=[alt.Tooltip("hour:Q", format=".1f")]))
    layers.append(alt.Chart(long).mark_line(strokeWidth=2.5).encode(
        x=x, y=alt.Y("density:Q", title=labels["density"],
                     scale=alt.Scale(domain=[-top * 0.12, top], nice=False)),
        color=alt.Color("curve:N", scale=colours, title=labels.get("curve", ""),
                        legend=alt.Legend(orient="bottom", labelLimit=500)),
        tooltip=["curve:N", alt.Tooltip("hour:Q", format=".1f"),
                 alt.Tooltip("density:Q", format=".3f")]))
    rug = pd.concat([t[["hour"]].assign(curve=name, level=-top * (0.04 + 0.05 * i))
                     for i, (name, t) in enumerate(zip(names, times, strict=False))],
                    ignore_index=True) if times else pd.DataFrame(
        columns=["hour", "curve", "level"])
    layers.append(alt.Chart(rug).mark_tick(thickness=1, size=10, opacity=0.5).encode(
        x=x, y="level:Q", color=alt.Color("curve:N", scale=colours, legend=None)))
    return alt.layer(*layers).properties(height=height).resolve_scale(color="independent")

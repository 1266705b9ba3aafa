"""Where a species is photographed: its relative abundance, the species richness, and the
stations leopards share with tigers, one circle per station."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from landmap.i18n import Language
from landmap.maps.base import base_map, finish_map, geojson, map_language, tooltip
from landmap.maps.legend import swatch_dot
from landmap.maps.style import PALETTE, RAMP
from landmap.survey import Survey

__all__ = ["FOUND_COLOURS", "co_occurrence_map", "station_values_map"]

#: Which of two species a station photographed.
FOUND_COLOURS = {"both": PALETTE[5], "first": PALETTE[0], "second": PALETTE[4],
                 "neither": "#9a9a9a"}


def _steps(values: np.ndarray) -> np.ndarray:
    """Five classes of the positive values (quantiles), 0 stays class -1."""
    positive = values[values > 0]
    if not len(positive):
        return np.full(len(values), -1)
    edges = np.unique(np.quantile(positive, [0.2, 0.4, 0.6, 0.8]))
    return np.where(values > 0, np.searchsorted(edges, values, side="right"), -1)


def _points(places: pd.DataFrame, columns: list[str]) -> dict:
    frame = gpd.GeoDataFrame(places, geometry=gpd.points_from_xy(places["longitude"],
                                                                  places["latitude"]),
                             crs="EPSG:4326")
    return geojson(frame, columns)


def station_values_map(survey: Survey, table: pd.DataFrame, column: str, title: str,
                       value_label: str, lang: Language | None = None) -> folium.Map:
    """One circle per station shaded by ``table[column]`` (an RAI or the richness).

    ``table`` is :func:`landmap.community.species_by_station` (at the precision the map
    may show: stations sharing a generalised place are drawn as one, with their mean).
    """
    m = base_map(survey, lang=lang)
    t = map_language(m)
    places = (table.groupby(["latitude", "longitude"], as_index=False)
              .agg(stations=("locationID", "size"), value=(column, "mean"),
                   trap_nights=("trap_nights", "sum")))
    step = _steps(places["value"].to_numpy(dtype=float))
    places["colour"] = [("#ffffff" if k < 0 else RAMP[min(int(k), len(RAMP) - 1)])
                        for k in step]
    places["radius"] = 3 + 1.5 * np.maximum(step, 0)
    places["value"] = [t.number(v, 2) for v in places["value"]]
    places["trap_nights"] = [t.number(v) for v in places["trap_nights"]]
    folium.GeoJson(
        _points(places, ["value", "stations", "trap_nights", "colour", "radius"]),
        name=value_label,
        marker=folium.CircleMarker(radius=4, weight=1, color="#333333", fill=True,
                                   fill_opacity=0.9),
        style_function=lambda f: {"fillColor": f["properties"]["colour"],
                                  "radius": f["properties"]["radius"],
                                  "className": "lm-station-value"},
        tooltip=tooltip(["value", "stations", "trap_nights"], aliases=[
            value_label, t.gettext("Stations"), t.gettext("Trap-nights")]),
    ).add_to(m)
    positive = table[column][table[column] > 0]
    rows = [(swatch_dot("#ffffff") + ";border:1px solid #333", t.gettext("none photographed"))]
    if len(positive):
        rows.append((swatch_dot(RAMP[0]), t.gettext("lowest: {value}").format(
            value=t.number(positive.min(), 2))))
        rows.append((swatch_dot(RAMP[-1]), t.gettext("highest: {value}").format(
            value=t.number(positive.max(), 2))))
    return finish_map(m, survey, title, rows)


def co_occurrence_map(survey: Survey, table: pd.DataFrame, names: tuple[str, str],
                      title: str, lang: Language | None = None) -> folium.Map:
    """Stations coloured by which of two species were photographed there (``table`` is
    :func:`landmap.community.co_occurrence`)."""
    m = base_map(survey, lang=lang)
    t = map_language(m)
    labels = {"both": t.gettext("both"), "first": t.gettext("{name} only").format(
        name=names[0]), "second": t.gettext("{name} only").format(name=names[1]),
        "neither": t.gettext("neither")}
    # one circle per place: the strongest finding among its stations
    rank = {"both": 0, "first": 1, "second": 2, "neither": 3}
    places = (table.assign(rank=table["found"].map(rank))
              .groupby(["latitude", "longitude"], as_index=False)
              .agg(rank=("rank", "min"), stations=("locationID", "size")))
    places["found"] = places["rank"].map({v: k for k, v in rank.items()})
    places["label"] = places["found"].map(labels)
    for key in ("neither", "second", "first", "both"):  # "both" drawn on top
        mine = places[places["found"] == key]
        if mine.empty:
            continue
        folium.GeoJson(
            _points(mine, ["label", "stations"]), name=labels[key],
            marker=folium.CircleMarker(radius=7 if key == "both" else 5, weight=1,
                                       color="#333333", fill=True,
                                       fill_color=FOUND_COLOURS[key], fill_opacity=0.9),
            style_function=lambda f, k=key: {"className": f"lm-found-{k}"},
            tooltip=tooltip(["label", "stations"], aliases=[" ", t.gettext("Stations")]),
        ).add_to(m)
    counts = places["found"].value_counts()
    rows = [(swatch_dot(FOUND_COLOURS[k]), f"{labels[k]} ({t.number(int(counts.get(k, 0)))})")
            for k in ("both", "first", "second", "neither")]
    return finish_map(m, survey, title, rows)

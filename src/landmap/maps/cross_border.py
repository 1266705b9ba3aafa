"""Leopards across the Russia–China border: ranges and detections coloured by where
each animal was seen."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from landmap.i18n import Language, language
from landmap.maps.base import base_map, features, finish_map, geojson, tooltip
from landmap.maps.home_ranges import MAX_RANGES, limit_individuals, range_label
from landmap.maps.legend import NOTE, swatch_fill
from landmap.maps.stations import name_lists
from landmap.maps.style import STATUS_COLOURS
from landmap.observations import LEOPARD
from landmap.survey import Survey

__all__ = ["cross_border_map"]


def cross_border_map(survey: Survey, table: pd.DataFrame, ranges: gpd.GeoDataFrame,
                     title: str | None = None, max_individuals: int = MAX_RANGES,
                     lang: Language | None = None) -> folium.Map:
    """95 % ranges and detections of each leopard, coloured by where it was seen.

    Parameters
    ----------
    survey : Survey
    table : DataFrame
        From :func:`landmap.border.crossings_by_individual` (gives each animal's status).
    ranges : GeoDataFrame
        From :func:`landmap.home_range.home_ranges` for the same selection.

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> from landmap.border import crossings_by_individual
    >>> from landmap.home_range import home_ranges
    >>> s = load_demo().filter(years=(2021, 2021))
    >>> r = home_ranges(s, levels=(95,))
    >>> "Seen on both sides" in cross_border_map(s, crossings_by_individual(s, ranges=r),
    ...                                          r).get_root().render()
    True
    """
    status = table.set_index("individualID")["status"]
    kde = ranges[(ranges["method"] == "kde") & (ranges["level"] == 95)
                 & ranges.geometry.notna()]
    lang = lang or language("en")
    t = lang.gettext
    kde, limited = limit_individuals(kde, max_individuals, lang)
    kde = kde.copy()
    kde["geometry"] = kde.geometry.simplify(100)  # see home_range_map
    kde["status"] = kde["individualID"].map(status)
    kde = kde[kde["status"].notna()]
    m = base_map(survey, lang=lang)
    seen = {"Russia only": t("Seen in Russia only"), "China only": t("Seen in China only"),
            "both": t("Seen on both sides")}
    for label in ("Russia only", "China only", "both"):
        part = kde[kde["status"] == label].copy()
        if part.empty:
            continue
        part["label"] = [range_label(r, lang) + f" · {seen[label]}" for r in part.itertuples()]
        colour = STATUS_COLOURS[label]
        folium.GeoJson(
            features(part, ["individualID", "label"]),
            name=t("95 % ranges: {status} ({n})").format(status=seen[label], n=len(part)),
            style_function=lambda f, c=colour: {"color": c, "weight": 1.5, "fillColor": c,
                                                "fillOpacity": 0.12, "className": "lm-range"},
            tooltip=tooltip(["label"], labels=False),
        ).add_to(m)
    obs = survey.observations
    obs = obs[(obs["scientificName"] == LEOPARD) & (obs["individualID"] != "")]
    stations = survey.deployments.drop_duplicates("deploymentID").set_index("deploymentID")
    located = obs[["deploymentID", "individualID"]].assign(
        locationID=stations.loc[obs["deploymentID"], "locationID"].to_numpy(),
        latitude=stations.loc[obs["deploymentID"], "latitude"].to_numpy(),
        longitude=stations.loc[obs["deploymentID"], "longitude"].to_numpy(),
        status=obs["individualID"].astype(str).map(status).to_numpy())
    # one circle per place and status, however many stations share the place
    groups = located.groupby(["latitude", "longitude", "status"], observed=True)
    per = groups.agg(detections=("individualID", "size"),
                     individuals=("individualID", "nunique")).reset_index()
    group = groups.ngroup().fillna(-1).to_numpy()  # -1: an animal with no status
    per.insert(3, "locationID", name_lists(group, located["locationID"], len(per), 3, lang)[0])
    per = per.sort_values("status", key=lambda s: s.map({"both": 2, "Russia only": 0,
                                                         "China only": 1}))
    frame = gpd.GeoDataFrame(per, geometry=gpd.points_from_xy(per.longitude, per.latitude),
                             crs="EPSG:4326")
    frame["colour"] = frame["status"].map(STATUS_COLOURS)
    frame["status"] = frame["status"].map(seen)
    frame["radius"] = (3 + 1.5 * np.sqrt(frame["detections"])).round(1)
    folium.GeoJson(
        geojson(frame, ["locationID", "status", "detections", "individuals", "colour",
                         "radius"]),
        name=t("Detections by status ({n})").format(n=lang.number(int(frame["detections"].sum()))),
        marker=folium.CircleMarker(radius=5, weight=1, color="#222", fill=True,
                                   fill_opacity=0.9),
        style_function=lambda f: {"fillColor": f["properties"]["colour"],
                                  "radius": f["properties"]["radius"],
                                  "className": "lm-status"},
        tooltip=tooltip(["locationID", "status", "detections", "individuals"],
                                      aliases=[t("Station"), t("Animals seen"), t("Detections"),
                                               t("Individuals")]),
    ).add_to(m)
    rows = [(swatch_fill(STATUS_COLOURS[k] + "55", STATUS_COLOURS[k]), seen[k])
            for k in ("Russia only", "China only", "both")]
    rows.append(("", t("Circles: detections per station, sized by count")))
    return finish_map(m, survey, title or t("Leopards across the border, {span}").format(
        span=survey.span_label), rows, note=limited + t(NOTE))

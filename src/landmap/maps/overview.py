"""The landing page's map: stations and leopard detections per station."""

from __future__ import annotations

import html

import folium
from folium.plugins import FastMarkerCluster
from folium.utilities import JsCode

from landmap.i18n import Language
from landmap.maps.base import base_map, finish_map, map_language
from landmap.maps.legend import swatch_dot
from landmap.maps.stations import CLUSTER_ICON, add_stations, pool_places, station_sightings
from landmap.maps.style import COLOURS
from landmap.survey import Survey

__all__ = ["overview_map"]


_SIGHTING_MARKER = """
function (row) {
  var m = L.circleMarker(new L.LatLng(row[0], row[1]), {
    radius: 4 + 2 * Math.sqrt(row[2]), color: '#7a5200', weight: 1, fillColor: 'FILL',
    fillOpacity: 0.9, className: 'lm-sighting'});
  m.options.detections = row[2];
  m.bindTooltip(row[3]);
  return m;
}
""".replace("FILL", COLOURS["sighting"])


def _add_sightings(m: folium.Map, survey: Survey) -> int:
    per = station_sightings(survey)
    if per.empty:
        return 0
    per = pool_places(per)
    lang = map_language(m)
    labels = [
        html.escape(lang.ngettext("{station} ({country}): {n} leopard detection",
                                  "{station} ({country}): {n} leopard detections",
                                  r.detections).format(station=r.locationID, country=r.country,
                                                       n=r.detections)
                    + (lang.ngettext("; {n} individual: {ids}", "; {n} individuals: {ids}",
                                     r.individuals).format(n=r.individuals, ids=r.ids)
                       if r.individuals else ""))
        for r in per.itertuples()
    ]
    data = [[float(r.latitude), float(r.longitude), int(r.detections), label]
            for r, label in zip(per.itertuples(), labels, strict=True)]
    FastMarkerCluster(
        data, callback=_SIGHTING_MARKER,
        name=lang.gettext("Leopard detections ({n})").format(
            n=lang.number(int(per.detections.sum()))),
        options={"iconCreateFunction": JsCode(CLUSTER_ICON), "maxClusterRadius": 40,
                 "disableClusteringAtZoom": 11},
    ).add_to(m)
    return int(per["detections"].sum())


def overview_map(survey: Survey, title: str | None = None, basemap: bool = False,
                 lang: Language | None = None) -> folium.Map:
    """The landing map: countries, parks, the border, camera stations and leopard detections.

    Parameters
    ----------
    survey : Survey
        The selection to draw (stations with effort in the selected years, detections of
        the selected individuals).
    title : str, optional
        Legend title; defaults to the selected span of years.
    basemap : bool, default False
        Offer an OpenStreetMap tile layer (switched off; it needs internet).

    Returns
    -------
    folium.Map
        With a layer control, a legend, a scale bar and a full-screen button; every script
        and stylesheet served by landmap.

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> from landmap.maps.offline import asset_urls
    >>> m = overview_map(load_demo().filter(years=(2013, 2013)))
    >>> all(u.startswith("/app/static/") for u in asset_urls(m))
    True
    """
    m = base_map(survey, basemap, lang)
    t, n = map_language(m).gettext, map_language(m).number
    add_stations(m, survey)
    detections = _add_sightings(m, survey)
    rows = [
        (swatch_dot(COLOURS["station"]), t("Camera station in the selection")),
        (swatch_dot(COLOURS["sighting"], 14),
         t("Leopard detections per station ({n} in all; circles merge into numbered clusters "
           "when zoomed out)").format(n=n(detections))),
    ]
    return finish_map(m, survey, title or t("Amur leopard camera traps, {span}").format(
        span=survey.span_label), rows)

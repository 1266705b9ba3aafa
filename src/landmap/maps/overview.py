"""The landing page's map: stations and leopard detections per station."""

from __future__ import annotations

from collections.abc import Callable

import folium

from landmap.boundaries import COUNTRY_NAMES
from landmap.i18n import Language
from landmap.maps.base import base_map, finish_map, map_language
from landmap.maps.circles import Circles, circle_radius, size_rows
from landmap.maps.legend import swatch_dot
from landmap.maps.stations import add_stations, place_sightings
from landmap.maps.style import COLOURS
from landmap.observations import LEOPARD
from landmap.species import species_label
from landmap.survey import Survey

__all__ = ["overview_largest", "overview_map", "overview_title"]


def overview_largest(survey: Survey, species: str = LEOPARD) -> int:
    """The most detections at one place of the Overview map (its circles' scale)."""
    per = place_sightings(survey, species)
    return int(per["detections"].max()) if len(per) else 0


def _add_sightings(m: folium.Map, survey: Survey, scale: int | None,
                   species: str = LEOPARD) -> tuple[int, int]:
    """Circles per station; returns the total and the largest count (or ``scale``)."""
    lang = map_language(m)
    per = place_sightings(survey, species, lang)
    if per.empty:
        return 0, scale or 0
    per = per.sort_values("detections", ascending=False, kind="stable")
    name = species_label(species, lang.gettext)

    def place(r) -> str:
        country = lang.gettext(COUNTRY_NAMES.get(r.country, str(r.country)))
        if species == LEOPARD:
            return lang.ngettext("{station} ({country}): {n} leopard detection",
                                 "{station} ({country}): {n} leopard detections",
                                 r.detections).format(station=r.locationID, n=r.detections,
                                                      country=country)
        return lang.ngettext("{station} ({country}): {n} detection of {species}",
                             "{station} ({country}): {n} detections of {species}",
                             r.detections).format(station=r.locationID, n=r.detections,
                                                  country=country, species=name)

    labels = [
        place(r)
        + (lang.ngettext("; {n} individual: {ids}", "; {n} individuals: {ids}",
                         r.individuals).format(n=r.individuals, ids=r.ids)
           if r.individuals else "")
        for r in per.itertuples()
    ]
    largest = max(int(per["detections"].max()), scale or 0)
    radius = circle_radius(per["detections"], largest).round(1)
    rows = [[float(r.latitude), float(r.longitude), float(size), COLOURS["sighting"], label,
             int(r.detections)] for r, size, label in zip(per.itertuples(), radius, labels,
                                                          strict=True)]
    total = lang.number(int(per.detections.sum()))
    layer = (lang.gettext("Leopard detections ({n})").format(n=total) if species == LEOPARD
             else lang.gettext("Detections of {species} ({n})").format(species=name, n=total))
    Circles(rows, layer).add_to(m)
    return int(per["detections"].sum()), largest


def overview_map(survey: Survey, title: str | None = None, basemap: bool = False,
                 scale: int | None = None, lang: Language | None = None,
                 species: str = LEOPARD) -> folium.Map:
    """The landing map: countries, parks, the border, camera stations and the detections
    of a species (the Amur leopard unless told).

    Parameters
    ----------
    survey : Survey
        The selection to draw (stations with effort in the selected years, detections of
        the selected individuals).
    title : str, optional
        Legend title; defaults to the selected span of years.
    basemap : bool, default False
        Offer an OpenStreetMap tile layer (switched off; it needs internet).
    scale : int, optional
        The count drawn at the largest circle (by default the largest here); the year
        player passes :func:`~landmap.maps.circles.busiest` so frames compare.
    species : str, default the Amur leopard
        Whose detections the circles count (a package without leopards shows its own
        animals; the legend and the default title name them).

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
    detections, largest = _add_sightings(m, survey, scale, species)
    counted = (t("Leopard detections per station ({n} in all); the circle's area grows with "
                 "the number").format(n=n(detections)) if species == LEOPARD else
               t("Detections of {species} per station ({n} in all); the circle's area grows "
                 "with the number").format(species=species_label(species, t), n=n(detections)))
    rows = [(swatch_dot(COLOURS["station"]), t("Camera station in the selection")),
            (swatch_dot(COLOURS["sighting"], 14), counted)]
    rows += size_rows(largest if detections else 0, COLOURS["sighting"] + "b8", map_language(m))
    return finish_map(m, survey, title or overview_title(survey, species, t), rows)


def overview_title(survey: Survey, species: str = LEOPARD,
                   gettext: Callable[[str], str] | None = None) -> str:
    """The Overview's title: the programme's animal (or the one chosen) and the span.

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> overview_title(load_demo().filter(years=(2021, 2021)))
    'Amur leopard camera traps, 2021'
    >>> overview_title(load_demo().filter(years=(2021, 2021)), "Sus scrofa")
    'Camera traps: Wild boar (Sus scrofa), 2021'
    """
    t = gettext or (lambda text: text)
    if species == LEOPARD:
        return t("Amur leopard camera traps, {span}").format(span=survey.span_label)
    return t("Camera traps: {species}, {span}").format(
        species=species_label(species, t), span=survey.span_label)

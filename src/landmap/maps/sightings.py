"""Detections per place as proportional circles, coloured by individual or by species."""

from __future__ import annotations

import folium
import numpy as np
import pandas as pd

from landmap.boundaries import COUNTRY_NAMES
from landmap.i18n import Language, language
from landmap.maps.base import base_map, finish_map, map_language
from landmap.maps.circles import Circles, circle_radius, size_rows
from landmap.maps.legend import NOTE, swatch_dot
from landmap.maps.stations import add_stations
from landmap.maps.style import COLOURS, colour_cycle
from landmap.observations import LEOPARD, camera_offset, detection_mask, local_time
from landmap.species import species_label
from landmap.survey import Survey, catalogue_order

__all__ = ["sightings_largest", "sightings_map"]


#: Most circles one Sightings map draws, the largest (a survey of a few years draws a few
#: thousand; at 100x the demo all years were 357,500 circles, 43 MB a browser cannot hold).
MAX_CIRCLES = 5000


def _per_place(points: pd.DataFrame, labels: dict[str, str], deployments: pd.DataFrame,
               lang: Language, most: int = MAX_CIRCLES) -> tuple[pd.DataFrame, int]:
    """One row per place and colour group: its count, date span and stations, largest
    first (drawn first, so that the smaller circles stay on top); at most ``most`` rows,
    the largest, with the number of circles there are.

    The groups are counted by integer codes; dates, stations and text are made for the
    rows drawn only."""
    codes = points.groupby(["lat", "lon", "group"], sort=False).ngroup().to_numpy()
    count = np.bincount(codes)
    _, first = np.unique(codes, return_index=True)  # each group's first detection
    lat, lon = points["lat"].to_numpy()[first], points["lon"].to_numpy()[first]
    # count down, then south to north and west to east; ties keep the order of the file
    drawn = np.lexsort((lon, lat, -count))[:most]
    kept = np.isin(codes, drawn)
    row = points["row"].to_numpy()
    rows = row[kept]
    code = codes[kept]
    when = pd.Series(points["when"].to_numpy()[kept]).groupby(code)
    station = pd.DataFrame({"code": code, "station": deployments["locationID"].astype(
        "str").to_numpy()[rows]}).drop_duplicates().sort_values("station", kind="stable")
    stations = station.groupby("code")["station"].agg(list)
    country = deployments["country"].astype("str").to_numpy()[row[first[drawn]]]
    per = pd.DataFrame({
        "lat": lat[drawn], "lon": lon[drawn],
        "group": points["group"].to_numpy()[first][drawn],
        "count": count[drawn],
        "first": np.datetime_as_string(when.min()[drawn].to_numpy(), unit="D"),
        "last": np.datetime_as_string(when.max()[drawn].to_numpy(), unit="D"),
        "stations": stations[drawn].to_numpy(),
        "country": [lang.gettext(COUNTRY_NAMES[c]) if c in COUNTRY_NAMES else c
                    for c in country]})
    per["label"] = per["group"].map(labels)

    def text(r) -> str:
        where = ", ".join(r.stations[:3]) + (" …" if len(r.stations) > 3 else "")
        span = r.first if r.first == r.last else f"{r.first} – {r.last}"
        return (lang.ngettext("{label}: {n} detection, {span}",
                              "{label}: {n} detections, {span}", int(r.count))
                .format(label=r.label, n=lang.number(int(r.count)), span=span)
                + " · " + lang.ngettext("station {ids} ({country})",
                                        "stations {ids} ({country})", len(r.stations))
                .format(ids=where, country=r.country))

    per["text"] = [text(r) for r in per.itertuples()]
    return per, len(count)


def _points(survey: Survey, species, colour_by: str, t
            ) -> tuple[pd.DataFrame, dict[str, str], dict[str, str]]:
    """Each detection with its place, colour group, local day and the row of its
    deployment; the colour and the label of each group."""
    wanted = [species] if isinstance(species, str) else list(species)
    masks = [detection_mask(survey.observations, name) for name in wanted]
    obs = pd.concat([survey.observations[mask] for mask in masks])
    deployments = survey.deployments
    row = np.concatenate([survey.deployment_rows()[mask] for mask in masks])
    obs, row = obs[row >= 0], row[row >= 0]
    if colour_by == "individual":
        ids = obs["individualID"].astype("str")
        group = ids.where(ids != "", "unidentified")
        keys = sorted(set(group.unique()) - {"unidentified"}, key=catalogue_order)
        colours = colour_cycle(keys) | {"unidentified": "#999999"}
        labels = {k: k for k in keys} | {"unidentified": t("unidentified")}
    else:
        group = obs["scientificName"].astype("str")
        keys = sorted(set(group.unique()), key=lambda n: (n != LEOPARD, n))
        colours = colour_cycle(keys)
        labels = {k: species_label(k, t) for k in keys}
    points = pd.DataFrame({
        "lat": np.round(deployments["latitude"].to_numpy(dtype=float)[row], 5),
        "lon": np.round(deployments["longitude"].to_numpy(dtype=float)[row], 5),
        "group": group.to_numpy(),
        "when": local_time(obs["eventStart"], camera_offset(obs)).to_numpy(
            dtype="datetime64[ns]").astype("datetime64[D]"),
        "row": row})
    return points, colours, labels


def sightings_largest(survey: Survey, species: str | list[str] = LEOPARD,
                      colour_by: str = "individual") -> int:
    """The most detections of one animal (or species) at one place of the Sightings map
    (its circles' scale)."""
    points, _, _ = _points(survey, species, colour_by, str)
    if points.empty:
        return 0
    return int(points.groupby(["lat", "lon", "group"], sort=False).size().max())


def sightings_map(survey: Survey, species: str | list[str] = LEOPARD,
                  colour_by: str = "individual", title: str | None = None,
                  scale: int | None = None, lang: Language | None = None) -> folium.Map:
    """Detections of a species as circles per place, coloured by individual or species.

    Parameters
    ----------
    survey : Survey
    species : str or list of str
        Scientific name(s) to show.
    colour_by : {"individual", "species"}
    title : str, optional
    scale : int, optional
        The count drawn at the largest circle (by default the largest here); the year
        player passes :func:`~landmap.maps.circles.busiest` so frames compare.

    Returns
    -------
    folium.Map
        One circle per place and individual (or species) whose area grows with its
        detections, with a size legend; several animals at one place are circles
        around one centre, the largest behind. A circle's tooltip gives the ID (or
        species), the number of detections, the first and last local date, the stations
        and their country. The page grows with the places, not with the detections.

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> m = sightings_map(load_demo().filter(years=(2021, 2021)))
    >>> "Leopard detections" in m.get_root().render()
    True
    """
    if colour_by not in ("individual", "species"):
        raise ValueError(f"colour_by={colour_by!r}: use 'individual' or 'species'.")
    lang = lang or language("en")
    m = base_map(survey, lang=lang)
    t = map_language(m).gettext
    points, colours, labels = _points(survey, species, colour_by, t)
    wanted = [species] if isinstance(species, str) else list(species)
    total = len(points)
    add_stations(m, survey)
    name = t("Leopard detections") if wanted == [LEOPARD] else t("Detections")
    largest, note = 0, ""
    if total:
        per, circles = _per_place(points, labels, survey.deployments, map_language(m),
                                  MAX_CIRCLES)
        if circles > len(per):
            note = t("Showing the {most} largest of {n} circles; choose years or individuals "
                     "in the filters to see the others.").format(
                most=map_language(m).number(len(per)),
                n=map_language(m).number(circles)) + " "
        largest = max(int(per["count"].max()), scale or 0)
        radius = circle_radius(per["count"], largest).round(1)
        rows = [[float(r.lat), float(r.lon), float(size), colours[r.group], r.text,
                 int(r.count)]
                for r, size in zip(per.itertuples(), radius, strict=True)]
        Circles(rows, f"{name} ({map_language(m).number(total)})").add_to(m)
    present = set(points["group"].unique())
    shown = [k for k in colours if k in present]
    rows = [(swatch_dot(colours[k], 12),
             (t("unidentified") if k == "unidentified" else k) if colour_by == "individual"
             else species_label(k, t)) for k in shown[:8]]
    if len([k for k in shown if k != "unidentified"]) > 8:
        # the first seven by name; the rest is no list on the map but a pointer
        rows = [*rows[:7], (swatch_dot("#ffffff00", 12),
                            t("{n} more groups share these colours: choose individuals in "
                              "the filters to tell them apart").format(n=len(shown) - 7))]
    rows.append((swatch_dot(COLOURS["station"]), t("Camera station in the selection")))
    rows += size_rows(largest, "#8a8a8ab8", map_language(m))
    return finish_map(m, survey, title or f"{name}, {survey.span_label}", rows,
                      note + t(NOTE))

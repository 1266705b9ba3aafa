"""Where each species is photographed: relative abundance, richness, naive occupancy,
the stations leopards share with tigers, and detection histories for occupancy models.

Every count is of independent detections (:func:`landmap.observations.independent_events`)
and every rate is per 100 trap-nights of the same selection (camera-days, see
:mod:`landmap.effort`), so a station's relative abundance index (RAI) here equals its
detection rate on the Trap density page.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from landmap._arrow import value_counts
from landmap.effort import _check_cell, _station_cells, station_effort, working_periods
from landmap.observations import (
    INDEPENDENCE,
    LEOPARD,
    camera_offset,
    independent_events,
    local_time,
    local_year,
)

__all__ = ["TIGER", "co_occurrence", "detection_history", "naive_occupancy",
           "species_by_station", "wild_species"]

#: Scientific name of the Amur tiger as camera-trap data record it.
TIGER = "Panthera tigris altaica"


def wild_species(survey) -> list[str]:
    """Scientific names of the animals in a selection, most often recorded first."""
    obs = survey.observations
    animals = obs[(obs["observationType"] == "animal") & (obs["scientificName"] != "")]
    return value_counts(animals["scientificName"]).index.tolist()


def _events(survey, species: str, threshold) -> pd.DataFrame:
    return independent_events(survey.observations, survey.deployments, species, threshold)


def species_by_station(survey, species: list[str] | None = None,
                       threshold: str | pd.Timedelta = INDEPENDENCE) -> pd.DataFrame:
    """Independent detections and RAI of each species at each station, and richness.

    Parameters
    ----------
    survey : Survey
        A selection; its years set the trap-nights.
    species : list of str, optional
        Scientific names; every animal species of the selection by default.
    threshold : str or Timedelta, default "30min"

    Returns
    -------
    pandas.DataFrame
        One row per station that worked in the selection: ``locationID``, ``latitude``,
        ``longitude``, ``country``, ``trap_nights``, then per species ``<name>`` (events)
        and ``<name> RAI`` (events per 100 trap-nights), and ``richness`` (species with
        at least one detection).

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> t = species_by_station(load_demo().filter(years=2021), ["Panthera pardus orientalis"])
    >>> int(t["Panthera pardus orientalis"].sum())  # as the Trap density page counts
    1247
    """
    species = wild_species(survey) if species is None else list(species)
    d = survey.deployments
    nights = station_effort(d, survey.years, "camera")
    places = d.drop_duplicates("locationID").set_index("locationID")
    out = pd.DataFrame({"locationID": nights.index, "trap_nights": nights.to_numpy()})
    out = out[out["trap_nights"] > 0].reset_index(drop=True)
    for column in ("latitude", "longitude", "country"):
        out.insert(len(out.columns) - 1, column,
                   places[column].reindex(out["locationID"]).to_numpy())
    found = np.zeros(len(out), dtype=int)
    for name in species:
        events = _events(survey, name, threshold)
        counts = events["locationID"].value_counts().reindex(out["locationID"]).fillna(0)
        out[name] = counts.astype(int).to_numpy()
        out[f"{name} RAI"] = out[name] / out["trap_nights"] * 100
        found += (out[name] > 0).to_numpy()
    out["richness"] = found
    return out


def naive_occupancy(survey, species: str = LEOPARD, cell_km: float | None = None,
                    threshold: str | pd.Timedelta = INDEPENDENCE) -> pd.DataFrame:
    """Per year, the share of working sites (stations, or grid cells) where the species
    was photographed.

    Naive: a site where it was missed counts as unoccupied (no correction for
    detection probability; an occupancy model corrects it, see
    :func:`detection_history`).

    Parameters
    ----------
    survey : Survey
    species : str, default the Amur leopard
    cell_km : float, optional
        Sites are cells of this size (the Trap density page's grid) instead of stations.
    threshold : str or Timedelta, default "30min"

    Returns
    -------
    pandas.DataFrame
        ``year``, ``sites`` (working that year), ``with_detections``, ``naive_occupancy``
        (0–1), ``site`` ("station" or "5 km cell").

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> o = naive_occupancy(load_demo().filter(years=2021))
    >>> o[["year", "sites", "site"]].to_dict("records")
    [{'year': 2021, 'sites': 550, 'site': 'station'}]
    """
    first, last = survey.year_span
    events = _events(survey, species, threshold)
    event_year = local_year(events["eventStart"], camera_offset(events)).to_numpy()
    if cell_km is None:
        site_of = pd.Series(survey.deployments["locationID"].unique(),
                            index=survey.deployments["locationID"].unique())
        label = "station"
    else:
        cells = _station_cells(survey, _check_cell(cell_km))
        cells = cells.drop_duplicates("locationID").set_index("locationID")
        site_of = cells["ix"].astype(str) + "_" + cells["iy"].astype(str)
        label = f"{cell_km:g} km cell"
    rows = []
    for year in range(first, last + 1):
        nights = station_effort(survey.deployments, (year, year), "camera")
        working = set(site_of.reindex(nights.index[nights.to_numpy() > 0]))
        seen = set(site_of.reindex(events.loc[event_year == year, "locationID"])) & working
        rows.append({"year": year, "sites": len(working), "with_detections": len(seen),
                     "naive_occupancy": len(seen) / len(working) if working else np.nan,
                     "site": label})
    return pd.DataFrame(rows)


def co_occurrence(survey, first: str = LEOPARD, second: str = TIGER,
                  threshold: str | pd.Timedelta = INDEPENDENCE) -> pd.DataFrame:
    """Stations by which of two species were photographed there.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`species_by_station` for the two species, and ``found``:
        ``"both"``, ``"first"``, ``"second"`` or ``"neither"``.
    """
    table = species_by_station(survey, [first, second], threshold)
    a, b = table[first].to_numpy() > 0, table[second].to_numpy() > 0
    table["found"] = np.select([a & b, a, b], ["both", "first", "second"], "neither")
    return table


def detection_history(survey, species: str = LEOPARD, occasion_days: int = 7,
                      threshold: str | pd.Timedelta = INDEPENDENCE
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Station × occasion detection history and effort, for occupancy software.

    Occasions are ``occasion_days`` long, from the local midnight of the selection's first
    working day (camtrapR's ``day1 = "survey"``). Effort is the camera-days worked in the
    occasion (two cameras at a station add up); where no camera worked the history is
    NA, as camtrapR's ``detectionHistory`` writes it, for unmarked or PRESENCE.

    Parameters
    ----------
    survey : Survey
    species : str, default the Amur leopard
    occasion_days : int, default 7
    threshold : str or Timedelta, default "30min"

    Returns
    -------
    history : pandas.DataFrame
        Index ``locationID``; columns ``o1``, ``o2``, ...; values 1, 0 or <NA> (Int64).
    effort : pandas.DataFrame
        The same shape: camera-days per occasion (0 where the history is NA).

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> h, e = detection_history(load_demo().filter(years=2021), occasion_days=30)
    >>> h.shape == e.shape, bool(((e == 0) == h.isna()).all().all())
    (True, True)
    """
    occasion_days = int(occasion_days)
    if not 1 <= occasion_days <= 366:
        raise ValueError(f"occasion_days={occasion_days!r}: choose 1 to 366 days.")
    d = survey.deployments
    origin, worked = working_periods(d, survey.years, occasion_days)
    n_occasions = worked.shape[1]
    columns = [f"o{k + 1}" for k in range(n_occasions)]
    effort = (pd.DataFrame(worked, columns=columns).assign(locationID=d["locationID"].to_numpy())
              .groupby("locationID", sort=True).sum())
    effort = effort[effort.sum(axis=1) > 0]

    events = _events(survey, species, threshold)
    local = local_time(events["eventStart"], camera_offset(events))
    k = np.floor(((local - origin) / pd.Timedelta(days=1)).to_numpy() / occasion_days)
    inside = (k >= 0) & (k < n_occasions) & events["locationID"].isin(effort.index).to_numpy()
    hits = np.zeros(effort.shape, dtype=bool)
    rows = effort.index.get_indexer(events["locationID"][inside])
    hits[rows, k[inside].astype(int)] = True
    history = pd.DataFrame(hits.astype(int), index=effort.index, columns=columns).astype(
        "Int64").mask(effort.to_numpy() == 0)
    return history, effort

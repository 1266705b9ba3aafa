"""The numbers a yearly park report needs: the headline and one row per year.

The Overview page, the yearly CSV and ``landmap summary`` all take their numbers from
here, so a report written from the command line matches what the dashboard shows.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from landmap.border import cross_border_by_year
from landmap.observations import LEOPARD
from landmap.population import POPULATION_COLUMNS, yearly_population
from landmap.survey import Headline, Survey, headline

__all__ = ["YEARLY_COLUMNS", "Summary", "summarise", "yearly_table"]

#: Columns of :func:`yearly_table`, in order: the population counts, then the sides of
#: the border (``russia`` and ``china`` count animals seen on that side at all,
#: ``russia_only``/``china_only``/``both`` split them), then the camera effort.
YEARLY_COLUMNS = [
    *POPULATION_COLUMNS, "russia", "china", "both", "russia_only", "china_only", "share_both",
    "stations", "trap_nights", "effort_unit",
]  # fmt: skip


def yearly_table(survey: Survey, years: tuple[int, int] | None = None,
                 effort: str = "camera") -> pd.DataFrame:
    """One row per year: animals, cubs, sides of the border and camera effort.

    Parameters
    ----------
    survey : Survey
        Every year, with the selection's other filters (individuals, sex ...): "new"
        means first photographed in the data, so the years before the selection count.
    years : (int, int), optional
        First and last year to report; the survey's span by default.
    effort : {"camera", "station"}, default "camera"
        ``trap_nights`` as camera-days or station-days (named in ``effort_unit``).

    Returns
    -------
    pandas.DataFrame
        :data:`YEARLY_COLUMNS`. Counts are minimum counts (animals no camera photographed
        are missing); ``stations`` had a working camera in the year and ``trap_nights``
        are that year's camera-days.

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> s = load_demo()
    >>> t = yearly_table(s, years=(2021, 2021)).iloc[0]
    >>> int(t["year"]), int(t["russia"]), int(t["stations"])
    (2021, 110, 550)
    >>> int(t["russia_only"] + t["china_only"] + t["both"]) == int(t["individuals"])
    True
    """
    first, last = survey.year_span if years is None else years
    selection = survey.filter(years=(first, last))
    population = yearly_population(survey)
    population = population[population["year"].between(first, last)]
    sides = cross_border_by_year(selection).drop(columns="individuals")
    sides["russia_only"] = sides["russia"] - sides["both"]
    sides["china_only"] = sides["china"] - sides["both"]
    effort = pd.DataFrame(
        [{"year": y, "stations": h.stations, "trap_nights": h.trap_nights,
          "effort_unit": h.effort_unit}
         for y, h in ((y, headline(selection.filter(years=(y, y)), effort=effort))
                      for y in range(first, last + 1))],
        columns=["year", "stations", "trap_nights", "effort_unit"])
    table = population.merge(sides, on="year", how="left").merge(effort, on="year", how="left")
    return table[YEARLY_COLUMNS].reset_index(drop=True)


@dataclasses.dataclass(frozen=True)
class Summary:
    """The headline of a selection and its yearly table."""

    headline: Headline
    yearly: pd.DataFrame
    years: tuple[int, int]
    species: str
    title: str

    def to_dict(self) -> dict:
        """Plain JSON types: missing values become ``None`` (see the README's keys)."""
        rows = [{k: _plain(v) for k, v in row.items()}
                for row in self.yearly.to_dict(orient="records")]
        return {"title": self.title, "years": list(self.years), "species": self.species,
                "headline": {k: _plain(v) for k, v in dataclasses.asdict(self.headline).items()},
                "yearly": rows}


def _plain(value):
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return round(float(value), 4)
    return round(value, 4) if isinstance(value, float) else value


def summarise(survey: Survey, years: tuple[int, int] | int | None = None,
              individuals=None, species: str = LEOPARD, effort: str = "camera") -> Summary:
    """Headline numbers and the yearly table of a selection, as the Overview shows them.

    Parameters
    ----------
    survey : Survey
        The whole survey.
    years : int or (int, int), optional
        One year or a span; every year by default.
    individuals : iterable of str, optional
        Only these animals.
    species : str, default the Amur leopard
        The species whose detections the headline counts.
    effort : {"camera", "station"}, default "camera"
        Trap-nights as camera-days or station-days.

    Raises
    ------
    ValueError
        For a year outside the survey or an unknown individual, naming it.

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> s = summarise(load_demo(), years=2021)
    >>> s.headline.stations, s.headline.individuals
    (550, 131)
    >>> summarise(load_demo(), years=1999)
    Traceback (most recent call last):
    ...
    ValueError: years: 1999 is outside the survey's years 2013–2024.
    """
    span = _check_years(survey, years)
    others = survey.filter(individuals=individuals)
    selection = others.filter(years=span)
    return Summary(headline=headline(selection, species, effort),
                   yearly=yearly_table(others, span, effort),
                   years=span, species=species,
                   title=str(survey.metadata.get("title", survey.source)))


def _check_years(survey: Survey, years) -> tuple[int, int]:
    first, last = survey.year_span
    if years is None:
        return first, last
    span = (years, years) if isinstance(years, int | np.integer) else tuple(years)
    for year in span:
        if not first <= int(year) <= last:
            raise ValueError(f"years: {year} is outside the survey's years {first}–{last}.")
    return int(span[0]), int(span[-1])

"""How the population changes year by year: minimum counts from camera traps.

Every number here is a *minimum count*: an animal that no camera photographed is not
counted, so true numbers are higher.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from landmap.observations import LEOPARD
from landmap.survey import Survey

__all__ = ["POPULATION_COLUMNS", "cubs_by_mother", "yearly_population"]

POPULATION_COLUMNS = [
    "year", "individuals", "females", "males", "adults", "subadults", "new_individuals",
    "last_seen", "females_with_cubs", "cubs", "sex_ratio_m_per_f",
]  # fmt: skip


def _identified(survey: Survey, species: str) -> pd.DataFrame:
    obs = survey.observations
    obs = obs[(obs["scientificName"] == species)]
    return obs.assign(year=survey.observation_years().loc[obs.index].to_numpy())


def cubs_by_mother(survey: Survey, species: str = LEOPARD) -> pd.DataFrame:
    """Females photographed with cubs: per mother and year, the most cubs seen with her at once.

    Counted per event as Camtrap DP packages record a family: the cubs of an event are
    the sum of its juvenile records, an identified juvenile once however many rows it has,
    an unidentified one by its ``count`` (a row "juvenile, count 3" is three cubs, three
    rows of one cub are three too). The mothers are the identified adult females of the
    same event (``lifeStage`` adult, or not recorded); an identified juvenile is a cub,
    never a mother.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``individualID`` (the mother), ``cubs``.

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> c = cubs_by_mother(load_demo().filter(years=(2021, 2021))).set_index("individualID")
    >>> int(c.loc["Leo 117F", "cubs"])
    3
    """
    obs = _identified(survey, species)
    obs = obs[obs["eventID"] != ""]
    young = obs[obs["lifeStage"] == "juvenile"]
    named = young[young["individualID"] != ""].drop_duplicates(["eventID", "individualID"])
    unnamed = young[young["individualID"] == ""]
    per_event = pd.concat([
        named.assign(n=1)[["eventID", "n"]],
        unnamed.assign(n=unnamed["count"].fillna(1).clip(lower=1))[["eventID", "n"]],
    ]).groupby("eventID")["n"].sum()
    mothers = obs[(obs["individualID"] != "") & (obs["sex"] == "female")
                  & obs["lifeStage"].isin(["adult", ""])
                  & obs["eventID"].isin(per_event.index)]
    mothers = mothers.drop_duplicates(["eventID", "individualID"])
    pairs = mothers[["eventID", "year", "individualID"]].assign(
        cubs=mothers["eventID"].map(per_event).astype(int).to_numpy())
    table = pairs.groupby(["year", "individualID"], as_index=False)["cubs"].max()
    return table[["year", "individualID", "cubs"]]


def yearly_population(survey: Survey, species: str = LEOPARD) -> pd.DataFrame:
    """Identified animals per year, by sex and life stage, with arrivals, departures and cubs.

    Parameters
    ----------
    survey : Survey
        Pass the whole survey (or a selection by individual) rather than a span of years:
        "new" means first photographed in the data given, so cutting off earlier years would
        make old animals look new.
    species : str, default the Amur leopard

    Returns
    -------
    pandas.DataFrame
        :data:`POPULATION_COLUMNS`: ``new_individuals`` were first photographed that year;
        ``last_seen`` were not photographed in any later year of the data (empty for the last
        year, which has no later year); ``females_with_cubs`` and ``cubs`` from
        :func:`cubs_by_mother`; ``sex_ratio_m_per_f`` males per female.

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> p = yearly_population(load_demo()).set_index("year")
    >>> int(p.loc[2013, "new_individuals"]) == int(p.loc[2013, "individuals"])
    True
    """
    obs = _identified(survey, species)
    named = obs[obs["individualID"] != ""]
    first, last = survey.year_span
    seen_first = named.groupby("individualID")["year"].min()
    seen_last = named.groupby("individualID")["year"].max()
    # An animal's stage in a year is the oldest stage recorded for it that year.
    rank = {"juvenile": 0, "subadult": 1, "adult": 2}
    stage = (named.assign(r=named["lifeStage"].astype("str").map(rank).fillna(-1))
             .groupby(["year", "individualID"])["r"].max())
    sex = named.groupby("individualID")["sex"].agg(lambda s: s[s != ""].mode().iat[0]
                                                   if (s != "").any() else "")
    cubs = cubs_by_mother(survey, species)
    rows = []
    for year in range(first, last + 1):
        ids = stage.loc[year].index if year in stage.index.get_level_values(0) else []
        in_year = sex.reindex(ids)
        stages = stage.loc[year] if len(ids) else pd.Series(dtype=float)
        females, males = int((in_year == "female").sum()), int((in_year == "male").sum())
        mothers = cubs[cubs["year"] == year]
        rows.append({
            "year": year,
            "individuals": len(ids),
            "females": females,
            "males": males,
            "adults": int((stages == 2).sum()),
            "subadults": int((stages == 1).sum()),
            "new_individuals": int((seen_first == year).sum()),
            "last_seen": int((seen_last == year).sum()) if year < last else pd.NA,
            "females_with_cubs": len(mothers),
            "cubs": int(mothers["cubs"].sum()),
            "sex_ratio_m_per_f": males / females if females else np.nan,
        })
    frame = pd.DataFrame(rows, columns=POPULATION_COLUMNS)
    frame["last_seen"] = frame["last_seen"].astype("Int64")
    return frame

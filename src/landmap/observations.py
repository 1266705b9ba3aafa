"""Observation records: which rows are detections of a species, and on which clock.

The lowest analysis room: :mod:`landmap.survey`, :mod:`landmap.effort` and every page
build on these rules, so each is written once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["LEOPARD", "detection_mask", "detections", "local_time", "local_year"]

#: Scientific name of the Amur leopard as camera-trap data record it.
LEOPARD = "Panthera pardus orientalis"


def detections(observations: pd.DataFrame, species: str = LEOPARD) -> pd.DataFrame:
    """The records of a species that count as detections.

    Cubs photographed with their mother are part of her detection: a ``juvenile`` record
    without an ID in an event that also holds an identified animal of the species is left
    out (it is still used to count cubs). Other juvenile records count.

    Examples
    --------
    >>> obs = pd.DataFrame({"scientificName": [LEOPARD] * 3, "eventID": ["e1", "e1", "e2"],
    ...                     "lifeStage": ["adult", "juvenile", "juvenile"],
    ...                     "individualID": ["Leo 1F", "", ""]})
    >>> detections(obs).index.tolist()
    [0, 2]
    """
    return observations[detection_mask(observations, species)]


def detection_mask(observations: pd.DataFrame, species: str = LEOPARD) -> np.ndarray:
    """Boolean mask of the rows :func:`detections` keeps (no copy of the table is made).

    Examples
    --------
    >>> obs = pd.DataFrame({"scientificName": [LEOPARD, LEOPARD, "Sus scrofa"],
    ...                     "eventID": ["e1", "e1", "e2"], "lifeStage": ["adult", "juvenile", ""],
    ...                     "individualID": ["Leo 1F", "", ""]})
    >>> detection_mask(obs).tolist()
    [True, False, False]
    """
    keep = (observations["scientificName"] == species).to_numpy(dtype=bool)
    cub = keep & ((observations["lifeStage"] == "juvenile")
                  & (observations["individualID"] == "")).to_numpy(dtype=bool)
    if not cub.any():
        return keep
    # Only the few events that hold a cub are looked up (fast on millions of rows).
    events = observations["eventID"]
    cub_events = events.to_numpy()[cub]
    named = keep & (observations["individualID"] != "").to_numpy(dtype=bool)
    with_id = events[named & events.isin(cub_events).to_numpy(dtype=bool)]
    cub &= (events.isin(with_id.to_numpy()) & (events != "")).to_numpy(dtype=bool)
    return keep & ~cub


def local_time(instants: pd.Series, offsets: pd.Series) -> pd.Series:
    """Wall-clock time of each camera (naive), from UTC instants and offsets in minutes.

    Examples
    --------
    >>> t = pd.Series(pd.to_datetime(["2020-12-31T14:30:00Z"]))
    >>> str(local_time(t, pd.Series([600])).iloc[0])
    '2021-01-01 00:30:00'
    """
    return instants.dt.tz_convert(None) + pd.to_timedelta(offsets.to_numpy(), unit="min")


def local_year(instants: pd.Series, offsets: pd.Series) -> pd.Series:
    """Calendar year in the camera's own time zone (a New Year's Eve photo stays in its year)."""
    return local_time(instants, offsets).dt.year.astype("Int64")

"""Observation records: which rows are detections of a species, and on which clock.

The lowest analysis room: :mod:`landmap.survey`, :mod:`landmap.effort` and every page
build on these rules, so each is written once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from landmap._arrow import is_in, positions

__all__ = ["INDEPENDENCE", "LEOPARD", "camera_offset", "detection_mask", "detections",
           "independent_events", "local_time", "local_year"]

#: The independence interval used unless the user picks another (camtrapR's
#: ``minDeltaTime``, in its usual 30 minutes).
INDEPENDENCE = "30min"

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
    # Only the named rows and the cub rows are looked up, each against the few events that
    # hold a cub (fast on millions of rows).
    events = observations["eventID"]
    named = np.flatnonzero(keep & (observations["individualID"] != "").to_numpy(dtype=bool))
    cubs = np.flatnonzero(cub)
    cub_events = events.take(cubs)
    with_id = events.take(named[is_in(events.take(named), cub_events)])
    cub[cubs] = is_in(cub_events, with_id) & (cub_events != "").to_numpy(dtype=bool)
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


def camera_offset(observations: pd.DataFrame) -> pd.Series:
    """The UTC offset (minutes) of the clock each observation's camera kept: its
    deployment's (``local_offset``, set by the reader), else the observation's own.

    Camtrap DP packages may write observations in UTC (``Z``) and deployments in local
    time, as the standard's own example does: a date, a year or an hour of the day must
    then follow the deployment's offset, not the observation's.

    Examples
    --------
    >>> obs = pd.DataFrame({"eventStart_offset": [0, 600], "local_offset": [120, 600]})
    >>> camera_offset(obs).tolist()
    [120, 600]
    """
    if "local_offset" in observations:
        return observations["local_offset"]
    return observations["eventStart_offset"]


def local_year(instants: pd.Series, offsets: pd.Series) -> pd.Series:
    """Calendar year in the camera's own time zone (a New Year's Eve photo stays in its year)."""
    return local_time(instants, offsets).dt.year.astype("Int64")


def independent_events(observations: pd.DataFrame, deployments: pd.DataFrame,
                       species: str = LEOPARD, threshold: str | pd.Timedelta = INDEPENDENCE
                       ) -> pd.DataFrame:
    """The detections of a species that start an independent event.

    A record of the same animal (its ``individualID``; for records without one, the same
    species) at the same station less than ``threshold`` after the previous such record
    belongs to that record's event: the clock restarts with each record, so a long visit
    stays one event (camtrapR's ``minDeltaTime`` with ``deltaTimeComparedTo =
    "lastRecord"``). Stations are ``locationID``: several cameras at one station see one
    event. Cubs with their mother are part of her record (see :func:`detections`).

    Parameters
    ----------
    observations, deployments : pandas.DataFrame
        As a :class:`~landmap.survey.Survey` holds them.
    species : str, default the Amur leopard
    threshold : str or Timedelta, default "30min"

    Returns
    -------
    pandas.DataFrame
        The kept observation rows (same columns and index), with ``locationID``.

    Examples
    --------
    Two cameras at one station photograph Leo 1F five minutes apart; an hour later she
    comes back; an unidentified leopard passes in between:

    >>> t = pd.to_datetime(["2021-01-10T02:00Z", "2021-01-10T02:05Z", "2021-01-10T03:05Z",
    ...                     "2021-01-10T02:30Z"])
    >>> obs = pd.DataFrame({"deploymentID": ["a", "b", "a", "a"], "eventID": ["1", "2", "3", "4"],
    ...                     "scientificName": [LEOPARD] * 4, "lifeStage": ["adult"] * 4,
    ...                     "individualID": ["Leo 1F", "Leo 1F", "Leo 1F", ""],
    ...                     "eventStart": t})
    >>> dep = pd.DataFrame({"deploymentID": ["a", "b"], "locationID": ["S1", "S1"]})
    >>> independent_events(obs, dep)["eventID"].tolist()
    ['1', '4', '3']
    >>> len(independent_events(obs, dep, threshold="2h"))
    2
    """
    gap = pd.Timedelta(threshold)
    if gap < pd.Timedelta(0):
        raise ValueError(f"threshold={threshold!r}: must not be negative.")
    rows = observations[detection_mask(observations, species)]
    # the station of each record: its deployment's first row, as the deployments' order
    # has it (a missing deployment has none)
    at = positions(rows["deploymentID"], deployments["deploymentID"])
    # stations as integers in the order of their names (missing: after all, then NaN)
    station_key, names = _sort_key(deployments["locationID"])
    names = np.append(np.asarray(names, dtype=object), np.nan)
    loc_key = np.append(station_key, len(names) - 1)[at]  # -1 (no deployment) takes NaN
    # an animal is followed by its ID; records without one, as the species they are
    ids = rows["individualID"].astype("str")  # a category column takes no new value
    who = ids.where(ids != "", "\x00" + species)
    # sorted by animal, station and time with integer keys (in the order of the text:
    # factorized sorted), missing values last as pandas sorts them
    who_key, animals = _sort_key(who)
    when = rows["eventStart"]
    if isinstance(when.dtype, pd.DatetimeTZDtype):
        when = when.dt.tz_convert(None)  # UTC, as numbers numpy compares
    when = when.to_numpy(dtype="datetime64[ns]")
    order = np.lexsort((_last_if_missing(when), loc_key, who_key))
    w, loc, t = who_key[order], loc_key[order], when[order]
    same = np.zeros(len(order), dtype=bool)
    # a missing animal or station never continues a run, as NaN equals nothing
    same[1:] = ((w[1:] == w[:-1]) & (loc[1:] == loc[:-1])
                & (w[1:] < len(animals)) & (loc[1:] < len(names) - 1))
    close = np.zeros(len(order), dtype=bool)
    close[1:] = (t[1:] - t[:-1]) < gap.to_timedelta64()  # NaT compares as False
    kept = order[~(same & close)]
    kept = kept[np.argsort(_last_if_missing(when[kept]), kind="stable")]
    return rows.iloc[kept].assign(locationID=names[loc_key[kept]])


def _sort_key(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes in the sorted order of the values, missing ones after all others;
    and the values in that order."""
    codes, uniques = pd.factorize(values, sort=True)
    return np.where(codes < 0, len(uniques), codes), uniques


def _last_if_missing(times: np.ndarray) -> np.ndarray:
    """Times as integers for sorting, NaT after every time (as pandas sorts them)."""
    key = times.view(np.int64).copy()
    key[np.isnat(times)] = np.iinfo(np.int64).max
    return key

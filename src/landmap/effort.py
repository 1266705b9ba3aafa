"""Camera-trap effort: trap-nights per deployment, clipped to a span of years."""

from __future__ import annotations

import pandas as pd

__all__ = ["trap_nights"]

_DAY = pd.Timedelta(days=1)


def _local(instants: pd.Series, offsets: pd.Series) -> pd.Series:
    return instants.dt.tz_convert(None) + pd.to_timedelta(offsets.to_numpy(), unit="min")


def _check_years(years) -> tuple[int, int] | None:
    if years is None:
        return None
    first, last = (int(y) for y in years)
    if first > last:
        raise ValueError(f"years={years!r}: the first year must not come after the last.")
    return first, last


def trap_nights(deployments: pd.DataFrame, years: tuple[int, int] | None = None) -> pd.Series:
    """Trap-nights (camera-days, fractions kept) of each deployment.

    Parameters
    ----------
    deployments : pandas.DataFrame
        With ``deploymentStart``/``deploymentEnd`` (UTC instants) and their
        ``*_offset`` columns in minutes, as :func:`landmap.camtrapdp.read_camtrapdp` gives.
    years : (int, int), optional
        Count only the part of each deployment inside these calendar years
        (inclusive), in the camera's local time.

    Returns
    -------
    pandas.Series of float
        Days, indexed like ``deployments``; 0 for a deployment outside the years.
        Deployments with ``timestampIssues`` are counted too; the caller decides
        whether to show them apart (the flag is on the deployment).

    Examples
    --------
    A camera set up at noon on 30 December 2020 (+10:00) and collected at
    06:00 on 2 January 2021 ran 2.75 days, 1.5 of them in 2020:

    >>> from landmap.camtrapdp import parse_timestamps
    >>> s, so, _ = parse_timestamps(pd.Series(["2020-12-30T12:00:00+10:00"]))
    >>> e, eo, _ = parse_timestamps(pd.Series(["2021-01-02T06:00:00+10:00"]))
    >>> d = pd.DataFrame({"deploymentStart": s, "deploymentStart_offset": so,
    ...                   "deploymentEnd": e, "deploymentEnd_offset": eo})
    >>> float(trap_nights(d).iloc[0]), float(trap_nights(d, (2020, 2020)).iloc[0])
    (2.75, 1.5)
    """
    missing = {"deploymentStart", "deploymentEnd", "deploymentStart_offset",
               "deploymentEnd_offset"} - set(deployments.columns)
    if missing:
        raise ValueError(f"deployments lacks the column(s) {sorted(missing)}; read the data "
                         "with landmap.camtrapdp.read_camtrapdp.")
    span = _check_years(years)
    start = deployments["deploymentStart"]
    end = deployments["deploymentEnd"]
    if span is None:
        return ((end - start) / _DAY).clip(lower=0).rename("trap_nights")
    lo = pd.Timestamp(year=span[0], month=1, day=1)
    hi = pd.Timestamp(year=span[1] + 1, month=1, day=1)
    start_local = _local(start, deployments["deploymentStart_offset"]).clip(lower=lo, upper=hi)
    end_local = _local(end, deployments["deploymentEnd_offset"]).clip(lower=lo, upper=hi)
    # Back to real elapsed time: each end keeps its own offset.
    shift = pd.to_timedelta(
        (deployments["deploymentEnd_offset"] - deployments["deploymentStart_offset"]).to_numpy(),
        unit="min",
    )
    days = ((end_local - start_local) - shift) / _DAY
    inside = end_local > start_local
    return days.where(inside, 0.0).clip(lower=0).rename("trap_nights")

"""When the cameras worked: a station × period matrix of operation (as camtrapR's
``cameraOperation``) and each station's longest gap."""

from __future__ import annotations

import numpy as np
import pandas as pd

from landmap.effort import working_periods

__all__ = ["OPERATION_STATES", "camera_operation", "longest_gaps", "operation_runs"]

#: States of a station in a period: at least one camera working, a camera tagged
#: ``failed`` out there but no longer working (after its last photograph), or none set.
OPERATION_STATES = ("working", "failed", "not set")


def _station_days(survey, nominal: bool, period_days: float):
    d = survey.deployments
    if nominal:  # until it was collected, failed or not
        d = d.drop(columns="effort_end", errors="ignore")
    origin, worked = working_periods(d, survey.years, period_days)
    frame = pd.DataFrame(worked).groupby(d["locationID"].to_numpy(), sort=True).max()
    return origin, frame


def camera_operation(survey, period_days: float = 1.0) -> pd.DataFrame:
    """Each station's state in each period of the selection.

    Parameters
    ----------
    survey : Survey
    period_days : float, default 1
        Days per period (7 for weeks).

    Returns
    -------
    pandas.DataFrame
        One row per station and period: ``locationID``, ``country``, ``period_start``
        (local date), ``worked`` (share of the period at least one camera of the station
        worked, 0-1), ``state`` (:data:`OPERATION_STATES`: ``working`` when ``worked`` is
        above 0; ``failed`` when only a camera tagged failed was out, after its last
        photograph; else ``not set``).

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> op = camera_operation(load_demo().filter(years=2021), period_days=7)
    >>> sorted(op["state"].unique())
    ['failed', 'not set', 'working']
    """
    origin, actual = _station_days(survey, False, period_days)
    _, nominal = _station_days(survey, True, period_days)
    periods = max(actual.shape[1], nominal.shape[1])
    actual = actual.reindex(columns=range(periods), fill_value=0.0)
    nominal = nominal.reindex(index=actual.index, columns=range(periods), fill_value=0.0)
    share = np.clip(actual.to_numpy() / period_days, 0, 1)
    failed = (nominal.to_numpy() > actual.to_numpy() + 1e-9) & (share == 0)
    state = np.where(share > 0, "working", np.where(failed, "failed", "not set"))
    countries = survey.deployments.drop_duplicates("locationID").set_index(
        "locationID")["country"]
    starts = (origin + pd.to_timedelta(np.arange(periods) * period_days, unit="D")).date
    stations = actual.index.to_numpy()
    return pd.DataFrame({
        "locationID": np.repeat(stations, periods),
        "country": countries.reindex(stations).to_numpy().repeat(periods),
        "period_start": np.tile(starts, len(stations)),
        "worked": share.ravel(), "state": state.ravel()})


def longest_gaps(operation: pd.DataFrame) -> pd.DataFrame:
    """Each station's longest run of periods without a working camera, between its first
    and last working period (the season's start and end are not gaps).

    Returns
    -------
    pandas.DataFrame
        ``locationID``, ``country``, ``gap_start``, ``gap_end`` (first and last period of
        the gap), ``periods``, ``failed_periods`` (of which a failed camera was out),
        sorted from the longest; stations without a gap are left out.

    Examples
    --------
    >>> op = pd.DataFrame({"locationID": ["A"] * 5, "country": "RUS",
    ...                    "period_start": pd.date_range("2021-01-01", periods=5).date,
    ...                    "worked": [1, 0, 0, 1, 0],
    ...                    "state": ["working", "failed", "not set", "working", "not set"]})
    >>> longest_gaps(op)[["locationID", "periods", "failed_periods"]].values.tolist()
    [['A', 2, 1]]
    """
    columns = ["locationID", "country", "gap_start", "gap_end", "periods", "failed_periods"]
    op = operation.sort_values(["locationID", "period_start"], kind="stable")
    station = pd.factorize(op["locationID"], sort=True)[0]
    on = (op["state"] == "working").to_numpy()
    idx = np.arange(len(op))
    # each station's first and last working period: gaps lie strictly between them
    first = pd.Series(np.where(on, idx, len(op))).groupby(station).transform("min").to_numpy()
    last = pd.Series(np.where(on, idx, -1)).groupby(station).transform("max").to_numpy()
    gap = ~on & (idx > first) & (idx < last)
    starts = gap & ~np.concatenate([[False], gap[:-1] & (station[1:] == station[:-1])])
    run = np.cumsum(starts) - 1  # the run each gap period belongs to
    if not gap.any():
        return pd.DataFrame(columns=columns)
    runs = pd.DataFrame({"run": run[gap], "station": station[gap], "row": idx[gap],
                         "failed": (op["state"].to_numpy() == "failed")[gap]})
    per_run = runs.groupby("run").agg(station=("station", "first"), a=("row", "min"),
                                      b=("row", "max"), periods=("row", "size"),
                                      failed_periods=("failed", "sum"))
    # the longest run of each station (the earliest of equally long ones)
    best = per_run.sort_values(["station", "periods", "a"], ascending=[True, False, True],
                               kind="stable").drop_duplicates("station")
    table = pd.DataFrame({
        "locationID": op["locationID"].to_numpy()[best["a"]],
        "country": op["country"].to_numpy()[best["a"]],
        "gap_start": op["period_start"].to_numpy()[best["a"]],
        "gap_end": op["period_start"].to_numpy()[best["b"]],
        "periods": best["periods"].to_numpy().astype(int),
        "failed_periods": best["failed_periods"].to_numpy().astype(int)}, columns=columns)
    return table.sort_values(["periods", "locationID"], ascending=[False, True],
                             kind="stable").reset_index(drop=True)


def operation_runs(operation: pd.DataFrame) -> pd.DataFrame:
    """Consecutive periods of a station in the same state, merged: the operation chart
    draws one bar per run instead of one cell per period (a tenth of the data for a year
    of weeks).

    Returns
    -------
    pandas.DataFrame
        ``locationID``, ``country``, ``state``, ``run_start`` (first period's start),
        ``run_end`` (the last period's start plus one period), ``periods`` and ``worked``
        (mean share worked over the run), in station and time order.

    Examples
    --------
    >>> op = pd.DataFrame({"locationID": ["A"] * 5, "country": "RUS",
    ...                    "period_start": pd.date_range("2021-01-01", periods=5).date,
    ...                    "worked": [1, 0, 0, 1, 1.0],
    ...                    "state": ["working", "failed", "failed", "working", "working"]})
    >>> operation_runs(op)[["state", "periods"]].values.tolist()
    [['working', 1], ['failed', 2], ['working', 2]]
    """
    op = operation.sort_values(["locationID", "period_start"], kind="stable")
    station = op["locationID"].to_numpy()
    state = op["state"].to_numpy()
    new = np.ones(len(op), dtype=bool)
    new[1:] = (station[1:] != station[:-1]) | (state[1:] != state[:-1])
    run = np.cumsum(new)
    starts = pd.to_datetime(op["period_start"])
    step = (starts.groupby(station).diff().dropna().min()
            if len(op) > 1 else pd.Timedelta(days=1))
    step = step if pd.notna(step) else pd.Timedelta(days=1)
    runs = op.assign(run=run, start=starts).groupby("run", sort=True).agg(
        locationID=("locationID", "first"), country=("country", "first"),
        state=("state", "first"), run_start=("start", "min"), last=("start", "max"),
        periods=("state", "size"), worked=("worked", "mean"))
    runs["run_end"] = runs.pop("last") + step
    return runs[["locationID", "country", "state", "run_start", "run_end", "periods",
                 "worked"]].reset_index(drop=True)

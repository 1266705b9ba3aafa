"""Trap-nights of hand-built deployments, computed by hand (exact, to 1e-9 days)."""

import pandas as pd
import pytest

from landmap.camtrapdp import parse_timestamps
from landmap.effort import trap_nights


def _deployments(pairs):
    start, so, _ = parse_timestamps(pd.Series([a for a, _ in pairs]))
    end, eo, _ = parse_timestamps(pd.Series([b for _, b in pairs]))
    return pd.DataFrame({"deploymentStart": start, "deploymentStart_offset": so,
                         "deploymentEnd": end, "deploymentEnd_offset": eo})


def test_whole_and_partial_days():
    d = _deployments([("2021-03-01T12:00:00+10:00", "2021-03-11T18:00:00+10:00"),
                      ("2021-03-01T09:00:00+08:00", "2021-03-01T21:00:00+08:00")])
    assert trap_nights(d).tolist() == pytest.approx([10.25, 0.5], abs=1e-9)


def test_offsets_are_respected():
    # 12:00 in Vladivostok (+10) is 02:00 UTC; 12:00 in Hunchun (+8) is 04:00 UTC: 2 h apart.
    d = _deployments([("2021-03-01T12:00:00+10:00", "2021-03-01T12:00:00+08:00")])
    assert trap_nights(d).iloc[0] == pytest.approx(2 / 24, abs=1e-9)


def test_new_year_is_split_in_local_time():
    # 30 Dec 12:00 to 2 Jan 06:00 (+10): 1.5 days in 2020, 1.25 in 2021.
    d = _deployments([("2020-12-30T12:00:00+10:00", "2021-01-02T06:00:00+10:00")])
    assert trap_nights(d, (2020, 2020)).iloc[0] == pytest.approx(1.5, abs=1e-9)
    assert trap_nights(d, (2021, 2021)).iloc[0] == pytest.approx(1.25, abs=1e-9)
    assert trap_nights(d, (2020, 2021)).iloc[0] == pytest.approx(2.75, abs=1e-9)
    assert trap_nights(d, (2022, 2024)).iloc[0] == 0


def test_reversed_years_are_refused():
    d = _deployments([("2020-12-30T12:00:00+10:00", "2021-01-02T06:00:00+10:00")])
    with pytest.raises(ValueError, match=r"years=\(2021, 2020\)"):
        trap_nights(d, (2021, 2020))


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="deploymentEnd"):
        trap_nights(pd.DataFrame({"deploymentStart": []}))

"""Diel activity, overlap, sun time and the species tables, checked against published
results, independent calculations and cases counted by hand.

Tolerances
----------
- ``overlap`` R package 0.3.9 (Meredith, Ridout & Campbell), its own tests on its
  ``simulatedData`` (tigerObs, n = 100; pigObs, n = 80; copied to
  ``tests/fixtures/overlap``): bandwidth 29.90650 and 10.42076 (relative 2e-5), kernel
  density at five hours (absolute 1e-7), Δ̂1 = 0.29086 and Δ̂4 = 0.26920 (5 decimals).
- Sun time: the same package's test of ``sunTime`` on its ``simCalls`` (100 calls at
  56° N, 3° W): the sun times sum to 207.0542 radians (within 0.01 over the 100, about
  0.1 minute each: suntools and NOAA's equations differ in details).
- Sunrise and sunset in Vladivostok: within 2 minutes of astral 3.2 (an independent
  implementation of NOAA's solar equations; NOAA's web calculator cannot be reached from
  the build machines), values below.
- Δ̂4 against the true Δ of two von Mises mixtures (numerical integration on 100,000
  points): mean over 100 replicates of n = 500 within 0.03; 95 % intervals cover the
  truth in 88–100 % of the replicates (binomial noise of 100 replicates).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from landmap.activity import (
    MIN_DETECTIONS,
    activity_density,
    activity_times,
    bandwidth,
    compare_activity,
    overlap,
    overlap_interval,
)
from landmap.activity import _density as kernel_density
from landmap.cli import main
from landmap.community import (
    TIGER,
    co_occurrence,
    detection_history,
    naive_occupancy,
    species_by_station,
)
from landmap.demo import DIEL_PATTERNS
from landmap.io.camtrapdp import read_camtrapdp
from landmap.observations import LEOPARD
from landmap.sun import TWILIGHT_ZENITH, clock_from_sun_time, sun_events, sun_time
from tests.conftest import dep, obs

FIXTURES = Path(__file__).parent / "fixtures" / "overlap"


@pytest.fixture(scope="module")
def tiger_and_pig():
    data = pd.read_csv(FIXTURES / "simulated.csv")
    return (data.loc[data["species"] == "tiger", "radians"].to_numpy(),
            data.loc[data["species"] == "pig", "radians"].to_numpy())


# ----------------------------------------------------------------------------- published
def test_bandwidth_density_and_overlap_equal_the_overlap_package(tiger_and_pig):
    tiger, pig = tiger_and_pig
    assert len(tiger) == 100 and len(pig) == 80
    assert bandwidth(tiger) == pytest.approx(29.90650, rel=2e-5)
    assert bandwidth(pig) == pytest.approx(10.42076, rel=2e-5)
    hours = np.array([0, np.pi / 2, np.pi, 3 * np.pi / 2, 2 * np.pi])
    assert kernel_density(tiger, hours, 30) == pytest.approx(
        [0.02440435, 0.44522913, 0.02179983, 0.50513539, 0.02440435], abs=1e-7)
    assert kernel_density(pig, hours, 10) == pytest.approx(
        [7.877244e-06, 4.522317e-02, 4.622752e-01, 1.216268e-01, 7.877244e-06], abs=1e-7)
    assert overlap(tiger, pig, "Dhat1") == ("Dhat1", pytest.approx(0.29086, abs=5e-6))
    assert overlap(tiger, pig, "Dhat4") == ("Dhat4", pytest.approx(0.26920, abs=5e-6))
    # 'auto' picks by the smaller sample: 80 >= 75
    assert overlap(tiger, pig)[0] == "Dhat4"
    assert overlap(tiger[:60], pig)[0] == "Dhat1"


def test_sun_time_equals_the_overlap_package():
    calls = pd.read_csv(FIXTURES / "simcalls.csv")
    rise, set_ = sun_events(calls["dates"], 56, -3, 0)
    sun = sun_time(calls["time"] / (2 * np.pi) * 24, rise, set_) / 24 * 2 * np.pi
    assert sun.sum() == pytest.approx(207.0542, abs=0.01)


# Vladivostok, 43.12° N 131.9° E, UTC+10, 2021: sunrise, sunset, civil dawn and dusk as
# astral 3.2 computes them (hh:mm:ss local time).
VLADIVOSTOK = {
    "2021-03-20": ("07:16:23", "19:24:06", "06:47:31", "19:53:02"),
    "2021-06-21": ("05:33:07", "20:55:14", "04:56:55", "21:31:26"),
    "2021-09-22": ("06:59:36", "19:10:02", "06:30:39", "19:38:55"),
    "2021-12-21": ("08:40:59", "17:39:49", "08:07:50", "18:12:58"),
}


def _hours(text: str) -> float:
    h, m, s = (int(v) for v in text.split(":"))
    return h + m / 60 + s / 3600


def test_sunrise_sunset_and_twilight_in_vladivostok_within_two_minutes():
    dates = list(VLADIVOSTOK)
    rise, set_ = sun_events(dates, 43.12, 131.9, 600)
    dawn, dusk = sun_events(dates, 43.12, 131.9, 600, zenith=TWILIGHT_ZENITH)
    expected = np.array([[_hours(v) for v in VLADIVOSTOK[d]] for d in dates])
    got = np.column_stack([rise, set_, dawn, dusk])
    assert np.abs(got - expected).max() * 60 < 2
    # the day lasts about 9 h in December and 15 h in June (the reason for sun time)
    assert 8.9 < set_[3] - rise[3] < 9.1 and 15.2 < set_[1] - rise[1] < 15.5


def test_sun_time_anchors_and_its_inverse():
    rise, set_ = 5.5, 20.9
    clock = np.linspace(0, 23.99, 200)
    sun = sun_time(clock, rise, set_)
    assert sun_time([rise, set_], rise, set_).tolist() == [6.0, 18.0]
    assert clock_from_sun_time(sun, rise, set_) == pytest.approx(clock, abs=1e-9)
    assert np.all(np.diff(sun[(clock > rise) & (clock < set_)]) > 0)
    # no sunrise (polar day/night): NaN, not a wrong number
    assert np.isnan(sun_events(["2021-06-21"], 80.0, 15.0, 60)[0][0])


# ----------------------------------------------------------------------------- the curve
def test_density_integrates_to_one_and_identical_times_are_refused():
    rng = np.random.default_rng(3)
    for times in (rng.vonmises(0.5, 3, 50), rng.uniform(0, 2 * np.pi, 400)):
        d = activity_density(times, adjust=1.5, grid=4097)
        assert np.trapezoid(d["density"], d["hour"]) == pytest.approx(1, abs=1e-6)
    with pytest.raises(ValueError, match="same time of day"):
        activity_density(np.full(20, 1.2))


def _mixture(pattern, at: np.ndarray) -> np.ndarray:
    from scipy.stats import vonmises

    total = np.zeros_like(at)
    for weight, hour, kappa in pattern:
        total += weight * (vonmises.pdf(at, kappa, loc=hour / 24 * 2 * np.pi) if kappa > 0
                           else 1 / (2 * np.pi))
    return total / sum(w for w, _, _ in pattern)


def _true_overlap(p, q) -> float:
    at = np.linspace(0, 2 * np.pi, 100_001)
    return float(np.trapezoid(np.minimum(_mixture(p, at), _mixture(q, at)), at))


def _draw(pattern, n, rng) -> np.ndarray:
    weights = np.array([w for w, _, _ in pattern])
    part = rng.choice(len(pattern), n, p=weights / weights.sum())
    mu = np.array([h for _, h, _ in pattern])[part] / 24 * 2 * np.pi
    kappa = np.array([k for _, _, k in pattern])[part]
    return np.mod(mu + rng.vonmises(0, kappa), 2 * np.pi)


def test_dhat4_and_its_interval_against_the_true_overlap():
    first = ((0.6, 20.0, 3.0), (0.4, 4.0, 5.0))
    second = ((0.7, 6.0, 4.0), (0.3, 18.0, 4.0))
    truth = _true_overlap(first, second)
    rng = np.random.default_rng(2024)
    estimates, covered = [], 0
    for replicate in range(100):
        a, b = _draw(first, 500, rng), _draw(second, 500, rng)
        found = overlap_interval(a, b, resamples=299, seed=replicate)
        assert found.estimator == "Dhat4"
        estimates.append(found.estimate)
        covered += found.lower <= truth <= found.upper
    assert abs(np.mean(estimates) - truth) < 0.03
    assert 88 <= covered <= 100


def test_comparison_says_why_a_small_sample_gets_no_curve(two_stations):
    result = compare_activity(two_stations, {"species": LEOPARD, "label": "leopards"},
                              {"species": "Cervus nippon"}, resamples=9)
    assert [len(t) for t in result["times"]] == [4, 1]
    assert result["overlap"] is None
    assert str(result["message"]) == (f"Cervus nippon: 1 independent detections; a curve "
                                      f"needs at least {MIN_DETECTIONS}")
    assert result["curves"].drop(columns="hour").isna().all().all()


# ----------------------------------------------------------------------------- the demo
def test_the_demo_tells_its_own_diel_story(demo):
    """The simulator draws each species' hours from DIEL_PATTERNS in sun time: the
    estimates recover its true overlaps."""
    leopard = activity_times(demo, LEOPARD, time="sun")["radians"]
    for other in ("Cervus nippon", "Sus scrofa", TIGER):
        truth = _true_overlap(DIEL_PATTERNS[LEOPARD], DIEL_PATTERNS[other])
        times = activity_times(demo, other, time="sun")["radians"]
        name, estimate = overlap(leopard, times)
        assert name == "Dhat4" and abs(estimate - truth) < 0.03, (other, estimate, truth)
    # leopards are photographed mostly between sunset and sunrise, wild boar by day
    clock = activity_times(demo.filter(years=2021), LEOPARD)
    night = (clock["clock"] < clock["sunrise"]) | (clock["clock"] >= clock["sunset"])
    assert night.mean() > 0.7
    boar = activity_times(demo.filter(years=2021), "Sus scrofa", time="sun")
    assert boar["hour"].between(6, 18).mean() > 0.6


# ----------------------------------------------------------------------------- by hand
@pytest.fixture
def two_stations(make_package):
    """Station L1: 10 days, leopard at 01:00, 01:20 (same event) and 05:00 on day 2, and
    22:00 on day 7; a tiger on day 3. Station L2: 20 days, one leopard on day 15 and a
    sika deer. Occasions of 5 days from 2021-01-01 00:00 (+10:00)."""
    deployments = [
        dep(1, deploymentStart="2021-01-01T00:00:00+10:00",
            deploymentEnd="2021-01-11T00:00:00+10:00"),
        dep(2, latitude="43.2", deploymentStart="2021-01-03T00:00:00+10:00",
            deploymentEnd="2021-01-23T00:00:00+10:00"),
    ]

    def at(i, day, hour, minute=0, **kw):
        when = f"2021-01-{day:02d}T{hour:02d}:{minute:02d}:00+10:00"
        return obs(i, eventStart=when, eventEnd=when, **kw)

    observations = [
        at(1, 2, 1), at(2, 2, 1, 20), at(3, 2, 5), at(4, 7, 22),
        at(5, 3, 12, scientificName=TIGER, individualID="", sex="", lifeStage=""),
        at(6, 15, 3, deploymentID="d2"),
        at(7, 16, 8, deploymentID="d2", scientificName="Cervus nippon", individualID="",
           sex="", lifeStage=""),
    ]
    return read_camtrapdp(make_package(deployments=deployments, observations=observations))


def test_rai_richness_and_co_occurrence_by_hand(two_stations):
    table = species_by_station(two_stations).set_index("locationID")
    assert table.loc["L1", "trap_nights"] == 10 and table.loc["L2", "trap_nights"] == 20
    assert table.loc["L1", LEOPARD] == 3  # 01:00 and 01:20 are one event
    assert table.loc["L1", f"{LEOPARD} RAI"] == pytest.approx(30.0)
    assert table.loc["L2", f"{LEOPARD} RAI"] == pytest.approx(5.0)
    assert table.loc["L2", "Cervus nippon RAI"] == pytest.approx(5.0)
    assert table["richness"].to_dict() == {"L1": 2, "L2": 2}
    found = co_occurrence(two_stations).set_index("locationID")["found"].to_dict()
    assert found == {"L1": "both", "L2": "first"}
    occupancy = naive_occupancy(two_stations).iloc[0].to_dict()
    assert occupancy == {"year": 2021, "sites": 2, "with_detections": 2,
                         "naive_occupancy": 1.0, "site": "station"}
    # the two stations lie 11 km apart: two 5 km cells, one 100 km cell
    tiger_cells = naive_occupancy(two_stations, TIGER, cell_km=5).iloc[0].to_dict()
    assert (tiger_cells["sites"], tiger_cells["with_detections"]) == (2, 1)
    one_cell = naive_occupancy(two_stations, TIGER, cell_km=100).iloc[0].to_dict()
    assert (one_cell["sites"], one_cell["with_detections"]) == (1, 1)


def test_detection_history_by_hand(two_stations):
    history, effort = detection_history(two_stations, LEOPARD, occasion_days=5)
    # L1 works days 0-10: occasions 1-2 (5 days each); L2 works days 2-22: 3, 5, 5, 5, 2
    assert effort.loc["L1"].tolist() == [5, 5, 0, 0, 0]
    assert effort.loc["L2"].tolist() == [3, 5, 5, 5, 2]
    assert history.loc["L1"].tolist() == [1, 1, pd.NA, pd.NA, pd.NA]
    assert history.loc["L2"].tolist() == [0, 0, 1, 0, 0]
    csv = history.to_csv(na_rep="NA")
    assert csv.splitlines()[1] == "L1,1,1,NA,NA,NA"
    with pytest.raises(ValueError, match="occasion_days=0"):
        detection_history(two_stations, occasion_days=0)


def test_times_are_on_the_cameras_clock_and_in_sun_time(two_stations):
    t = activity_times(two_stations)
    assert sorted(t["clock"].round(4)) == [1.0, 3.0, 5.0, 22.0]
    sun = activity_times(two_stations, time="sun")
    # January at 43.1 N 131.45 E on UTC+10: sunrise ~08:35, sunset ~17:55, solar midnight
    # ~01:15; every photograph is at night (sun time before 6 h or after 18 h), and 01:00
    # lies just before solar midnight
    assert ((sun["hour"] < 6) | (sun["hour"] > 18)).all()
    assert sun.sort_values("clock")["hour"].round(2).tolist() == [23.76, 1.32, 2.97, 21.3]


# ----------------------------------------------------------------------------- command
def test_activity_command_prints_the_documented_json(capsys):
    from landmap.demo import DEMO_DIR

    code = main(["activity", str(DEMO_DIR), "--species", LEOPARD, "--species",
                 "Cervus nippon", "--year", "2021", "--resamples", "99", "--format", "json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"years", "time", "independence_minutes", "species", "overlap"}
    assert [s["species"] for s in out["species"]] == [LEOPARD, "Cervus nippon"]
    assert set(out["overlap"]) == {"n", "estimator", "estimate", "lower", "upper",
                                   "resamples"}
    assert out["overlap"]["n"] == [s["n"] for s in out["species"]]
    assert 0 < out["overlap"]["lower"] < out["overlap"]["estimate"] < out["overlap"][
        "upper"] < 1
    assert main(["activity", str(DEMO_DIR), "--species", "Lynx lynx"]) == 2
    assert "not photographed in the selection" in capsys.readouterr().err


def test_species_tables_and_histories_from_the_command_line(tmp_path, demo, capsys):
    from landmap.demo import DEMO_DIR

    s = demo.filter(years=2021)
    out = tmp_path / "history.csv"
    assert main(["export", str(DEMO_DIR), "--what", "history", "--year", "2021",
                 "--occasion-days", "30", "--output", str(out)]) == 0
    history, effort = detection_history(s, occasion_days=30)
    written = pd.read_csv(out, index_col="locationID", keep_default_na=False)
    assert written.shape == history.shape
    assert (written == "NA").sum().sum() == int(history.isna().sum().sum())
    assert pd.read_csv(tmp_path / "history-effort.csv", index_col="locationID").sum(
    ).sum() == pytest.approx(effort.sum().sum(), abs=0.05)
    assert main(["export", str(DEMO_DIR), "--what", "occupancy", "--species", TIGER,
                 "--year", "2021", "--output", str(tmp_path / "o.json")]) == 0
    rows = json.loads((tmp_path / "o.json").read_text())
    expected = naive_occupancy(s, TIGER).to_dict("records")
    assert rows == [r | {"naive_occupancy": pytest.approx(r["naive_occupancy"], abs=1e-9)}
                    for r in expected]
    assert main(["export", str(DEMO_DIR), "--what", "species", "--year", "2021",
                 "--output", str(tmp_path / "s.csv")]) == 0
    table = pd.read_csv(tmp_path / "s.csv")
    assert table[LEOPARD].sum() == species_by_station(s)[LEOPARD].sum()
    assert set(table["location_precision"]) == {"locations generalised to 5 km"}

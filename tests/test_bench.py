"""The benchmark produces its table with sane numbers (no timing is asserted)."""

from pathlib import Path

import pandas as pd
import pytest

from landmap.bench import PEAK, run, scale_package
from landmap.demo import DEMO_DIR
from landmap.io.camtrapdp import read_camtrapdp


def test_benchmark_table_at_demo_scale(tmp_path):
    # filter_change on: the step drives the dashboard (sign-in included) through AppTest
    table = run(scales=(1,), repeat=1, filter_change=True, player=False)
    measures = set(table["measure"])
    for name in ("raw read of the CSV files (pyarrow)", "load + validation from CSV",
                 "filter change, warm (overview)", "filter change, warm (home ranges)",
                 "filter change, warm (sightings)", "filter change, warm (trap density)",
                 "filter change, warm (cross border)",
                 "load from the Parquet cache", "all home ranges",
                 "effort grid 5 km", "cross-border table (ranges shared)", "yearly summary",
                 "map HTML: overview", "map HTML: sightings", PEAK,
                 "load + validation / raw CSV read", "cached load / raw read of the cache",
                 "floor: raw CSV read + pandas, no checks / raw CSV read",
                 "floor: raw cache read + pandas / raw read of the cache",
                 "peak memory of the loader alone"):
        assert name in measures
    ratios = table[table["unit"] == "x"].set_index("measure")["value"]
    # a ratio is the one measure divided by the other, as printed
    by_name = table.set_index("measure")["value"]
    assert ratios["load + validation / raw CSV read"] == pytest.approx(
        by_name["load + validation from CSV"] / by_name["raw read of the CSV files (pyarrow)"],
        rel=0.05, abs=0.1)
    assert 50 < by_name["peak memory of the loader alone"] < by_name[PEAK]
    assert (ratios > 0).all()
    seconds = table[table["unit"] == "s"]["value"]
    assert (seconds > 0).all()
    sizes = table[table["unit"] == "bytes"].set_index("measure")["value"]
    assert (sizes > 10_000).all() and (sizes < 2_000_000).all()  # maps under 2 MB at 1x
    rows = table.set_index("measure").loc["observations", "value"]
    assert rows == len(pd.read_csv(DEMO_DIR / "observations.csv"))


def test_scaled_package_has_k_times_the_rows_and_distinct_ids(tmp_path):
    s = read_camtrapdp(scale_package(3, tmp_path))
    one = read_camtrapdp(DEMO_DIR)
    assert len(s.observations) == 3 * len(one.observations)
    assert s.deployments["deploymentID"].is_unique
    assert len(s.leopard_ids()) == 3 * len(one.leopard_ids())


def test_growth_is_the_exponent_of_the_rows():
    """A measure that grows as rows^1.5 over three scales reads 1.5; one alone reads none."""
    from landmap.bench import growth

    rows = [1_000, 10_000, 100_000]
    table = pd.DataFrame({"scale": [1, 10, 100] * 3,
                          "measure": ["observations"] * 3 + ["ranges"] * 3 + ["map"] * 3,
                          "unit": ["rows"] * 3 + ["s"] * 3 + ["bytes"] * 3,
                          "value": rows + [2e-6 * r ** 1.5 for r in rows] + [5e5, 5e5, 5e5]})
    assert growth(table).round(3).to_dict() == {("ranges", "s"): 1.5, ("map", "bytes"): 0.0}


def test_the_year_player_is_timed_in_a_browser():
    from landmap.bench import _player_seconds
    from landmap.demo import DEMO_DIR
    from landmap.io.briefing import chromium_path

    if chromium_path() is None:
        pytest.skip("needs Debian's Chromium")
    timed = _player_seconds(DEMO_DIR, ("overview",))
    ready, step = timed["overview"]
    # twelve frames built and drawn take longer than one step between them
    assert set(timed) == {"overview"} and 0 < step < ready


def test_a_failed_player_timing_says_what_the_browser_said(monkeypatch):
    """The timing runs in a process of its own; when it fails, the benchmark's error
    carries that process's last words, not only its exit status (a CI run once stopped
    on "returned non-zero exit status 1" and nothing else)."""
    import subprocess

    from landmap import bench

    said = ("Traceback (most recent call last):\n  ...\nplaywright._impl._errors."
            "TimeoutError: Locator.click: Timeout 30000ms exceeded.")
    monkeypatch.setattr(bench.subprocess, "run", lambda args, **kw: subprocess.CompletedProcess(
        args, 1, stdout="", stderr=said))
    with pytest.raises(RuntimeError) as failed:
        bench._player_seconds(Path("demo"), ("overview",))
    assert str(failed.value) == (
        "the year player's timing in Chromium failed: Traceback (most recent call last): | "
        "  ... | playwright._impl._errors.TimeoutError: Locator.click: Timeout 30000ms "
        "exceeded.")

def test_media_figures_are_measured_on_what_they_name():
    from landmap.bench import media_figures

    # enough rows that the media table's share of the load stands out of the noise
    figures = media_figures(photos=12, rows=200_000, gallery=5, scale=1).set_index("measure")
    made = figures.loc["thumbnails of 12 2-megapixel JPEGs, first made"]
    cached = figures.loc["thumbnails of 12 2-megapixel JPEGs, from the cache"]
    assert made["unit"] == cached["unit"] == "per s"
    assert cached["value"] > made["value"] > 0  # the cache is faster than decoding
    share = figures.loc["media table of 200,000 rows, its share of the load", "value"]
    rest = next(v for k, v in figures["value"].items() if k.startswith("load without media"))
    assert share > 0 and rest > 0
    # the ratio is of the unrounded times; the table rounds each to the millisecond
    assert figures.loc["media table / the rest of the load", "value"] == pytest.approx(
        share / rest, rel=0.02, abs=0.01)


def test_small_scales_time_each_load_at_least_fifteen_demos_worth():
    from landmap.bench import _load_tries

    assert [_load_tries(scale, 3) for scale in (1, 2, 10, 100)] == [15, 7, 3, 3]
    assert _load_tries(1, 20) == 20 and _load_tries(100, 1) == 1


def test_loads_are_timed_after_one_call_not_counted_as_the_raw_reads_are():
    """A first call (a process's first load: its pools and pages are new) is left out of
    the median with ``warm``, as the raw reads' first read is; the result is the last
    call's."""
    import time

    from landmap.bench import _timed

    calls = []

    def load():
        calls.append(len(calls))
        if len(calls) == 1:
            time.sleep(0.3)
        return len(calls)

    seconds, result = _timed(load, 3, warm=True)
    assert len(calls) == 4 and result == 4
    assert seconds < 0.3
    calls.clear()
    seconds, result = _timed(load, 3)
    assert len(calls) == 3 and result == 3

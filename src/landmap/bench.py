"""Benchmark: how long loading, analyses, filter changes and maps take, and how big maps are.

    python -m landmap.bench                 # the demo (1x), table on screen and in bench.csv
    python -m landmap.bench --scales 1 10   # also a survey ten times the demo
    python -m landmap.bench --out results.csv
    python -m landmap.bench --secr-study 100   # SECR: bias and coverage on simulations

A survey ``k`` times the demo is the demo package repeated ``k`` times with new IDs
(every station, deployment, observation and individual copied, coordinates unchanged),
so each scale has the same geography and ``k`` times the rows. Timings are wall-clock
seconds of one run on this machine (the median of ``--repeat`` runs for fast steps);
memory is the peak resident size of the process.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from landmap.demo import DEMO_DIR

__all__ = ["media_figures", "run", "scale_package"]


def scale_package(factor: int, out: Path, source: Path = DEMO_DIR) -> Path:
    """Write the demo package ``factor`` times over, with distinct IDs, into ``out``.

    Examples
    --------
    >>> import tempfile
    >>> from landmap.io.camtrapdp import read_camtrapdp
    >>> with tempfile.TemporaryDirectory() as d:
    ...     s = read_camtrapdp(scale_package(2, Path(d)))
    ...     len(s.deployments) == 2 * len(read_camtrapdp(DEMO_DIR).deployments)
    True
    """
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "datapackage.json", out / "datapackage.json")
    tables = {name: pd.read_csv(source / f"{name}.csv", dtype=str, keep_default_na=False)
              for name in ("deployments", "observations", "individuals",
                           "simulation_summary")}
    copies: dict[str, list[pd.DataFrame]] = {name: [] for name in tables}
    for k in range(factor):
        tag = "" if k == 0 else f"x{k}"
        dep = tables["deployments"].copy()
        obs = tables["observations"].copy()
        ind = tables["individuals"].copy()
        if tag:
            for frame, columns in ((dep, ["deploymentID", "locationID"]),
                                   (obs, ["observationID", "deploymentID", "eventID"])):
                for column in columns:
                    frame[column] = frame[column] + tag
            named = obs["individualID"] != ""
            obs.loc[named, "individualID"] = obs.loc[named, "individualID"] + tag
            ind["individualID"] = ind["individualID"] + tag
            ind["mother"] = ind["mother"].where(ind["mother"] == "", ind["mother"] + tag)
        copies["deployments"].append(dep)
        copies["observations"].append(obs)
        copies["individuals"].append(ind)
    for name in ("deployments", "observations", "individuals"):
        pd.concat(copies[name]).to_csv(out / f"{name}.csv", index=False)
    tables["simulation_summary"].to_csv(out / "simulation_summary.csv", index=False)
    return out


def _timed(func: Callable, repeat: int = 1, warm: bool = False):
    """The median seconds of ``repeat`` calls and the last call's result; with ``warm``,
    after one call not counted (as the raw reads are timed after one read)."""
    times, result = [], None
    if warm:
        func()
    for _ in range(repeat):
        # the last run's result let go first: the peak memory is that of one run
        result = None
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


_RAW_READ = """
import json, statistics, sys, time
from pathlib import Path
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
kind, folder, repeat = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
pandas = kind.endswith("+pandas")
kind = kind.removesuffix("+pandas")
if kind == "csv":
    files = [folder / f"{name}.csv" for name in ("deployments", "observations",
                                                 "individuals", "media")]
    read = pacsv.read_csv
else:
    files, read = sorted(folder.glob("*.parquet")), pq.read_table
times = []
for i in range(repeat + 1):  # the first read warms the new process up: not counted
    start = time.perf_counter()
    for path in files:
        if path.exists():
            table = read(path)
            if pandas:
                table.to_pandas()
    if i:
        times.append(time.perf_counter() - start)
print(json.dumps(statistics.median(times)))
"""


def _raw_read(folder: Path, repeat: int = 1) -> float:
    """Seconds pyarrow takes to read the CSV files the loader reads (types guessed, as by
    default): the median of ``repeat`` reads in a fresh process, as anyone would read
    them. In this process the Arrow pool would keep what the reading threads freed (1.4 GB
    at 100x), and the benchmark's peak would be that of its own floor."""
    return _raw_in_child("csv", folder, repeat)


def _raw_parquet(folder: Path, repeat: int = 1) -> float:
    """Seconds pyarrow takes to read the cache files a load of every year reads (the
    files of single years, read by a load of a few years, are left out), as
    :func:`_raw_read` measures them."""
    return _raw_in_child("parquet", folder, repeat)


def _pandas_floor(folder: Path, repeat: int = 1, cache: bool = False) -> float:
    """Seconds the raw read takes (:func:`_raw_read`, or :func:`_raw_parquet` with
    ``cache``) when each table is also converted to pandas by pyarrow, with no check, no
    category or point made: what any loader that hands over pandas frames costs at the
    least. At 1x the cache's floor alone was about twice its raw read (the aim of a
    cached load is 1.5 times)."""
    return _raw_in_child(("parquet" if cache else "csv") + "+pandas", folder, repeat)


def _raw_in_child(kind: str, folder: Path, repeat: int) -> float:
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _RAW_READ, kind, str(folder), str(repeat)],
                          check=True, capture_output=True, text=True, env=os.environ.copy())
    return float(json.loads(done.stdout.strip().splitlines()[-1]))


#: The map pages whose filter change the benchmark times (their files under pages/).
MAP_PAGES = ("overview", "sightings", "home_ranges", "trap_density", "cross_border")


def _filter_change_seconds(folder: Path, pages=MAP_PAGES) -> dict[str, float]:
    """Warm rerun of each map page after a year-filter change (Streamlit AppTest): the
    years set back to a span seen before, the median of three changes."""
    from streamlit.testing.v1 import AppTest

    from landmap.app import signin
    from landmap.app.serve import legacy_pages_off

    legacy_pages_off()
    # AppTest drives widgets from this thread, outside a script run: Streamlit logs a
    # warning for each, which says nothing about landmap and would bury the table.
    logging.disable(logging.WARNING)
    os.environ["LANDMAP_DATA"] = str(folder)
    # AppTest has no browser address: stand in for the analyst at this computer (no
    # sign-in configured), as a local browser would be.
    local_client = signin._local_client
    signin._local_client = lambda: True
    try:
        app = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"),
                                default_timeout=600)
        app.run()
        out = {}
        for page in pages:
            if page != "overview":
                app.switch_page(f"pages/{page}.py").run()
            app.slider(key="years").set_value((2020, 2021)).run()  # warm the caches
            app.slider(key="years").set_value((2013, 2024)).run()
            times = []
            for span in [(2020, 2021), (2013, 2024), (2020, 2021)]:
                start = time.perf_counter()
                app.slider(key="years").set_value(span).run()
                times.append(time.perf_counter() - start)
            out[page] = statistics.median(times)
        return out
    finally:
        signin._local_client = local_client
        logging.disable(logging.NOTSET)
        os.environ.pop("LANDMAP_DATA", None)


_STEP = """() => new Promise(done => {
  const start = performance.now();
  document.getElementById('lm-forward').click();
  // two animation frames: the step's frame has been painted
  requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - start)));
})"""


def _has_player(frame) -> bool:
    try:
        return frame.evaluate("() => !!document.getElementById('lm-forward')")
    except Exception:  # a frame still loading or gone: not the player's
        return False


def _player_seconds(folder: Path, pages=MAP_PAGES) -> dict[str, tuple[float, float]]:
    """The year player in Chromium, per map page: seconds from "Play the years" until
    every year's frame is drawn (frames built on the server, then drawn by the browser),
    and the median step from one year to the next (click to painted), warm. Empty when
    Chromium or Playwright is missing.

    Measured in a process of its own: Playwright's synchronous API cannot run where an
    event loop is already running (a notebook, a test session)."""
    import json

    code = ("import json, sys; from landmap.bench import _player_in_browser; "
            "print(json.dumps(_player_in_browser(sys.argv[1], sys.argv[2:])))")
    done = subprocess.run([sys.executable, "-c", code, str(folder), *pages], check=False,
                          capture_output=True, text=True, env=os.environ.copy())
    if done.returncode:  # the browser's own words, not only an exit status
        raise RuntimeError("the year player's timing in Chromium failed: "
                           + " | ".join(done.stderr.strip().splitlines()[-3:]))
    return {page: tuple(v) for page, v in
            json.loads(done.stdout.strip().splitlines()[-1]).items()}


def _player_in_browser(folder, pages) -> dict[str, tuple[float, float]]:
    from landmap.io.briefing import chromium_path

    chromium = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {}
    if chromium is None:
        return {}
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out = {}
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, LANDMAP_DATA=str(folder), LANDMAP_CACHE=cache)
        server = subprocess.Popen(
            [sys.executable, "-m", "landmap.app.serve", "--server.port", str(port),
             "--server.headless", "true"], env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium,
                                            args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(viewport={"width": 1920, "height": 1080})
                # a measurement, not a test: a slow machine waits (Playwright's 30 s
                # default once stopped the benchmark in a busy test run)
                page.set_default_timeout(600_000)
                for name in pages:
                    path = "" if name == "overview" else name
                    page.goto(f"http://127.0.0.1:{port}/{path}?years=2013-2024",
                              timeout=600_000)
                    page.locator(".st-key-player-play button").first.wait_for(
                        timeout=600_000)
                    start = time.perf_counter()
                    page.locator(".st-key-player-play button").first.click()
                    book = page.frame_locator("iframe[title='st.iframe']").first
                    book.locator("body[data-ready='1']").wait_for(timeout=600_000)
                    ready = time.perf_counter() - start
                    book.locator("#lm-play").click()  # pause: step by hand
                    frame = next(f for f in page.frames if _has_player(f))
                    steps = [frame.evaluate(_STEP) / 1000 for _ in range(11)]
                    out[name] = (ready, statistics.median(steps))
                    page.locator(".st-key-player-stop button").first.click()
                browser.close()
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    return out


def _map_sizes(survey) -> dict[str, int]:
    """Bytes of HTML each page's map sends to the browser (whole selection)."""
    from landmap.border import crossings_by_individual
    from landmap.effort import coverage_gaps, effort_grid
    from landmap.home_range import home_ranges
    from landmap.maps import (
        cross_border_map,
        density_map,
        home_range_map,
        overview_map,
        sightings_map,
    )

    one_year = survey.filter(years=(2021, 2021))
    ranges = home_ranges(one_year)
    maps = {
        "overview": lambda: overview_map(survey),
        "sightings": lambda: sightings_map(survey),
        "home_ranges (2021)": lambda: home_range_map(one_year, ranges),
        "trap_density": lambda: density_map(survey, effort_grid(survey, by_year=False),
                                            coverage_gaps(survey)),
        "cross_border (2021)": lambda: cross_border_map(
            one_year, crossings_by_individual(one_year, ranges=ranges), ranges),
    }
    return {name: len(build().get_root().render().encode()) for name, build in maps.items()}


_FIRST_MAP = """
import json, resource, sys, time
start = time.perf_counter()
from landmap.maps import overview_map
from landmap.io.sources import load_survey
from landmap.survey import headline
year = int(sys.argv[2]) if len(sys.argv) > 2 else None
survey = load_survey(sys.argv[1], years=year)
headline(survey)
size = len(overview_map(survey).get_root().render().encode())
# Linux keeps ru_maxrss across fork and exec (it would report the parent's peak), so the
# high-water mark of this process's own memory is read from /proc where there is one.
try:
    hwm = next(int(line.split()[1]) for line in open("/proc/self/status")
               if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    hwm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": time.perf_counter() - start, "bytes": size,
                  "peak_mb": hwm / 1024}))
"""


_LOADER = """
import json, sys, time
from landmap.io.camtrapdp import read_camtrapdp
start = time.perf_counter()
read_camtrapdp(sys.argv[1])
hwm = next(int(line.split()[1]) for line in open("/proc/self/status")
           if line.startswith("VmHWM:"))
print(json.dumps({"seconds": time.perf_counter() - start, "peak_mb": hwm / 1024}))
"""


def _loader_alone(folder: Path) -> dict | None:
    """Seconds of the load (imports not counted) and peak memory of a fresh process that
    only validates the package (what a server holds while it loads; None where /proc
    cannot tell the peak)."""
    import json
    import subprocess
    import sys

    if not Path("/proc/self/status").exists():
        return None
    done = subprocess.run([sys.executable, "-c", _LOADER, str(folder)], check=True,
                          capture_output=True, text=True, env=os.environ.copy())
    return json.loads(done.stdout.strip().splitlines()[-1])


def _first_map(folder: Path, year: int | None = None) -> dict:
    """A fresh process loads the package (from the cache) and builds the Overview map,
    as a server's first page view does; returns its seconds, map bytes and peak memory.
    With ``year``, only that year is read from the cache and drawn."""
    import json
    import subprocess
    import sys

    args = [str(folder)] + ([str(year)] if year is not None else [])
    done = subprocess.run([sys.executable, "-c", _FIRST_MAP, *args], check=True,
                          capture_output=True, text=True, env=os.environ.copy())
    return json.loads(done.stdout.strip().splitlines()[-1])


def _two_samples(n: int):
    import numpy as np

    rng = np.random.default_rng(n)
    return rng.vonmises(0.0, 2.0, n), rng.vonmises(1.5, 1.0, n)


def _curve_and_overlap(n: int) -> None:
    from landmap.activity import activity_density, overlap

    a, b = _two_samples(n)
    activity_density(a)
    overlap(a, b)


def _overlap_interval(n: int) -> None:
    from landmap.activity import overlap_interval

    overlap_interval(*_two_samples(n), resamples=999)


def _secr_demo_fit() -> None:
    from landmap.density import fit_secr, make_mask, read_secr_text

    folder = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "secr"
    data = read_secr_text(folder / "trap.txt", folder / "capt.txt")
    fit_secr(data, make_mask(data.detectors, 100))


def _secr_year(survey) -> None:
    from landmap.density import capture_data, estimate_density, habitat

    last = survey.filter(years=survey.year_span[1])
    estimate_density(capture_data(last), habitat(last))


#: The benchmark's peak memory at a scale (a scale of several runs in a process of its own:
#: see :func:`_scales_apart`).
PEAK = "peak memory of the benchmark at this scale"


def _load_tries(scale: int, repeat: int) -> int:
    """How many times each load and raw read is timed at ``scale`` (their median is
    kept): at least ``repeat``, and about 15 loads' worth of the demo at small scales,
    where a raw read of 20 ms moves by a third between tries and three of them made the
    ratios at 1x swing from 4.3x to 6.5x between two runs of the same code."""
    return max(repeat, 15 // max(scale, 1))


def run(scales=(1,), repeat: int = 3, filter_change: bool = True,
        full_from: int = 50, player: bool = True) -> pd.DataFrame:
    """Measure every step at each scale; one row per scale and measure.

    From scale ``full_from`` on, only loading, the first map and the map sizes are measured
    (the analyses of a survey that size take minutes; ``--full`` measures them too).
    """
    from landmap.activity import activity_times
    from landmap.border import cross_border_by_year, crossings_by_individual
    from landmap.community import detection_history, species_by_station
    from landmap.effort import effort_grid
    from landmap.home_range import home_ranges
    from landmap.io.camtrapdp import read_camtrapdp
    from landmap.io.sources import CACHE_ENV, cache_dir, load_survey
    from landmap.population import yearly_population

    rows = []
    for scale in scales:
        with tempfile.TemporaryDirectory() as tmp:
            folder = DEMO_DIR if scale == 1 else scale_package(scale, Path(tmp))
            tries = _load_tries(scale, repeat)
            raw = _raw_read(folder, tries)
            load, survey = _timed(lambda f=folder: read_camtrapdp(f), tries, warm=True)
            last_year = survey.year_span[1]
            # one survey held at a time, as a server holds one package: the analyses below
            # use the cached load's (the same tables)
            survey = None
            # the same files again right after: a page cache emptied in between (this
            # machine reclaims it) would charge the disk to one side of the ratio only
            raw = min(raw, _raw_read(folder, tries))
            os.environ[CACHE_ENV] = str(Path(tmp) / "cache")
            load_survey(folder)  # validates once and writes the Parquet cache
            cached, survey = _timed(lambda f=folder: load_survey(f), tries, warm=True)
            raw_parquet = _raw_parquet(cache_dir(folder), tries)
            floor = {"CSV": _pandas_floor(folder, tries) / raw,
                     "cache": _pandas_floor(cache_dir(folder), tries, cache=True)
                     / raw_parquet}
            first = _first_map(folder)
            one_year = _first_map(folder, last_year)
            alone = _loader_alone(folder)
            os.environ.pop(CACHE_ENV)
            steps = {
                "raw read of the CSV files (pyarrow)": raw,
                "load + validation from CSV": load,
                "load from the Parquet cache": cached,
                "raw read of the cache files (pyarrow)": raw_parquet,
                "first map in a new process (import, cached load, Overview map)":
                    first["seconds"],
                "first map of one year in a new process (reads that year from the cache)":
                    one_year["seconds"],
            }
            rows.append({"scale": scale, "measure": "peak memory of that process",
                         "value": round(first["peak_mb"]), "unit": "MB"})
            if alone is not None:
                rows.append({"scale": scale, "measure": "load + validation, fresh process "
                             "(loader alone)", "value": round(alone["seconds"], 3),
                             "unit": "s"})
                rows.append({"scale": scale, "measure": "peak memory of the loader alone",
                             "value": round(alone["peak_mb"]), "unit": "MB"})
            for name, ratio in (("load + validation / raw CSV read", load / raw),
                                ("cached load / raw read of the cache", cached / raw_parquet),
                                ("floor: raw CSV read + pandas, no checks / raw CSV read",
                                 floor["CSV"]),
                                ("floor: raw cache read + pandas / raw read of the cache",
                                 floor["cache"])):
                rows.append({"scale": scale, "measure": name, "value": round(ratio, 1),
                             "unit": "x"})
            if scale >= full_from:
                for name, seconds in steps.items():
                    rows.append({"scale": scale, "measure": name, "value": round(seconds, 3),
                                 "unit": "s"})
                for page, size in _map_sizes(survey).items():
                    rows.append({"scale": scale, "measure": f"map HTML: {page}",
                                 "value": size, "unit": "bytes"})
                rows.append({"scale": scale, "measure": "observations",
                             "value": len(survey.observations), "unit": "rows"})
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                rows.append({"scale": scale, "measure": PEAK, "value": round(peak),
                             "unit": "MB"})
                survey = None
                continue
            seconds, ranges = _timed(lambda s=survey: home_ranges(s), repeat)
            steps |= {
                "all home ranges": seconds,
                "effort grid 5 km": _timed(lambda s=survey: effort_grid(s), repeat)[0],
                # as the pages do it: the ranges computed once serve the table too
                "cross-border table (ranges shared)": _timed(
                    lambda s=survey, r=ranges: crossings_by_individual(s, ranges=r), 1)[0],
                "cross-border table with its own ranges": _timed(
                    lambda s=survey: crossings_by_individual(s), 1)[0],
                "cross-border by year": _timed(lambda s=survey: cross_border_by_year(s),
                                               repeat)[0],
                "yearly summary": _timed(lambda s=survey: yearly_population(s), repeat)[0],
                "leopard activity times, all years (sun time)": _timed(
                    lambda s=survey: activity_times(s, time="sun"), repeat)[0],
                "activity curve + overlap, 5,000 x 5,000 detections": _timed(
                    lambda: _curve_and_overlap(5000), repeat)[0],
                "overlap interval, 999 resamples, 5,000 x 5,000": _timed(
                    lambda: _overlap_interval(5000), 1)[0],
                "species by station (all species)": _timed(
                    lambda s=survey: species_by_station(s), repeat)[0],
                "detection history, weekly occasions": _timed(
                    lambda s=survey: detection_history(s), repeat)[0],
                "SECR fit of secr's demonstration data (full likelihood)": _timed(
                    _secr_demo_fit, 1)[0],
                "SECR density of the last year (null model, two fits)": _timed(
                    lambda s=survey: _secr_year(s), 1)[0],
            }
            if filter_change:
                for page, seconds in _filter_change_seconds(folder).items():
                    steps[f"filter change, warm ({page.replace('_', ' ')})"] = seconds
                for page, (ready, step) in (_player_seconds(folder) if player
                                            else {}).items():
                    name = page.replace("_", " ")
                    steps[f"year player, 12 frames built and drawn ({name})"] = ready
                    steps[f"year player step, browser, warm ({name})"] = step
            for name, seconds in steps.items():
                rows.append({"scale": scale, "measure": name, "value": round(seconds, 3),
                             "unit": "s"})
            for page, size in _map_sizes(survey).items():
                rows.append({"scale": scale, "measure": f"map HTML: {page}", "value": size,
                             "unit": "bytes"})
            rows.append({"scale": scale, "measure": "observations", "value":
                         len(survey.observations), "unit": "rows"})
            survey = ranges = None  # not held while the next scale loads
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows.append({"scale": scale, "measure": PEAK, "value": round(peak), "unit": "MB"})
    return pd.DataFrame(rows)


def _synthetic_photos(folder: Path, n: int, size=(1632, 1224)) -> list[Path]:
    """``n`` JPEGs of about two megapixels (1632 x 1224) with EXIF, as a trail camera
    writes them: a textured picture, so that decoding costs what a real one costs."""
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    paths = []
    base = rng.integers(0, 255, (size[1] // 8, size[0] // 8, 3), dtype=np.uint8)
    for i in range(n):
        picture = Image.fromarray(np.roll(base, i, axis=1)).resize(size)
        exif = Image.Exif()
        exif[0x010F] = "TrailCam"
        path = folder / f"p{i:05d}.jpg"
        picture.save(path, quality=88, exif=exif)
        paths.append(path)
    return paths


def _media_rows(deployments: pd.DataFrame, n: int) -> pd.DataFrame:
    """``n`` media rows spread over the deployments, inside their spans."""
    import numpy as np

    rng = np.random.default_rng(2)
    pick = rng.integers(0, len(deployments), n)
    dep = deployments.iloc[pick]
    start = pd.to_datetime(dep["deploymentStart"].str[:19])
    offset = dep["deploymentStart"].str[19:].to_numpy()
    when = start + pd.to_timedelta(rng.integers(0, 100 * 86400, n), unit="s")
    ids = [f"m{i:07d}" for i in range(n)]
    return pd.DataFrame({
        "mediaID": ids, "deploymentID": dep["deploymentID"].to_numpy(),
        "captureMethod": "activityDetection",
        "timestamp": when.dt.strftime("%Y-%m-%dT%H:%M:%S").to_numpy() + offset,
        "filePath": [f"media/{i}.jpg" for i in ids], "filePublic": "true",
        "fileName": [f"{i}.jpg" for i in ids], "fileMediatype": "image/jpeg",
        "exifData": "", "favorite": "", "mediaComments": ""})


def media_figures(photos: int = 2000, rows: int = 1_000_000, gallery: int = 50,
                  scale: int = 40) -> pd.DataFrame:
    """The photos' figures: thumbnails per second for ``photos`` synthetic two-megapixel
    JPEGs, first made and then from the cache; a gallery of ``gallery`` photos (warm:
    thumbnails from the cache, encoded into the page); and the load of a media table of
    ``rows`` rows against the load of the package without it (the demo ``scale`` times
    over: 40 times is 1.1 million observations)."""
    import base64

    from landmap.io.camtrapdp import read_camtrapdp
    from landmap.io.images import thumbnails

    out = []

    def add(measure, value, unit):
        out.append({"measure": measure, "value": round(value, 3), "unit": unit})

    with tempfile.TemporaryDirectory() as tmp:
        paths = _synthetic_photos(Path(tmp) / "photos", photos)
        cache = Path(tmp) / "thumbs"
        cold, made = _timed(lambda: thumbnails(paths, 320, cache=cache))
        assert all(isinstance(m, bytes) for m in made)
        warm, _ = _timed(lambda: thumbnails(paths, 320, cache=cache))
        add(f"thumbnails of {photos:,} 2-megapixel JPEGs, first made", photos / cold,
            "per s")
        add(f"thumbnails of {photos:,} 2-megapixel JPEGs, from the cache", photos / warm,
            "per s")

        def page():
            pictures = thumbnails(paths[:gallery], 360, cache=cache)
            return "".join(f'<img src="data:image/jpeg;base64,'
                           f'{base64.b64encode(p).decode()}">' for p in pictures)

        page()  # made once: the gallery shown before
        add(f"gallery of {gallery} photos, warm", _timed(page, 3)[0], "s")
    with tempfile.TemporaryDirectory() as tmp:
        folder = scale_package(scale, Path(tmp) / "pkg")
        without, survey = _timed(lambda: read_camtrapdp(folder), 2)
        deployments = pd.read_csv(folder / "deployments.csv", dtype=str,
                                  keep_default_na=False)
        _media_rows(deployments, rows).to_csv(folder / "media.csv", index=False)
        with_media, loaded = _timed(lambda: read_camtrapdp(folder), 2)
        assert len(loaded.kept.media) == rows
        add(f"load without media ({len(survey.observations):,} observations)", without, "s")
        add(f"media table of {rows:,} rows, its share of the load", with_media - without,
            "s")
        add("media table / the rest of the load", (with_media - without) / without, "x")
    return pd.DataFrame(out)


def growth(table: pd.DataFrame) -> pd.Series:
    """How each measure grows with the observations: the exponent k of value ∝ rows^k,
    fitted by least squares on the logarithms of every scale measured (NaN with fewer
    than two scales). 1 is linear; above 1 a measure grows faster than the data.

    Examples
    --------
    >>> t = pd.DataFrame({"scale": [1, 10, 100, 1, 10, 100],
    ...                   "measure": ["load"] * 3 + ["observations"] * 3,
    ...                   "unit": ["s"] * 3 + ["rows"] * 3,
    ...                   "value": [0.1, 1.0, 10.0, 1e3, 1e4, 1e5]})
    >>> growth(t).round(2).to_dict()
    {('load', 's'): 1.0}
    """
    import numpy as np

    rows = table[table["measure"] == "observations"].set_index("scale")["value"]
    out = {}
    for (measure, unit), part in table[table["measure"] != "observations"].groupby(
            ["measure", "unit"], sort=False):
        part = part[part["scale"].isin(rows.index) & (part["value"] > 0)]
        if part["scale"].nunique() < 2 or unit == "x":
            continue
        x = np.log(rows.loc[part["scale"]].to_numpy(float))
        y = np.log(part["value"].to_numpy(float))
        out[(measure, unit)] = float(np.polyfit(x, y, 1)[0])
    return pd.Series(out, dtype=float)


def _scales_apart(args: argparse.Namespace) -> pd.DataFrame:
    """Each scale measured in a process of its own, so that each scale's peak memory is
    its own: a process's peak is never lowered, and in one process the 100x figure was
    that of the 10x analyses run before it."""
    options = ["--repeat", str(args.repeat)]
    options += ["--no-filter-change"] if args.no_filter_change else []
    options += ["--no-player"] if args.no_player else []
    options += ["--full"] if args.full else []
    tables = []
    with tempfile.TemporaryDirectory() as tmp:
        for scale in args.scales:
            out = Path(tmp) / f"{scale}.csv"
            # its own table is not printed: the table of every scale is, at the end
            subprocess.run([sys.executable, "-m", "landmap.bench", "--scales", str(scale),
                            *options, "--output", str(out)], check=True,
                           stdout=subprocess.DEVNULL)
            tables.append(pd.read_csv(out))
    return pd.concat(tables, ignore_index=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="landmap bench",
                                     description="Benchmark landmap on scaled demo surveys.")
    parser.add_argument("--scales", type=int, nargs="+", default=[1])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", type=Path, metavar="CSV",
                        help="also write the table to this CSV file")
    parser.add_argument("--no-filter-change", action="store_true",
                        help="skip the Streamlit rerun measurement")
    parser.add_argument("--no-player", action="store_true",
                        help="skip the year player's timing in Chromium")
    parser.add_argument("--full", action="store_true",
                        help="run every analysis at every scale (minutes at 100x)")
    parser.add_argument("--media", type=int, nargs="?", const=2000, metavar="PHOTOS",
                        help="instead: thumbnails per second for PHOTOS synthetic "
                             "2-megapixel JPEGs (default 2000), a warm gallery of 50, and "
                             "a media table of a million rows")
    parser.add_argument("--secr-study", type=int, metavar="REPLICATES",
                        help="instead: the SECR simulation study on a leopard-like design "
                             "(bias of the mean density and coverage of the intervals)")
    args = parser.parse_args(argv)
    if args.media is not None:
        figures = media_figures(args.media)
        if args.output:
            figures.to_csv(args.output, index=False)
        print(figures.to_string(index=False))
        return
    if args.secr_study:
        import json

        from landmap.secr_study import run_study, summarise_study

        results = run_study(args.secr_study)
        if args.output:
            results.to_csv(args.output, index=False)
        print(json.dumps(summarise_study(results), indent=2))
        return
    if len(args.scales) > 1:
        table = _scales_apart(args)
    else:
        table = run(tuple(args.scales), args.repeat, not args.no_filter_change,
                    full_from=10**9 if args.full else 50, player=not args.no_player)
    if args.output:
        table.to_csv(args.output, index=False)
    wide = table.pivot_table(index=["measure", "unit"], columns="scale", values="value",
                             sort=False)
    if len(args.scales) > 1:
        wide["growth (rows^k)"] = growth(table).reindex(wide.index).round(2)
    print(wide.to_string())


if __name__ == "__main__":
    main()

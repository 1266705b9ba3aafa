"""Shared fixtures: the demo survey, the boundary layers and a builder of tiny packages."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from landmap.boundaries import load_boundaries
from landmap.demo import DEMO_DIR, load_demo

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def boundaries():
    return load_boundaries()


@pytest.fixture(scope="session")
def demo():
    return load_demo()


@pytest.fixture(scope="session")
def demo_summary() -> pd.DataFrame:
    """The simulator's own per-year counts, written beside the package."""
    return pd.read_csv(DEMO_DIR / "simulation_summary.csv").set_index("year")


def _csv(rows: list[dict]) -> str:
    return pd.DataFrame(rows).to_csv(index=False, lineterminator="\n")


def dep(i: int = 1, **kw) -> dict:
    """A deployment row near Kedrovaya Pad (Russia, +10:00)."""
    row = {"deploymentID": f"d{i}", "locationID": f"L{i}", "latitude": "43.1",
           "longitude": "131.45", "deploymentStart": "2021-01-01T12:00:00+10:00",
           "deploymentEnd": "2021-03-01T12:00:00+10:00", "timestampIssues": "false"}
    row.update(kw)
    return row


def obs(i: int = 1, **kw) -> dict:
    """An event-level leopard observation row."""
    row = {"observationID": f"o{i}", "deploymentID": "d1", "eventID": f"e{i}",
           "eventStart": "2021-01-10T02:00:00+10:00", "eventEnd": "2021-01-10T02:00:30+10:00",
           "observationLevel": "event", "observationType": "animal",
           "scientificName": "Panthera pardus orientalis", "count": "1",
           "individualID": "Leo 1F", "sex": "female", "lifeStage": "adult"}
    row.update(kw)
    return row


@pytest.fixture
def make_package(tmp_path):
    """Write a small Camtrap DP package from row dicts (or raw text) and return its folder."""

    def make(deployments=None, observations=None, individuals=None, raw=None,
             descriptor=None) -> Path:
        folder = tmp_path / "pkg"
        folder.mkdir(exist_ok=True)
        resources = [{"name": "deployments", "path": "deployments.csv"},
                     {"name": "observations", "path": "observations.csv"}]
        tables = {"deployments": [dep()] if deployments is None else deployments,
                  "observations": [obs()] if observations is None else observations}
        if individuals is not None:
            tables["individuals"] = individuals
            resources.append({"name": "individuals", "path": "individuals.csv"})
        for name, rows in tables.items():
            (folder / f"{name}.csv").write_text(_csv(rows), encoding="utf-8")
        for name, content in (raw or {}).items():
            target = folder / name
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        desc = descriptor if descriptor is not None else {"name": "t", "resources": resources}
        (folder / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
        return folder

    return make


@pytest.fixture
def dashboard_on(monkeypatch, tmp_path):
    """Start the dashboard (Streamlit AppTest) on a package folder as this computer's
    analyst (no sign-in configured), with its own cache; ``env`` sets more variables."""

    def start(folder=None, **env):
        from streamlit.testing.v1 import AppTest

        from landmap.app import signin
        from landmap.app.serve import legacy_pages_off

        if folder is not None:
            monkeypatch.setenv("LANDMAP_DATA", str(folder))
        monkeypatch.setenv("LANDMAP_CACHE", str(tmp_path / "app-cache"))
        for name, value in env.items():
            monkeypatch.setenv(name, str(value))
        monkeypatch.setattr(signin, "_local_client", lambda: True)
        legacy_pages_off()
        return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)

    return start


# --- real browser against the running dashboard (see tests/test_browser.py) -----------
CHROMIUM = os.environ.get("LANDMAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_dashboard(*options: str, name: str = "dashboard"):
    """The dashboard started with the README's command (plus ``options``); yields its URL."""
    port = _free_port()
    python = shutil.which("python3") or sys.executable
    log = (ARTIFACTS / f"{name}.log")
    ARTIFACTS.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "LANDMAP_DATA"}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [python, str(ROOT / "tasks.py"), "start", "--server.port", str(port),
             "--server.address", "127.0.0.1", *options],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 300
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
            if proc.poll() is not None:
                pytest.fail(f"the dashboard exited early; see {log}:\n{log.read_text()[-2000:]}")
        else:
            pytest.fail(f"the dashboard did not answer within 300 s; see {log}")
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


@pytest.fixture(scope="session")
def dashboard():
    """The dashboard with no sign-in configured (local use, analyst role)."""
    with running_dashboard() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's package "
                    "('apt-get install chromium') or run 'python3 tasks.py test', which does.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1500, "height": 1800})
    pg = context.new_page()
    pg.outside = []  # requests that tried to leave localhost
    pg.assets = []  # scripts and stylesheets the page loaded

    def route(r):
        url = r.request.url
        if r.request.resource_type in ("script", "stylesheet"):
            pg.assets.append(url)
        if re.match(r"https?://(127\.0\.0\.1|localhost)[:/]", url) or url.startswith(
                ("data:", "file:", "blob:", "about:")):
            r.continue_()
        else:
            pg.outside.append(url)
            r.abort()

    pg.route("**/*", route)
    yield pg
    shot = ARTIFACTS / f"{request.node.name}.png"
    pg.screenshot(path=str(shot), full_page=True)
    context.close()




def wait_idle(page, timeout: float = 60, quiet: float = 1.5) -> None:
    """Wait until no script run has been going for ``quiet`` seconds.

    The map component reports back once it has drawn, which starts one more run; a widget
    touched during that run can be overwritten, so tests wait for the app to settle.
    """
    deadline = time.time() + timeout
    calm_since = time.time()
    while time.time() < deadline:
        if page.locator('[data-testid="stStatusWidget"]').count():
            calm_since = time.time()
        elif time.time() - calm_since >= quiet:
            return
        page.wait_for_timeout(100)


def map_frame(page):
    page.wait_for_selector("iframe", timeout=60_000)
    frame = page.frame_locator("iframe").first
    # The legend is added last and is always in view (the border may lie outside it).
    frame.locator(".lm-legend").first.wait_for(timeout=60_000)
    wait_idle(page)
    return frame


def metrics(page) -> dict[str, str]:
    # a loaded machine draws a page's title well before its figures
    page.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=60_000)
    out = {}
    for box in page.locator('[data-testid="stMetric"]').all():
        label = box.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        out[label] = box.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return out


def expected_metrics(h) -> dict[str, str]:
    return {"Camera stations": f"{h.stations:,}", "Trap-nights": f"{h.trap_nights:,.0f}",
            "Leopard detections": f"{h.detections:,}", "Individuals": f"{h.individuals:,}"}


def wait_for_metrics(page, expected: dict[str, str], timeout: float = 30) -> dict[str, str]:
    deadline = time.time() + timeout
    seen = {}
    while time.time() < deadline:
        seen = metrics(page)
        if seen == expected:
            return seen
        page.wait_for_timeout(250)
    return seen




def set_slider_to_end(page, attempts: int = 5) -> None:
    """Move the Years slider's first handle to the last year, as a keyboard user would.

    On a cold start a key press made while the map component reports back can be lost
    (seen about once in three first loads); the user, like this helper, presses again.
    """
    handle = page.locator('[data-testid="stSlider"] input[type="range"]').first
    last = handle.get_attribute("max")
    for _ in range(attempts):
        handle.locator("xpath=../..").click()  # the visible thumb; the input is hidden
        page.keyboard.press("End")
        page.wait_for_timeout(1000)
        if handle.input_value() == last:
            return
    raise AssertionError(f"the Years slider did not move to {last}")


# --- location precision: checks that coordinates sit on the generalisation grid -------
def off_grid(lon, lat, cell_km: float, tolerance_m: float = 3.0,
             outlines: bool = False):
    """Indices of WGS84 points that are neither a cell centre nor a cell corner of the
    ``cell_km`` grid in UTM 52N (within ``tolerance_m``: files round to about a metre).

    ``outlines=True`` also accepts the vertices of a viewer's outline of an area, which
    lie on the lines joining neighbouring cell centres (``privacy.cell_outline``)."""
    import numpy as np
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:32652", always_xy=True).transform(
        np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    cell = cell_km * 1000

    def distance(v, phase):  # to the nearest multiple of the cell plus phase
        r = np.mod(v - phase, cell)
        return np.minimum(r, cell - r)

    centre = (distance(x, cell / 2) <= tolerance_m) & (distance(y, cell / 2) <= tolerance_m)
    corner = (distance(x, 0) <= tolerance_m) & (distance(y, 0) <= tolerance_m)
    allowed = centre | corner
    if outlines:
        allowed |= (distance(x, cell / 2) <= tolerance_m) | (distance(y, cell / 2) <= tolerance_m)
    return np.flatnonzero(~allowed)


_PAIR = re.compile(r"(-?\d{1,3}\.\d+)\s*,\s*(-?\d{1,3}\.\d+)")


def public_places(boundaries) -> set[tuple[float, float]]:
    """(lon, lat) of every vertex of the published layers (countries, border, parks) as
    maps and files round them (1e-5°), plus the map's fixed place labels and centre."""
    import shapely

    places = set()
    for layer in (boundaries.countries, boundaries.border, boundaries.parks):
        xy = shapely.get_coordinates(shapely.set_precision(
            layer.to_crs(4326).geometry.to_numpy(), 1e-5, mode="pointwise"))
        places |= {(round(x, 5), round(y, 5)) for x, y in xy}
    labels = [(131.75, 43.75), (130.25, 43.3), (130.2, 42.2), (131.6, 42.45), (131.0, 43.15)]
    return places | set(labels)


def leaked_places(text: str, cell_km: float, public: set) -> list[tuple[float, float]]:
    """Places in ``text`` (any two adjacent numbers that read as a lon/lat or lat/lon pair
    in the region) that are neither published layer vertices nor on the ``cell_km`` grid
    (centres, corners, or an outline's vertex on a line between centres)."""
    found = []
    for a, b in _PAIR.findall(text):
        a, b = float(a), float(b)
        if 100 < a < 160 and 30 < b < 60:
            found.append((a, b))
        elif 30 < a < 60 and 100 < b < 160:
            found.append((b, a))
    candidates = [p for p in {(round(x, 5), round(y, 5)) for x, y in found} if p not in public]
    if not candidates:
        return []
    lon, lat = zip(*candidates, strict=True)
    return [candidates[i] for i in off_grid(lon, lat, cell_km, outlines=True)]


def upload(page, index: int, path, attempts: int = 3) -> None:
    """Put a file into the page's ``index``-th file uploader and wait until it is listed.

    A file given while the page is still re-running can be dropped with the widget it was
    given to (seen on a cold server); the user, like this helper, gives it again.
    """
    wait_idle(page)
    name = Path(path).name
    for _ in range(attempts):
        page.get_by_test_id("stFileUploaderDropzoneInput").nth(index).set_input_files(str(path))
        try:
            page.get_by_test_id("stFileUploader").nth(index).get_by_text(name).first.wait_for(
                timeout=15_000)
            wait_idle(page)
            return
        except Exception:  # Playwright's TimeoutError: give the file again
            continue
    raise AssertionError(f"the uploader did not take {name}")


def upload_for(page, button: str, files: dict[int, Path], attempts: int = 3) -> None:
    """Give each uploader its file until ``button``, which needs them all, is enabled.

    The uploader can list a file that the server never received, when the file arrived
    during the run started by the previous one (seen once in CI); a user sees the button
    stay grey and gives the files again, as this helper does.
    """
    load = page.get_by_role("button", name=button)
    for _ in range(attempts):
        for index, path in files.items():
            upload(page, index, path)
        deadline = time.time() + 20
        while time.time() < deadline:
            if load.is_enabled():
                return
            page.wait_for_timeout(200)
    raise AssertionError(f"{button!r} stayed disabled after {attempts} uploads")

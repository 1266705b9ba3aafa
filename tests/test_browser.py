"""Real-browser tests: Debian's Chromium, driven by Playwright, against the README's command.

The dashboard is started exactly as the README says (``python3 tasks.py start``); every
request that leaves localhost is blocked and recorded, so a map that needs a CDN fails here.
Screenshots are kept in ``test-artifacts/``.
"""

from __future__ import annotations

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

import pytest

from landmap.maps import overview_map
from landmap.offline import standalone_html
from landmap.survey import headline
from tests.conftest import ARTIFACTS, ROOT

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("LANDMAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dashboard():
    """The dashboard started with the README's command; yields its base URL."""
    port = _free_port()
    python = shutil.which("python3") or sys.executable
    log = (ARTIFACTS / "dashboard.log")
    ARTIFACTS.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "LANDMAP_DATA"}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [python, str(ROOT / "tasks.py"), "start", "--server.port", str(port),
             "--server.address", "127.0.0.1"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
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
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
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
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
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


def _map_frame(page):
    page.wait_for_selector("iframe", timeout=60_000)
    frame = page.frame_locator("iframe").first
    frame.locator("path.lm-border").first.wait_for(timeout=60_000)
    return frame


def _metrics(page) -> dict[str, str]:
    out = {}
    for box in page.locator('[data-testid="stMetric"]').all():
        label = box.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        out[label] = box.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return out


def _expected(h) -> dict[str, str]:
    return {"Camera stations": f"{h.stations:,}", "Trap-nights": f"{h.trap_nights:,.0f}",
            "Leopard detections": f"{h.detections:,}", "Individuals": f"{h.individuals:,}"}


def _wait_for_metrics(page, expected: dict[str, str], timeout: float = 30) -> dict[str, str]:
    deadline = time.time() + timeout
    seen = {}
    while time.time() < deadline:
        seen = _metrics(page)
        if seen == expected:
            return seen
        page.wait_for_timeout(250)
    return seen


def test_landing_map_draws_offline_from_local_assets(dashboard, page, demo):
    page.goto(dashboard + "/")
    frame = _map_frame(page)
    page.wait_for_timeout(1000)
    assert frame.locator("path.lm-border").count() >= 1
    assert frame.locator("path.lm-park").count() == len(demo.boundaries.parks)
    markers = frame.locator(".lm-cluster").count() + frame.locator("path.lm-sighting").count()
    assert markers > 10
    assert frame.locator("path.lm-station").count() == headline(demo).stations
    legend = frame.locator(".lm-legend").inner_text()
    assert "Russia–China border" in legend and "approximate" in legend
    assert page.outside == []
    map_assets = [u for u in page.assets if "/app/static/vendor/" in u]
    assert any(u.endswith("leaflet.js") for u in map_assets)
    assert all(re.match(r"http://127\.0\.0\.1:\d+/", u) for u in page.assets)


def test_year_filter_changes_the_headline(dashboard, page, demo):
    page.goto(dashboard + "/")
    _map_frame(page)
    assert _wait_for_metrics(page, _expected(headline(demo))) == _expected(headline(demo))
    # Move the slider's first handle to the last year: the selection becomes 2024 alone.
    handle = page.locator('[data-testid="stSlider"] input[type="range"]').first
    handle.focus()
    handle.press("End")
    want = _expected(headline(demo.filter(years=(2024, 2024))))
    assert _wait_for_metrics(page, want) == want
    page.wait_for_function("() => location.search.includes('years=2024-2024')")
    # The map follows the filter too (its legend and layer names carry the selection).
    frame = page.frame_locator("iframe").first
    frame.get_by_text("Amur leopard camera traps, 2024").wait_for(timeout=30_000)
    assert f"Leopard detections ({want['Leopard detections'].replace(',', '')})" in \
        frame.locator(".leaflet-control-layers").inner_text()
    assert page.get_by_role("heading", name="Amur leopard camera traps, 2024").is_visible()
    assert page.locator('[data-testid="stSidebar"]').get_by_text("Individuals").is_visible()


def test_link_restores_the_filters(dashboard, page, demo):
    page.goto(dashboard + "/?years=2017-2018&individuals=Leo%2016F")
    frame = _map_frame(page)
    want = _expected(headline(demo.filter(years=(2017, 2018), individuals=["Leo 16F"])))
    assert _wait_for_metrics(page, want) == want
    assert "Leo 16F" in page.locator('[data-testid="stSidebar"]').inner_text()
    frame.locator("path.lm-sighting, .lm-cluster").first.wait_for()


def test_exported_html_map_draws_with_no_network(browser, demo, tmp_path):
    target = tmp_path / "map.html"
    target.write_text(standalone_html(overview_map(demo.filter(years=(2021, 2021)))),
                      encoding="utf-8")
    context = browser.new_context(viewport={"width": 1200, "height": 800}, offline=True)
    pg = context.new_page()
    requests = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.goto(target.as_uri())
    pg.locator("path.lm-border").first.wait_for(timeout=30_000)
    assert pg.locator("path.lm-park").count() == 3
    assert pg.locator(".lm-cluster, path.lm-sighting").count() > 10
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / "exported_map.png"))
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    context.close()

"""Real-browser tests: Debian's Chromium, driven by Playwright, against the README's command.

The dashboard is started exactly as the README says (``python3 tasks.py start``); every
request that leaves localhost is blocked and recorded, so a map that needs a CDN fails here.
Screenshots are kept in ``test-artifacts/``.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from landmap.maps import overview_map
from landmap.maps.offline import standalone_html
from landmap.survey import headline
from tests.conftest import (
    ARTIFACTS,
    expected_metrics,
    map_frame,
    set_slider_to_end,
    wait_for_metrics,
)

pytestmark = pytest.mark.browser

def test_landing_map_draws_offline_from_local_assets(dashboard, page, demo):
    page.goto(dashboard + "/")
    frame = map_frame(page)
    page.wait_for_timeout(1000)
    assert frame.locator("path.lm-border").count() >= 1
    assert frame.locator("path.lm-park").count() == len(demo.boundaries.parks)
    assert frame.locator("path.lm-sighting").count() > 10
    assert frame.locator("path.lm-station").count() == headline(demo).stations
    legend = frame.locator(".lm-legend").inner_text()
    assert "Russia–China border" in legend and "approximate" in legend
    assert page.outside == []
    map_assets = [u for u in page.assets if "/app/static/vendor/" in u]
    assert any(u.endswith("leaflet.js") for u in map_assets)
    assert all(re.match(r"http://127\.0\.0\.1:\d+/", u) for u in page.assets)


def test_year_filter_changes_the_headline(dashboard, page, demo):
    page.goto(dashboard + "/")
    map_frame(page)
    everything = expected_metrics(headline(demo))
    assert wait_for_metrics(page, everything) == everything
    # Move the slider's first handle to the last year: the selection becomes 2024 alone.
    set_slider_to_end(page)
    want = expected_metrics(headline(demo.filter(years=(2024, 2024))))
    assert wait_for_metrics(page, want) == want
    page.wait_for_function("() => location.search.includes('years=2024-2024')")
    # The map follows the filter too (its legend and layer names carry the selection).
    frame = page.frame_locator("iframe").first
    frame.get_by_text("Amur leopard camera traps, 2024").wait_for(timeout=30_000)
    assert f"Leopard detections ({want['Leopard detections']})" in \
        frame.locator(".leaflet-control-layers").text_content()
    assert page.get_by_role("heading", name="Amur leopard camera traps, 2024").is_visible()
    assert page.get_by_test_id("stSidebarUserContent").get_by_text("Individuals").is_visible()


def test_link_restores_the_filters(dashboard, page, demo):
    page.goto(dashboard + "/?years=2017-2018&individuals=Leo%2016F")
    frame = map_frame(page)
    want = expected_metrics(headline(demo.filter(years=(2017, 2018), individuals=["Leo 16F"])))
    assert wait_for_metrics(page, want) == want
    assert "Leo 16F" in page.locator('[data-testid="stSidebar"]').inner_text()
    frame.locator("path.lm-sighting").first.wait_for()


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
    assert pg.locator("path.lm-sighting").count() > 10
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / "exported_map.png"))
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    context.close()


def test_the_busiest_stations_circles_are_whole_inside_the_fitted_view(browser, make_package,
                                                                        tmp_path):
    """Two stations 20 km apart, one with the largest circle: at every frame size (a
    laptop, a projector, a tall window) the view fitted on the stations leaves room for
    every circle. With the former 14 px of padding 11 of 100 circles over such sizes were
    cut by the frame's edge."""
    from landmap.io.camtrapdp import read_camtrapdp
    from landmap.maps.circles import MAX_RADIUS
    from tests.conftest import dep, obs

    survey = read_camtrapdp(make_package(
        deployments=[dep(1, latitude="43.05", longitude="131.30"),
                     dep(2, latitude="43.20", longitude="131.45")],
        observations=[obs(i, observationID=f"o{i}", individualID="Leo 1F",
                          eventStart=f"2021-06-{1 + i:02d}T02:00:00+10:00",
                          eventEnd=f"2021-06-{1 + i:02d}T02:00:30+10:00")
                      for i in range(12)] + [obs(99, observationID="o99", deploymentID="d2")]))
    target = tmp_path / "map.html"
    target.write_text(standalone_html(overview_map(survey)), encoding="utf-8")
    context = browser.new_context(offline=True)
    pg = context.new_page()
    cut = []
    for width in range(800, 1400, 60):
        for height in (500, 660, 820):
            pg.set_viewport_size({"width": width, "height": height})
            pg.goto(target.as_uri())
            circles = pg.locator("path.lm-sighting")
            circles.first.wait_for(timeout=30_000)
            view = pg.locator(".leaflet-container").bounding_box()
            # measured once the fitted view has settled (its zoom may still be animating)
            boxes = None
            for _ in range(50):
                pg.wait_for_timeout(100)
                now = [circles.nth(i).bounding_box() for i in range(circles.count())]
                if now == boxes:
                    break
                boxes = now
            assert len(boxes) == 2
            assert max(b["width"] for b in boxes) == pytest.approx(2 * MAX_RADIUS, abs=3)
            cut += [(width, height) for b in boxes
                    if b["x"] < view["x"] or b["y"] < view["y"]
                    or b["x"] + b["width"] > view["x"] + view["width"]
                    or b["y"] + b["height"] > view["y"] + view["height"]]
    assert cut == []
    context.close()


#: The page's Leaflet map (folium names its variable after an id).
_LEAFLET_MAP = "Object.values(window).find(v => v instanceof L.Map)"


def _open_map(browser, m, tmp_path):
    """A map as one offline HTML file, opened at a projector's 1280x720: (context, page)."""
    target = tmp_path / "map.html"
    target.write_text(standalone_html(m), encoding="utf-8")
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto(target.as_uri())
    return context, page


def test_range_names_close_together_are_each_readable(browser, demo, tmp_path):
    """Two individuals whose ranges lie 400 m apart: at the fitted view their names would
    print over each other (as Leo 74F and Leo 65M did on the generalised demo in
    briefing mode); the second is moved below the first, and stays next to it."""
    from shapely import affinity

    from landmap.home_range import home_ranges
    from landmap.maps import home_range_map

    s = demo.filter(years=(2021, 2021), individuals=["Leo 16F", "Leo 23F"])
    ranges = home_ranges(s, method=("mcp",))
    first = ranges[ranges["individualID"] == "Leo 16F"]
    twin = first.assign(individualID="Leo 23F",
                        geometry=first.geometry.map(lambda g: affinity.translate(g, 400, 0)))
    context, pg = _open_map(browser, home_range_map(s, pd.concat([first, twin]),
                                                    show_locations=False), tmp_path)
    names = pg.locator(".lm-range-name")
    names.nth(1).wait_for(timeout=30_000)
    pg.wait_for_timeout(500)
    boxes = {names.nth(i).inner_text(): names.nth(i).bounding_box() for i in range(2)}
    pg.screenshot(path=str(ARTIFACTS / "range_names_apart.png"))
    context.close()
    a, b = boxes["Leo 16F"], boxes["Leo 23F"]
    # the points are 400 m apart: without moving, the two names would overlap
    assert abs(a["x"] - b["x"]) < a["width"]
    assert not (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
                and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])
    assert b["y"] - (a["y"] + a["height"]) < a["height"]  # right below, not flung away


_PAN_NAME_TO = """([x, y]) => {
  const map = """ + _LEAFLET_MAP + """;
  const at = map.latLngToContainerPoint([42.45, 131.6]);  // the sea's name
  map.panBy([at.x - x, at.y - y], {animate: false});
}"""


def test_place_names_cut_by_the_frame_are_hidden(browser, demo, tmp_path):
    """A place name half outside the frame read as another word ("SEA OF JA" on the
    Overview at 1280x720): it is hidden while cut, and shown again whole."""
    context, pg = _open_map(browser, overview_map(demo.filter(years=(2021, 2021))),
                            tmp_path)
    sea = pg.locator(".lm-label", has_text="SEA OF JAPAN")
    sea.wait_for(state="attached", timeout=30_000)
    pg.wait_for_timeout(1000)  # the view fitted on the data first
    view = pg.locator(".leaflet-container").bounding_box()
    seen = {}
    for where, point in (("inside", (view["width"] / 2, view["height"] / 2)),
                         ("bottom edge", (view["width"] / 2, view["height"])),
                         ("left edge", (0, view["height"] / 2)),
                         ("back inside", (view["width"] / 3, view["height"] / 3))):
        pg.evaluate(_PAN_NAME_TO, list(point))
        pg.wait_for_timeout(200)
        seen[where] = sea.evaluate("e => getComputedStyle(e).visibility")
    context.close()
    assert seen == {"inside": "visible", "bottom edge": "hidden", "left edge": "hidden",
                    "back inside": "visible"}


def test_each_coloured_range_is_named_at_the_fitted_view(browser, demo, tmp_path):
    """A few individuals, each with a colour of its own (the briefing pack's map, a
    selection in the filters): their names are on the map at the fitted view too, not
    only from zoom 10, so that similar colours need no matching with the legend."""
    from landmap.home_range import home_ranges
    from landmap.maps import home_range_map

    s = demo.filter(years=(2021, 2021), individuals=["Leo 18M", "Leo 94M", "Leo 165M"])
    context, pg = _open_map(browser, home_range_map(s, home_ranges(s, levels=(95,))),
                            tmp_path)
    pg.locator("path.lm-range").first.wait_for(timeout=30_000)
    pg.wait_for_timeout(500)
    zoom = pg.evaluate(f"{_LEAFLET_MAP}.getZoom()")
    names = sorted(pg.locator(".lm-range-name").all_inner_texts())
    context.close()
    assert zoom < 10
    assert names == ["Leo 165M", "Leo 18M", "Leo 94M"]


def test_an_exported_map_shows_none_of_the_dashboards_buttons(browser, demo):
    """A PNG or the briefing pack is a picture: the zoom, layer and "Whole landscape"
    buttons are hidden (the last showed through the title box before)."""
    from landmap.io.briefing import _framed_html

    page_html = _framed_html(overview_map(demo.filter(years=(2021, 2021))), "Leo 2021",
                             ["2021"])
    pg = browser.new_page(viewport={"width": 1280, "height": 720})
    pg.set_content(page_html, wait_until="load")
    pg.locator("path.lm-border").first.wait_for(timeout=30_000)
    shown = {name: pg.locator(name).first.is_visible()
             for name in (".lm-home", ".leaflet-control-zoom", ".leaflet-control-layers",
                          ".lm-export-title", ".lm-legend")}
    pg.close()
    assert shown == {".lm-home": False, ".leaflet-control-zoom": False,
                     ".leaflet-control-layers": False, ".lm-export-title": True,
                     ".lm-legend": True}

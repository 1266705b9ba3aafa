"""Briefing mode on a projector (1280×720) and a 1920×1080 screen: every map page is one
screen. The map frame and its whole legend lie in the window without scrolling, the map
takes at least 55 % of the height, the legend covers no marker, and the markers of the
selection span at least 60 % of the map's width or height (the view is framed on the data).
Screenshots at 1920×1080 are kept in ``test-artifacts/`` (and copied to ``docs/``)."""

from __future__ import annotations

import pytest

from tests.conftest import ARTIFACTS, map_frame

pytestmark = pytest.mark.browser

MAP_PAGES = ["overview", "sightings", "home_ranges", "trap_density", "cross_border",
             "individuals", "density", "activity"]
MARKERS = ("path.lm-station, path.lm-sighting, path.lm-range, "
           "path.lm-cell, path.lm-surface, path.lm-station-value, path[class*='lm-found-']")

_GEOMETRY = """() => {
  const box = r => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom});
  const map = document.querySelector('.leaflet-container').getBoundingClientRect();
  const legend = document.querySelector('.lm-legend').getBoundingClientRect();
  const marks = [...document.querySelectorAll(MARKERS)].map(e => e.getBoundingClientRect())
    .filter(r => r.width > 0 && r.right > map.left && r.left < map.right
                 && r.bottom > map.top && r.top < map.bottom);
  return {map: box(map), legend: box(legend), inner: window.innerHeight,
          marks: marks.map(box)};
}"""


def _overlap(a, b) -> bool:
    return (a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"]
            and b["top"] < a["bottom"])


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["720p", "1080p"])
@pytest.mark.parametrize("name", MAP_PAGES)
def test_each_map_page_is_one_screen_in_briefing_mode(dashboard, browser, name, size):
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(f"{dashboard}/{'' if name == 'overview' else name}"
                  "?years=2021-2021&briefing=1")
        if name == "activity":  # its map is the section "Where"
            page.get_by_text("Where", exact=True).first.click()
        map_frame(page)
        page.wait_for_timeout(2500)  # the frame grows to the window, the view refits
        first = page.locator("iframe[title*='st_folium']").first
        frame = first.bounding_box()
        # the page's first map (the order frames were made in need not be the page's)
        inner = first.element_handle().content_frame()
        geometry = inner.evaluate(_GEOMETRY.replace("MARKERS", repr(MARKERS)))
        assert page.evaluate("window.scrollY") == 0
        assert frame["y"] >= 0 and frame["y"] + frame["height"] <= height + 1, name
        assert frame["height"] >= 0.55 * height, (name, frame)
        legend = geometry["legend"]
        assert legend["top"] >= 0 and legend["bottom"] <= geometry["inner"] + 1, name
        marks = geometry["marks"]
        assert marks, name
        assert not any(_overlap(legend, m) for m in marks), name
        m = geometry["map"]
        span_x = (max(r["right"] for r in marks) - min(r["left"] for r in marks)) / (
            m["right"] - m["left"])
        span_y = (max(r["bottom"] for r in marks) - min(r["top"] for r in marks)) / (
            m["bottom"] - m["top"])
        assert max(span_x, span_y) >= 0.6, (name, span_x, span_y)
        if width == 1920:
            page.screenshot(path=str(ARTIFACTS / f"briefing-{name}-1920x1080.png"))
    finally:
        context.close()


def test_a_link_to_overview_opens_the_overview(dashboard, page):
    page.goto(dashboard + "/overview?years=2021-2021")
    map_frame(page)
    page.get_by_role("heading", name="Amur leopard camera traps, 2021").wait_for()
    assert "page not found" not in page.inner_text("body").lower()

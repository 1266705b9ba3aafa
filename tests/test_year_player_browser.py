"""The year player: map pages step through the years of the selection, one frame each,
in the browser alone."""

from __future__ import annotations

import hashlib

import pytest

from tests.conftest import map_frame, wait_idle

pytestmark = pytest.mark.browser


def _flipbook(page):
    """The player's frame, once every year's map is drawn."""
    page.wait_for_selector("iframe[title='st.iframe']", timeout=60_000)
    book = page.frame_locator("iframe[title='st.iframe']").first
    book.locator("body[data-ready='1']").wait_for(timeout=120_000)
    return book


def _shown(book) -> tuple[str, str, str, int]:
    """The year in the bar, the legend's title and a fingerprint of the circles (place
    and size) of the frame on show, and how many frames are visible."""
    year = book.locator("#lm-year").inner_text()
    frame = book.frame_locator("iframe.lm-shown")
    title = frame.locator(".lm-legend h4").first.inner_text()
    circles = frame.locator("path.lm-sighting").evaluate_all(
        "cs => cs.map(c => c.getAttribute('d')).join('|')")
    visible = book.locator("iframe").evaluate_all(
        "fs => fs.filter(f => getComputedStyle(f).visibility === 'visible').length")
    return year, title, hashlib.sha1(circles.encode()).hexdigest(), visible


def test_stepping_through_twelve_years_draws_twelve_frames(dashboard, page):
    page.goto(dashboard + "/?years=2013-2024")
    map_frame(page)
    page.get_by_role("button", name="Play the years").click()
    book = _flipbook(page)
    assert book.locator("body").get_attribute("data-playing") == "1"  # plays by itself
    book.locator("#lm-play").click()  # pause, and step by hand from here
    book.locator("#lm-back").click()
    book.locator("#lm-forward").click()
    assert book.locator("body").get_attribute("data-playing") == "0"
    first = int(book.locator("#lm-year").inner_text())
    frames = []
    for _ in range(12):
        frames.append(_shown(book))
        book.locator("#lm-forward").click()
    years = [int(y) for y, *_ in frames]
    assert sorted(years) == list(range(2013, 2025)) and years[0] == first
    assert all(title.endswith(y) for y, title, _, _ in frames)  # each frame is its year
    assert len({c for _, _, c, _ in frames}) == 12  # and draws its own circles
    assert all(visible == 1 for *_, visible in frames)
    # after the last year the first again; the keyboard steps too
    assert book.locator("#lm-year").inner_text() == str(first)
    book.locator("body").press("ArrowLeft")
    assert book.locator("#lm-year").inner_text() == str(years[-1])
    # the frames share one view: a step keeps the zoom and the centre
    views = book.locator("iframe").evaluate_all(
        "fs => fs.map(f => { const m = f.contentWindow.lmView.map; const c = m.getCenter();"
        " return [m.getZoom(), c.lat.toFixed(5), c.lng.toFixed(5)].join(' '); })")
    assert len(views) == 12 and len(set(views)) == 1
    # played, it moves on by itself, at the chosen speed
    book.locator("#lm-speed").select_option("0.5")
    book.locator("#lm-play").click()
    shown = book.locator("#lm-year").inner_text()
    page.wait_for_function(
        "y => document.querySelector(\"iframe[title='st.iframe']\").contentDocument"
        ".getElementById('lm-year').innerText !== y", arg=shown, timeout=5_000)
    page.locator(".st-key-player-stop button").first.click()
    wait_idle(page)
    assert page.locator("iframe[title='st.iframe']").count() == 0
    assert map_frame(page).locator(".lm-legend h4").first.inner_text().endswith("2013–2024")


def test_the_player_fits_a_projector_screen_in_briefing_mode(dashboard, page):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(dashboard + "/home_ranges?years=2013-2024&briefing=1")
    map_frame(page)
    page.get_by_role("button", name="Play the years").click()
    book = _flipbook(page)
    box = page.locator("iframe[title='st.iframe']").bounding_box()
    assert box["y"] + box["height"] <= 720 and box["height"] >= 0.55 * 720
    legend = book.frame_locator("iframe.lm-shown").locator(".lm-legend").first.bounding_box()
    assert legend["y"] + legend["height"] <= 720
    # the book plays at once: by now it may show a later year (a busy machine), but its
    # frames run from the span's first year
    assert book.locator("#lm-year").inner_text() in {str(y) for y in range(2013, 2025)}
    labels = book.locator("#lm-frames").evaluate(
        "e => JSON.parse(e.textContent).map(f => f.label)")
    assert labels == [str(y) for y in range(2013, 2025)]

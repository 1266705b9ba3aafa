"""The year player: map pages step through the years of the selection, one frame each."""

from __future__ import annotations

import hashlib

import pytest

from tests.conftest import map_frame, wait_idle

pytestmark = pytest.mark.browser


def _frame(page) -> tuple[str, str]:
    """The legend's title and a fingerprint of the circles drawn (place and size)."""
    frame = map_frame(page)
    title = frame.locator(".lm-legend h4").first.inner_text()
    circles = frame.locator("path.lm-sighting").evaluate_all(
        "cs => cs.map(c => c.getAttribute('d')).join('|')")
    return title, hashlib.sha1(circles.encode()).hexdigest()


def test_stepping_through_twelve_years_draws_twelve_frames(dashboard, page):
    page.goto(dashboard + "/?years=2013-2024")
    map_frame(page)
    page.get_by_role("button", name="Play the years").click()
    wait_idle(page)
    page.locator(".st-key-player-pause button").first.click()  # step by hand from here
    wait_idle(page)
    frames = []
    for step in range(12):
        year = page.locator(".lm-year").inner_text()
        title, circles = _frame(page)
        frames.append((year, title, circles))
        if step < 11:
            page.locator(".st-key-player-forward button").first.click()
            page.wait_for_function(
                "y => document.querySelector('.lm-year') && "
                "document.querySelector('.lm-year').innerText !== y", arg=year)
            wait_idle(page)
    years = [int(y) for y, _, _ in frames]
    assert sorted(years) == list(range(2013, 2025))
    assert all(t.endswith(str(y)) for y, t, _ in frames)  # each frame is its own year
    assert len({c for _, _, c in frames}) == 12  # and draws its own circles
    # played, it moves on by itself
    page.locator(".st-key-player-play button").first.click()
    shown = page.locator(".lm-year").inner_text()
    page.wait_for_function("y => document.querySelector('.lm-year').innerText !== y",
                           arg=shown, timeout=15_000)
    page.locator(".st-key-player-stop button").first.click()
    wait_idle(page)
    assert page.locator(".lm-year").count() == 0
    assert _frame(page)[0].endswith("2013–2024")

"""The year player's flip-book page: frames carried intact, controls in each language."""

from __future__ import annotations

import json
import re

import pytest

from landmap.i18n import language
from landmap.maps.flipbook import PLAYER_SPEEDS, flipbook_html


def _frames(html: str) -> list[dict]:
    found = re.search(r'<script type="application/json" id="lm-frames">(.*?)</script>', html,
                      re.S)
    return json.loads(found.group(1))


def test_every_frame_arrives_unchanged_even_with_scripts_inside():
    maps = [("2020", '<html><script>var a = "</script>";</script><p>2020 &amp; more</p>'),
            ("2021", "<html><p>Лео 117F, 豹</p></html>")]
    html = flipbook_html(maps)
    assert _frames(html) == [{"label": y, "html": h} for y, h in maps]
    # nothing in a frame ends the page's own script early
    assert html.count("</script>") == 3
    assert 'data-shown="2020"' in html and '<span id="lm-year" class="lm-year"' in html


def test_the_speeds_offered_include_the_one_asked_for():
    html = flipbook_html([("2020", "a")], seconds=3.0)
    offered = [float(v) for v in re.findall(r'<option value="([\d.]+)"', html)]
    assert offered == sorted({*PLAYER_SPEEDS, 3.0})
    assert '<option value="3.0" selected>3 s per year</option>' in html
    assert '<option value="0.5">0.5 s per year</option>' in html
    assert re.search(r'"seconds": 3\.0, "autoplay": true', html)


def test_the_controls_speak_russian_and_chinese():
    ru = flipbook_html([("2020", "a")], lang=language("ru"), autoplay=False)
    assert 'lang="ru"' in ru and "Следующий год" in ru and "0,5 с на год" in ru
    assert '"autoplay": false' in ru
    zh = flipbook_html([("2020", "a")], lang=language("zh"))
    assert "下一年" in zh


@pytest.mark.parametrize(("frames", "seconds", "message"), [
    ([], 2.0, "flipbook_html needs at least one frame"),
    ([("2020", "a")], 0, "seconds must be positive, got 0"),
])
def test_bad_arguments_are_named(frames, seconds, message):
    with pytest.raises(ValueError, match=message):
        flipbook_html(frames, seconds=seconds)

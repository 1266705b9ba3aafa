"""Map PNGs and the PDF briefing pack, checked as a person would: size, not blank, the
text of the pack, its pages as images, and no exact location for a viewer."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from landmap.home_range import home_ranges
from landmap.io import briefing
from landmap.io.briefing import SIZES, ExportUnavailable, briefing_pack, build_briefing, map_png
from landmap.maps import overview_map
from landmap.privacy import Precision, Release
from landmap.survey import headline
from tests.conftest import leaked_places, public_places

pytestmark = pytest.mark.skipif(briefing.chromium_path() is None,
                                reason="needs Debian's Chromium: apt-get install chromium")

BACKGROUND = (207, 227, 239)  # the map's sea colour, the largest flat area


def _drawn_share(png: bytes) -> float:
    """Share of pixels that are neither white nor the sea: land, layers, text."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
    plain = (pixels == 255).all(axis=1) | (np.abs(pixels - BACKGROUND).sum(axis=1) < 6)
    return 1 - plain.mean()


@pytest.fixture(scope="module")
def release(demo):
    """2021, females, at 5 km: what a viewer's download would hold."""
    return Release(demo.filter(years=(2021, 2021), sex=["female"]), Precision(5),
                   demo.filter(sex=["female"]))


@pytest.mark.parametrize("size", ["projector", "a4"])
def test_map_png_has_the_requested_size_and_is_drawn(release, size):
    png = map_png(overview_map(release.view()), "Females, 2021",
                  ["2021", release.precision.label], size)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == SIZES[size] == {"projector": (1920, 1080), "a4": (2339, 1654)}[size]
    # Land, parks, stations and the legend cover well over a third of a regional map.
    assert _drawn_share(png) > 0.35


def test_missing_chromium_says_what_to_install(monkeypatch, release):
    monkeypatch.setattr(briefing, "chromium_path", lambda: None)
    with pytest.raises(ExportUnavailable, match="sudo apt-get install chromium"):
        map_png(overview_map(release.view()), "x", [])


@pytest.fixture(scope="module")
def pack(release, tmp_path_factory):
    data = build_briefing(release, "Female Amur leopards, 2021", ["Leo 16F", "Leo 23F"])
    folder = tmp_path_factory.mktemp("pack")
    (folder / "pack.pdf").write_bytes(briefing_pack(data))
    return data, folder


def _text(folder) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("needs poppler-utils (pdftotext, pdftoppm): apt-get install poppler-utils")
    return subprocess.run(["pdftotext", "-layout", str(folder / "pack.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_pack_text_holds_title_counts_and_areas(pack, release):
    _, folder = pack
    text = _text(folder)
    h = headline(release.exact)
    assert "Female Amur leopards, 2021" in text
    assert "locations generalised to 5 km" in text
    # the data are named by their title; where they lie on the server is not for a handout
    assert str(release.exact.metadata["title"])[:40] in re.sub(r"\s+", " ", text)
    assert str(release.exact.source) not in re.sub(r"\s+", "", text)
    for number in (f"{h.stations:,}", f"{h.trap_nights:,.0f}", f"{h.detections:,}",
                   f"{h.individuals:,}"):
        assert re.search(rf"(?<![\d,]){re.escape(number)}(?![\d,])", text), number
    ranges = home_ranges(release.exact.filter(individuals=["Leo 16F", "Leo 23F"]),
                         levels=(95,))
    for row in ranges[ranges.geometry.notna()].itertuples():
        line = re.search(rf"{row.individualID}\s+{row.method}\s+{row.level:g}\s+\d+\s+\d+\s+"
                         rf"{row.area_km2:,.1f}", text)
        assert line, (row.individualID, row.method, row.area_km2)
    for section in ("Leopards photographed per year", "Across the Russia–China border",
                    "Home ranges", "Trap effort", "Sources and methods",
                    "Counts are minimum counts"):
        assert section in text


def test_pack_pages_render_with_maps_that_are_not_blank(pack):
    _, folder = pack
    _text(folder)  # skips without poppler
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(folder / "pack.pdf"),
                    str(folder / "page")], check=True)
    pages = sorted(folder.glob("page-*.png"))
    assert 8 <= len(pages) <= 12
    first = Image.open(pages[0]).convert("RGB")
    width, height = first.size  # A4 landscape: 297 × 210 mm, about 468 × 331 px at 40 dpi
    assert width / height == pytest.approx(297 / 210, rel=0.01)
    assert width == pytest.approx(297 / 25.4 * 40, abs=2)
    # The first page is mostly the overview map (land, sea, layers), the rest white paper.
    pixels = np.asarray(first).reshape(-1, 3).astype(int)
    paper = (pixels >= 250).all(axis=1)
    assert 1 - paper.mean() > 0.30


def test_pack_embeds_its_fonts(pack):
    _, folder = pack
    _text(folder)
    fonts = subprocess.run(["pdffonts", str(folder / "pack.pdf")], capture_output=True,
                           text=True, check=True).stdout
    assert "DejaVuSans" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:] if line.strip())


def test_a_viewers_pack_holds_no_exact_location(pack, boundaries):
    data, folder = pack
    public = public_places(boundaries)
    for name, build in data.maps.items():
        page = briefing._framed_html(build(), data.title, [data.span, data.precision])
        assert leaked_places(page, 5, public) == [], name
        assert len(leaked_places(page, 5, set())) > 0, name  # places were there to check
    assert leaked_places(_text(folder), 5, public) == []


@pytest.mark.parametrize(("code", "sections", "precision", "english"), [
    ("ru", ["Леопарды на снимках по годам", "Через российско-китайскую границу",
            "Участки обитания", "Усилие фотоловушек", "Источники и методы",
            "Все числа минимальные"], "места обобщены до 5 км",
     ["Sources and methods", "Trap effort", "Counts are minimum counts", "Seen in"]),
    ("zh", ["每年拍到的豹", "跨越中俄边境", "家域", "相机努力量", "来源与方法",
            "所有数量均为最低数量"],
     "位置模糊化至 5 公里", ["Sources and methods", "Trap effort", "Home ranges"]),
])
def test_pack_in_russian_and_chinese(release, tmp_path, code, sections, precision, english):
    from landmap.i18n import language

    lang = language(code)
    data = build_briefing(release, "Leo 2021", ["Leo 16F", "Leo 23F"], lang=lang)
    (tmp_path / "pack.pdf").write_bytes(briefing_pack(data))
    text = _text(tmp_path)
    flat = re.sub(r"\s+", " ", text.replace("\xa0", " "))
    for section in sections:
        assert section in flat, section
    assert precision in flat
    for word in english:  # the English headings are gone
        assert word not in flat, word
    h = headline(release.exact)
    # Numbers are grouped the language's way: "1 234" in Russian, "1,234" in Chinese.
    trap_nights = lang.number(h.trap_nights).replace("\xa0", " ")
    assert trap_nights in flat
    if code == "ru" and h.trap_nights >= 1000:
        assert " " in trap_nights and "," not in trap_nights
    # "Made with landmap on <today>" written as the language writes dates.
    import datetime as dt

    today = lang.date(dt.datetime.now(dt.UTC).date()).replace("\xa0", " ")
    assert today in flat
    # The map frames carry the credit line in the language too.
    page = briefing._framed_html(data.maps["overview"](), data.title, [data.span], lang)
    assert lang.gettext("Countries and border: Natural Earth 1:10m · park outlines "
                        "approximate · map: landmap, Leaflet") in page
    if code == "zh":
        fonts = subprocess.run(["pdffonts", str(tmp_path / "pack.pdf")], capture_output=True,
                               text=True, check=True).stdout
        assert "WenQuanYi" in fonts or "ZenHei" in fonts


def test_the_pack_headline_gains_the_density_with_its_interval(release):
    from landmap.density import SurveyCaptures, estimate_density
    from landmap.io.briefing import density_text
    from tests.test_density import _simulate

    data = _simulate("proximity", density_ha=0.02, lam0=0.08, sigma=300.0, occasions=20,
                     seed=7)
    found = estimate_density(SurveyCaptures(data, np.array([""] * data.n_animals), (),
                                            "EPSG:32652", None), label="2021")
    text = density_text(found)
    assert text == (f"{found.density_100km2:.2f} ({found.lcl_100km2:.2f}–"
                    f"{found.ucl_100km2:.2f})")
    with_density = build_briefing(release, "Females, 2021", density=found)
    assert with_density.headline["Leopards per 100 km² (95 % interval)"] == text
    assert any(note.startswith("Density: spatially explicit capture–recapture of the "
                               f"identified adults of 2021 (stations as proximity detectors, "
                               f"one-day occasions), {found.n} animals")
               for note in with_density.notes)
    assert "Leopards per 100 km² (95 % interval)" not in build_briefing(
        release, "Females, 2021").headline


# --- the pack reads like slides ----------------------------------------------------------
A4_LANDSCAPE_IN2 = 297 / 25.4 * 210 / 25.4


def _map_shares(pdf) -> list[float]:
    """Each image's share of its A4 page, from its pixels and its resolution on the page."""
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True,
                             text=True, check=True).stdout.splitlines()[2:]
    shares = []
    for line in listing:
        cells = line.split()
        width, height, x_ppi, y_ppi = int(cells[3]), int(cells[4]), int(cells[12]), \
            int(cells[13])
        shares.append(width / x_ppi * height / y_ppi / A4_LANDSCAPE_IN2)
    return shares


def test_every_map_fills_most_of_its_page_and_every_promised_row_is_there(pack):
    data, folder = pack
    text = _text(folder)
    shares = _map_shares(folder / "pack.pdf")
    assert len(shares) == 4  # overview, cross-border, ranges, effort
    assert min(shares) >= 0.60, shares
    # long tables continue on the next pages: every individual of the crossings table,
    # every range and every year, no "... and N more"
    words = set(re.findall(r"Leo \d+[FM]", text))
    assert set(data.crossings["individualID"]) <= words
    assert len(data.crossings) > 20  # more than a page holds
    assert "more individual" not in text
    drawn = data.ranges[data.ranges.geometry.notna()]
    for row in drawn.itertuples():
        assert re.search(rf"{row.individualID}\s+{row.method}\s+{row.level:g}\s", text)
    for year in data.population["year"]:
        assert re.search(rf"^\s*{year}\s+\d+", text, re.M), year


def test_a_pack_of_twelve_years_draws_the_trend_and_a_map_per_year(demo, tmp_path):
    release = Release(demo, Precision(10), demo)
    data = build_briefing(release, "Amur leopards, 2013–2024", sequence=True)
    assert list(data.sequence) == list(range(2013, 2025))  # a frame per selected year
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(briefing_pack(data))
    shares = _map_shares(pdf)
    assert len(shares) == 4 + 12 and min(shares) >= 0.60, shares
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    for year in range(2013, 2025):
        assert f"Year by year: {year}" in text
    assert len(data.trend) == 12  # the chart's bars: every year of the survey


def test_the_year_sequence_has_a_frame_per_selected_year(demo):
    from landmap.io.briefing import animated_gif, year_sequence

    release = Release(demo.filter(years=(2019, 2021)), Precision(5), demo)
    frames = year_sequence(release, size="projector")
    assert [year for year, _ in frames] == [2019, 2020, 2021]
    assert len({png for _, png in frames}) == 3  # three different pictures
    assert all(Image.open(io.BytesIO(png)).size == SIZES["projector"] for _, png in frames)
    gif = Image.open(io.BytesIO(animated_gif([png for _, png in frames], seconds=2)))
    assert gif.n_frames == 3 and gif.info["duration"] == 2000


def test_a_pack_of_a_package_far_from_the_park_does_not_count_the_park_as_gaps(
        make_package):
    """The standard's own example lies in Belgium: its pack's effort figures keep its
    cameras' trap-nights and cells, and the park's coverage reads "–" (not 0 % covered
    and every park cell a gap); its effort map draws no gap."""
    from landmap.io.camtrapdp import read_camtrapdp
    from tests.conftest import dep, obs

    survey = read_camtrapdp(make_package(
        deployments=[dep(1, latitude="51.07", longitude="4.47")],
        observations=[obs(1, scientificName="Vulpes vulpes", individualID="")]))
    data = build_briefing(Release(survey, Precision(5), survey), "Example")
    assert data.effort["Park within 3 km of a camera"] == "–"
    assert data.effort["Park cells with no camera"] == "–"
    assert data.effort["5 km cells with cameras"] == "1"
    assert "Coverage gaps" not in data.maps["effort"]().get_root().render()

"""Every page in Russian and in Chinese, in a real browser: the translated title and map
legend are there, numbers are written the language's way, and no English text of the
catalogue is left on the page (the visible text is compared with the catalogue)."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from landmap.i18n import LOCALES_DIR, language
from landmap.survey import headline
from tests.conftest import map_frame, upload_for, wait_idle

pytestmark = pytest.mark.browser

PAGES = ["pages/overview.py", "pages/sightings.py", "pages/home_ranges.py",
         "pages/trap_density.py", "pages/cross_border.py", "pages/individuals.py",
         "pages/data.py", "pages/about.py"]
MAP_PAGES = {"Overview", "Sightings", "Home ranges", "Trap density", "Cross-border",
             "Individuals"}


def _catalog(code: str) -> dict[str, str]:
    with (LOCALES_DIR / code / "LC_MESSAGES" / "landmap.po").open("rb") as handle:
        catalog = read_po(handle)
    out = {}
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for i, english in enumerate(ids):
            out[english] = strings[min(i, len(strings) - 1)]
    return out


def _english_left(text: str, catalog: dict[str, str], allowed: str) -> list[str]:
    """English texts of the catalogue (their fixed parts of 12 or more characters with a
    space) that show on the page although the language is not English."""
    left = []
    for english, translated in catalog.items():
        for part in re.split(r"\{\w+\}", english):
            part = part.strip(" .,:;()*")
            if len(part) >= 12 and " " in part and part not in translated \
                    and part not in allowed and part in text:
                left.append(part)
    return left


def _download(page, label: str) -> str:
    button = page.get_by_test_id("stDownloadButton").filter(has_text=label)
    with page.expect_download(timeout=60_000) as info:
        button.get_by_role("button").click()
    return open(info.value.path(), encoding="utf-8").read()


@pytest.mark.parametrize(("code", "title", "legend", "unit"), [
    ("ru", "Фотоловушки: дальневосточный леопард, 2021", "Граница России и Китая", "км"),
    ("zh", "东北豹红外相机监测，2021", "中俄边界", "公里"),
], ids=["ru", "zh"])
def test_every_page_in_the_language_with_no_english_left(dashboard, page, demo, code, title,
                                                         legend, unit):
    catalog = _catalog(code)
    allowed = str(demo.metadata.get("title", ""))  # the package's own title is data
    page.goto(dashboard + f"/?years=2021-2021&lang={code}")
    frame = map_frame(page)
    assert page.get_by_role("heading", name=title).is_visible()
    assert legend in frame.locator(".lm-legend").inner_text()
    h = headline(demo.filter(years=(2021, 2021)))
    assert language(code).number(h.trap_nights) in page.inner_text("body")
    links = page.locator('[data-testid="stSidebarNav"]').get_by_role("link")
    names = [catalog[n] for n in ("Overview", "Sightings", "Home ranges", "Trap density",
                                  "Cross-border", "Individuals", "Activity and species", "Density",
                                  "Data", "About and sources")]
    # Each link shows its icon's name (a ligature) above the page name.
    assert [t.strip().splitlines()[-1] for t in links.all_inner_texts()] == names
    for english, shown in zip(("Overview", "Sightings", "Home ranges", "Trap density",
                               "Cross-border", "Individuals", "Activity and species", "Density",
                                  "Data", "About and sources"),
                              names, strict=True):
        links.filter(has_text=shown).first.click()
        wait_idle(page)
        text = page.inner_text("body")
        if english in MAP_PAGES:
            text += map_frame(page).locator(".lm-legend").inner_text()
            # Leaflet's scale bar, in the language's unit and metric only
            frame = map_frame(page)
            scale = frame.locator(".leaflet-control-scale").inner_text()
            assert re.fullmatch(rf"\d+\s(?:{unit}|{catalog['m']})", scale.strip()), scale
            # the buttons' hover titles too
            assert frame.locator(".leaflet-control-zoom-in").get_attribute("title") == \
                catalog["Zoom in"]
            assert frame.locator(".leaflet-control-zoom-fullscreen").first.get_attribute(
                "title") == catalog["Full screen"]
        assert _english_left(text, catalog, allowed) == [], english
        if english == "Data":
            # The reader's findings (the demo's unreliable clocks), as a file in the language
            report = _download(page, catalog["Problems (CSV)"]).splitlines()
            head = [catalog[h] for h in ("File", "Row", "Field", "Value", "What was done",
                                         "Problem")]
            assert report[0] == ",".join(head)
            flagged = [p for p in demo.problems if p.action == "flagged"]
            assert len(report) == 1 + len(demo.problems) and flagged
            clock = catalog["the camera clock was unreliable; kept, and flagged in effort "
                            "and maps"]
            assert sum(line.endswith(f"{catalog['flagged']},{clock}") for line in report) \
                == len(flagged)
        if english == "Cross-border":
            rows = _download(page, catalog["Individuals (CSV)"]).splitlines()
            status = rows[0].split(",").index(catalog["Seen in"])
            assert {r.split(",")[status] for r in rows[1:]} <= {
                catalog["both"], catalog["Russia only"], catalog["China only"]}
        if english == "Overview":
            table = _download(page, catalog["Yearly table (CSV)"]).splitlines()
            assert table[0].startswith(f"{catalog['Year']},{catalog['Individuals']},")
            assert table[1].startswith("2021,")
    page.screenshot(path=f"test-artifacts/lang-{code}-about.png", full_page=True)
    # The same check finds the English texts on the English page.
    page.goto(dashboard + "/?years=2021-2021&lang=en")
    frame = map_frame(page)
    english = page.inner_text("body") + frame.locator(".lm-legend").inner_text()
    assert len(_english_left(english, catalog, allowed)) >= 10


def test_a_refused_upload_is_reported_in_russian(dashboard, page, demo, tmp_path):
    """A package whose deployments use semicolons: the report and its CSV speak Russian,
    and still name the file, row and what was found."""
    import io
    import zipfile

    from landmap.io.exports import camtrapdp_zip

    catalog = _catalog("ru")
    part = demo.filter(years=(2019, 2019), individuals=["Leo 16F"])
    source = zipfile.ZipFile(io.BytesIO(camtrapdp_zip(part)))
    broken = tmp_path / "semicolons.zip"
    with zipfile.ZipFile(broken, "w") as out:
        for name in source.namelist():
            data = source.read(name)
            if name.endswith("deployments.csv"):
                data = data.replace(b",", b";")
            out.writestr(name, data)
    page.goto(dashboard + "/data?lang=ru")
    page.get_by_role("heading", name=catalog["Data"], exact=True).wait_for(timeout=60_000)
    upload_for(page, catalog["Load package"], {0: broken})
    page.get_by_role("button", name=catalog["Load package"]).click()
    summary = catalog["{title} was not loaded: {n} problem, listed below with its file, row "
                      "and field. Fix it in the file and load it again."]
    page.get_by_text(summary.format(title="semicolons.zip", n=1)).wait_for(timeout=60_000)
    report = _download(page, catalog["Report (CSV)"]).splitlines()
    assert report[0].split(",")[-2:] == [catalog["What was done"], catalog["Problem"]]
    found = catalog["the columns are separated by {sign}; Camtrap DP files are "
                    "comma-separated (save as CSV with commas)"].format(sign="';'")
    assert len(report) == 2
    assert report[1].startswith("deployments.csv,1,,")
    assert found in report[1] and catalog["refused"] in report[1]
    page.screenshot(path="test-artifacts/lang-ru-refused-upload.png", full_page=True)

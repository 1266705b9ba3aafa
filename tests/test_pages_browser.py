"""Every page in a real browser, checked against the analytics for the same filters.

Screenshots of each page are kept in ``test-artifacts/`` (named after the test).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from landmap.effort import coverage_gaps, effort_grid
from landmap.home_range import home_ranges, independent_detections
from landmap.maps import sightings_map
from landmap.observations import LEOPARD, detections
from landmap.survey import headline
from tests.conftest import (
    ARTIFACTS,
    expected_metrics,
    map_frame,
    upload,
    upload_for,
    wait_for_metrics,
    wait_idle,
)

pytestmark = pytest.mark.browser


def _download(page, label: str, tmp_path):
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=label).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target




def test_sightings_page(dashboard, page, demo):
    page.goto(dashboard + "/sightings?years=2021-2021&individuals=Leo%2016F")
    frame = map_frame(page)
    s = demo.filter(years=(2021, 2021), individuals=["Leo 16F"])
    want = expected_metrics(headline(s))
    assert wait_for_metrics(page, want) == want
    # one circle per station where she was photographed, their counts in the tooltips
    leopards = detections(s.observations, LEOPARD)
    circles = frame.locator("path.lm-sighting")
    assert circles.count() == leopards["deploymentID"].map(
        s.deployments.set_index("deploymentID")["locationID"]).nunique()
    texts = frame.locator("body").evaluate("""() => {
      const map = Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])
        .find(v => v && v.eachLayer);
      const out = [];
      map.eachLayer(l => { if (l.options && l.options.className === 'lm-sighting')
        out.push(l.getTooltip().getContent()(l).textContent); });
      return out; }""")
    assert len(texts) == circles.count()
    assert sum(int(t.split(": ")[1].split(" ")[0]) for t in texts) == len(leopards)
    legend = frame.locator(".lm-legend").inner_text()
    assert "Leo 16F" in legend and "Leopard detections, 2021" in legend
    assert page.get_by_role("heading", name="Sightings of Amur leopard, 2021").is_visible()


@pytest.mark.parametrize("name", ["sightings", "overview"])
def test_clicking_a_sighting_shows_its_photos_beside_the_map(dashboard, page, demo, name):
    from landmap.media import media_links, media_table, photos_of

    page.goto(dashboard + f"/{'' if name == 'overview' else name}"
              "?years=2021-2021&individuals=Leo%20117F")
    frame = map_frame(page)
    panel = f".lm-gallery-{name}-place figure.lm-photo"
    assert page.locator(panel).count() == 0
    s = demo.filter(years=(2021, 2021), individuals=["Leo 117F"])
    expected = photos_of(s, "Leo 117F", table=media_table(demo), links=media_links(demo))
    expected = expected[expected["year"] == 2021]
    station = expected["locationID"].iloc[0]
    expected = expected[expected["locationID"] == station]
    # the circle of that station (its tooltip names it), clicked where it is drawn
    for _ in range(3):  # the map may be drawn once more after its first report
        frame.locator("body").evaluate("""(body, s) => {
          const map = Object.keys(window).filter(k => k.startsWith('map_'))
            .map(k => window[k]).find(v => v && v.eachLayer);
          map.eachLayer(l => { if (l.options && l.options.className === 'lm-sighting'
              && l.getTooltip().getContent()(l).textContent.replace(/\\s/g, ' ')
                .includes(s + ' (')) {
            const box = l._path.getBoundingClientRect();
            l._path.dispatchEvent(new MouseEvent('click', {bubbles: true,
              clientX: box.x + box.width / 2, clientY: box.y + box.height / 2})); } }); }""",
                                       station)
        try:
            page.wait_for_selector(panel + " img", state="attached", timeout=20_000)
            break
        except Exception:
            continue
    wait_idle(page)
    # the station's photos of her in 2021, decoded by the browser: the event with a
    # favourite first, its frames in order as a sequence
    assert page.get_by_text(f"Station {station}").is_visible()
    shown = page.evaluate("p => [...document.querySelectorAll(p)].map("
                          "f => [f.dataset.media, f.querySelector('img').naturalWidth])", panel)
    assert [m for m, _ in shown] == expected["mediaID"].head(12).tolist() and shown
    assert all(width > 0 for _, width in shown)
    captions = page.locator(panel + " figcaption").all_inner_texts()
    assert captions[0].startswith("Leo 117F ·") and captions[0].endswith("· 1/3")
    assert captions[1].startswith("★ Leo 117F ·") and captions[1].endswith("· 2/3")
    page.locator(f".st-key-{name}-close-photos button").click()
    wait_idle(page)
    assert page.locator(panel).count() == 0


def test_individual_gallery_compares_two_animals(dashboard, page, demo):
    page.goto(dashboard + "/individuals?years=2013-2024&individuals=Leo%20117F")
    page.wait_for_selector("figure.lm-photo img", state="attached", timeout=60_000)
    wait_idle(page)
    years = page.locator("p").filter(has_text="photo").all_inner_texts()
    assert any(t.startswith("2021 · ") for t in years)
    page.get_by_label("Compare spot patterns with").click()
    page.keyboard.type("Leo 16F")
    page.keyboard.press("Enter")
    # the rerun may start after the page looked idle (a busy machine): wait for its result
    page.wait_for_selector(".lm-gallery-other figcaption", state="attached", timeout=60_000)
    wait_idle(page)
    left = page.locator(".lm-gallery-mine figcaption").all_inner_texts()
    right = page.locator(".lm-gallery-other figcaption").all_inner_texts()
    assert left and right
    assert all("Leo 117F" in c for c in left) and all("Leo 16F" in c for c in right)


def test_home_ranges_page_and_downloads(dashboard, page, demo, tmp_path):
    page.goto(dashboard + "/home_ranges?years=2021-2021&individuals=Leo%2016F,Leo%2023F")
    frame = map_frame(page)
    s = demo.filter(years=(2021, 2021), individuals=["Leo 16F", "Leo 23F"])
    ranges = home_ranges(s, method=("kde", "mcp"))  # the page's default order
    drawn = ranges[ranges.geometry.notna()]
    assert frame.locator("path.lm-range").count() == len(drawn)
    assert page.get_by_text("Areas (2 individuals)").is_visible()
    gpkg = gpd.read_file(_download(page, "Ranges (GeoPackage, UTM)", tmp_path))
    assert gpkg.crs.to_epsg() == 32652
    assert len(gpkg) == len(drawn)
    assert gpkg["area_km2"].round(3).tolist() == drawn["area_km2"].round(3).tolist()
    geojson = gpd.read_file(_download(page, "Ranges (GeoJSON, WGS84)", tmp_path))
    assert geojson.crs.to_epsg() == 4326 and len(geojson) == len(drawn)
    table = pd.read_csv(_download(page, "Areas (CSV)", tmp_path))
    assert table[["individualID", "method", "level"]].values.tolist() == \
        ranges[["individualID", "method", "level"]].values.tolist()


def test_home_ranges_picked_in_the_table_are_coloured_and_named(dashboard, page, demo):
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(dashboard + "/home_ranges?years=2021-2021")
    frame = map_frame(page)
    s = demo.filter(years=(2021, 2021))
    drawn = home_ranges(s, method=("kde", "mcp")).dropna(subset=["area_km2"])
    first = drawn["individualID"].iloc[0]
    legend = [t.strip() for t in frame.locator(".lm-legend .row").all_text_contents()]
    assert first not in legend and "Leo 117F" in legend  # not among the best documented
    names = frame.locator(".lm-range-name")
    assert names.count() == 8  # the coloured ranges are named at any zoom
    grid = page.get_by_test_id("stDataFrame").first
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 12, box["y"] + 52)  # the first row's tick box
    wait_idle(page)
    frame = map_frame(page)
    legend = [t.strip() for t in frame.locator(".lm-legend .row").all_text_contents()]
    assert first in legend and "Leo 117F" not in legend  # only the picked one is coloured
    assert frame.locator(".lm-range-name").all_inner_texts() == [first]
    # zoomed in, every range in view is named
    for _ in range(4):
        frame.locator(".leaflet-control-zoom-in").click()
        page.wait_for_timeout(600)
    assert frame.locator(".lm-range-name").count() > 1


def test_trap_density_page(dashboard, page, demo, tmp_path):
    page.goto(dashboard + "/trap_density?years=2021-2021")
    frame = map_frame(page)
    s = demo.filter(years=(2021, 2021))
    grid = effort_grid(s, cell_km=5, by_year=False)
    gaps = coverage_gaps(s, cell_km=5)
    shown = {k: v for k, v in _metrics(page).items()}
    assert shown["Cells with cameras"] == f"{len(grid):,}"
    assert shown["Trap-nights"] == f"{grid['trap_nights'].sum():,.0f}"
    assert shown["Park cells with no camera"] == f"{len(gaps):,}"
    assert frame.locator("path.lm-cell").count() == len(grid)
    assert frame.locator("path.lm-gap").count() == len(gaps)
    assert "Trap-nights per cell, 2021" in frame.locator(".lm-legend").inner_text()
    gpkg = gpd.read_file(_download(page, "Grid (GeoPackage, UTM)", tmp_path))
    assert gpkg.crs.to_epsg() == 32652 and len(gpkg) == len(grid)
    # The map is exact (local analyst) but downloads default to generalised.
    assert set(gpkg["location_precision"]) == {"locations generalised to 5 km"}
    assert gpkg["trap_nights"].sum() == pytest.approx(grid["trap_nights"].sum(), rel=1e-9)


def test_activity_page(dashboard, page, demo, tmp_path):
    """The activity curve, the overlap and the species map draw from local assets, with the
    numbers of the API; screenshots at a projector's 1280x720 too."""
    from landmap import activity_times, compare_activity, species_by_station

    page.goto(dashboard + "/activity?years=2021-2021")
    page.get_by_role("heading", name="Activity and species, 2021").wait_for(timeout=60_000)
    # the heading comes first; the figure once the curve is computed
    page.locator('[data-testid="stMetricLabel"]').filter(
        has_text="Independent detections").wait_for(timeout=60_000)
    wait_idle(page)
    s = demo.filter(years=2021)
    shown = _metrics(page)
    assert shown["Independent detections"] == f"{len(activity_times(s)):,}"
    # the curve: a Vega chart drawn on the page (no CDN: every request stays local)
    chart = page.locator(".vega-embed").first
    chart.wait_for(timeout=30_000)
    assert chart.bounding_box()["height"] > 200
    page.screenshot(path=str(ARTIFACTS / "activity-when.png"), full_page=True)
    page.get_by_text("Overlap in time", exact=True).click()
    wait_idle(page)
    found = compare_activity(s, {"species": LEOPARD}, {"species": "Cervus nippon"})["overlap"]
    assert _metrics(page)["Overlap (Δ̂₄)"] == f"{found.estimate:.2f}"
    page.screenshot(path=str(ARTIFACTS / "activity-overlap.png"), full_page=True)
    page.get_by_text("Where", exact=True).click()
    wait_idle(page)
    frame = map_frame(page)
    stations = species_by_station(s)
    places = stations.drop_duplicates(["latitude", "longitude"])
    assert frame.locator("path.lm-station-value").count() == len(places)
    assert "independent detections per 100 trap-nights, 2021" in frame.locator(
        ".lm-legend").inner_text()
    page.set_viewport_size({"width": 1280, "height": 720})
    wait_idle(page)
    page.screenshot(path=str(ARTIFACTS / "activity-where-1280x720.png"))
    assert page.outside == []


def test_density_page(dashboard, page, demo):
    from landmap import density_report

    page.goto(dashboard + "/density?years=2020-2021")
    page.get_by_role("heading", name="Leopard density (SECR), 2021").wait_for(
        timeout=180_000)
    # the fit takes its time: wait for its numbers
    page.get_by_test_id("stMetricLabel").first.wait_for(timeout=180_000)
    wait_idle(page, timeout=180)
    report = density_report(demo.filter(years=2021))
    found = report["estimates"]["null"]
    assert _metrics(page)["Leopards per 100 km²"] == f"{found.density_100km2:.2f}"
    # the surface: local assets, one shaded cell per 2 km cell of the mask, its legend
    from landmap.density import density_surface

    cells = density_surface(found, report["captures"].crs, 2)
    frame = map_frame(page)
    frame.locator(".lm-surface").first.wait_for(timeout=60_000)
    assert frame.locator(".lm-surface").count() == len(cells)
    legend = frame.locator(".lm-legend").inner_text()
    assert "Leopards per 100 km², 2021 (2 km cells)" in legend and "≥ 4.00" in legend
    page.get_by_role("button", name="Estimate every year").click()
    page.locator(".vega-embed").first.wait_for(timeout=300_000)
    wait_idle(page, timeout=300)
    page.screenshot(path=str(ARTIFACTS / "density.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0


def _metrics(page) -> dict[str, str]:
    from tests.conftest import metrics

    return metrics(page)


def test_cross_border_page_and_table_download(dashboard, page, demo, tmp_path):
    from landmap.border import crossings_by_individual

    page.goto(dashboard + "/cross_border?years=2021-2021")
    frame = map_frame(page)
    s = demo.filter(years=(2021, 2021))
    table = crossings_by_individual(s)
    counts = table["status"].value_counts()
    shown = _metrics(page)
    assert shown["Seen on both sides"] == str(counts["both"])
    assert shown["Russia only"] == str(counts["Russia only"])
    assert shown["China only"] == str(counts["China only"])
    assert frame.locator("path.lm-border").count() >= 1
    assert "Seen on both sides" in frame.locator(".lm-legend").inner_text()
    got = pd.read_csv(_download(page, "Individuals (CSV)", tmp_path))
    assert got["individualID"].tolist() == table["individualID"].tolist()
    assert got["crossings"].tolist() == table["crossings"].tolist()


def test_individual_profile(dashboard, page, demo):
    page.goto(dashboard + "/individuals?individuals=Leo%2016F")
    map_frame(page)
    one = demo.filter(individuals=["Leo 16F"])
    points = independent_detections(one)
    assert page.get_by_role("heading", name="Leo 16F “Queen Borte”").is_visible()
    shown = _metrics(page)
    assert shown["Independent detections"] == f"{len(points):,}"
    assert shown["Stations"] == f"{points['locationID'].nunique():,}"
    assert shown["First seen"] == f"{points['eventStart'].min():%Y-%m-%d}"
    assert shown["Last seen"] == f"{points['eventStart'].max():%Y-%m-%d}"
    assert page.get_by_text("female; born").first.is_visible()


def test_data_page(dashboard, page, demo, tmp_path):
    page.goto(dashboard + "/data")
    page.get_by_role("heading", name="Problems found while reading").wait_for()
    page.locator('[data-testid="stMetricLabel"]').filter(has_text="Deployments").wait_for(
        timeout=60_000)
    wait_idle(page)
    shown = _metrics(page)
    assert shown["Deployments"] == f"{len(demo.deployments):,}"
    assert shown["Observations"] == f"{len(demo.observations):,}"
    assert shown["Years"] == "2013–2024"
    observations = pd.read_csv(_download(page, "Observations (CSV)", tmp_path), dtype=str)
    assert len(observations) == len(demo.observations)
    assert observations["eventStart"].str.endswith(("+10:00", "+08:00")).all()  # offsets kept
    problems = pd.read_csv(_download(page, "Problems (CSV)", tmp_path))
    assert len(problems) == len(demo.problems)


#: What the user reads on an uploader: its button and the line beside it, as drawn
#: (a style's ::after text included), and whether Streamlit's own English shows through.
_UPLOADER_TEXT = """() => [...document.querySelectorAll('[data-testid="stFileUploaderDropzone"]')]
  .map(d => { const b = d.querySelector('button p');
    const s = d.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span');
    const seen = e => parseFloat(getComputedStyle(e).fontSize) > 0 ? e.innerText : '';
    const after = e => getComputedStyle(e, '::after').content.replace(/^"|"$/g, '');
    return [seen(b) + (after(b) === 'none' ? '' : after(b)),
            seen(s) + (after(s) === 'none' ? '' : after(s))]; })"""


@pytest.mark.parametrize(("code", "button", "limit"), [
    ("ru", "Загрузить", "Не больше 200 МБ на файл"),
    ("zh", "上传", "每个文件最多 200 MB"),
    ("en", "Upload", "At most 200 MB per file")])
def test_file_uploaders_speak_the_users_language(dashboard, page, code, button, limit):
    """Streamlit writes "Upload" and "200MB per file" in English on every uploader; the
    Data page's four uploaders say them in the user's language."""
    page.goto(dashboard + f"/data?lang={code}")
    page.locator('[data-testid="stFileUploaderDropzone"]').first.wait_for(timeout=60_000)
    wait_idle(page)
    # the uploaders in the tabs not shown are drawn too
    assert page.evaluate(_UPLOADER_TEXT) == [[button, limit]] * 4


def test_briefing_mode_hides_the_sidebar(dashboard, page):
    page.goto(dashboard + "/?years=2021-2021&briefing=1")
    map_frame(page)
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert page.get_by_role("heading", name="Amur leopard camera traps, 2021").is_visible()
    size = page.get_by_test_id("stMetricValue").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 40  # readable from the back of a meeting room
    page.get_by_role("button", name="Leave briefing mode").click()
    page.locator('[data-testid="stSidebar"]').wait_for(state="visible", timeout=30_000)


#: Each map frame of the page: whether it is on screen and what its legend says.
_FRAMES = """() => [...document.querySelectorAll('iframe')].map(f => {
  let legend = '';
  try { const l = f.contentDocument.querySelector('.lm-legend'); legend = l ? l.innerText : ''; }
  catch (e) { legend = ''; }
  const box = f.getBoundingClientRect();
  return {shown: getComputedStyle(f).visibility === 'visible' && box.height > 0
                 && box.bottom > 0 && box.top < window.innerHeight,
          exact: legend.includes('Locations exact'),
          generalised: legend.includes('generalised')};
})"""


def test_turning_briefing_on_never_leaves_the_exact_map_on_screen(dashboard, browser):
    """An analyst sees exact locations; the moment "Briefing mode" is switched on (before
    a projector), no exact map may stay on screen while the page redraws (Streamlit keeps
    the previous run's elements until the new run reaches them: it was 0.4-1.7 s). The
    page is sampled every 50 ms from the click until the generalised map is drawn."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        page.goto(dashboard + "/?years=2013-2024")
        map_frame(page)
        assert any(f["shown"] and f["exact"] for f in page.evaluate(_FRAMES))
        page.get_by_text("Briefing mode").first.click()
        samples = []
        for _ in range(600):  # 30 s at most
            samples.append(page.evaluate(_FRAMES))
            if any(f["shown"] and f["generalised"] for f in samples[-1]):
                break
            page.wait_for_timeout(50)
        assert any(f["shown"] and f["generalised"] for f in samples[-1]), "no map came back"
        leaks = [i for i, frames in enumerate(samples)
                 if any(f["shown"] and f["exact"] for f in frames)]
        assert not leaks, f"the exact map was on screen in samples {leaks} of {len(samples)}"
    finally:
        context.close()


def test_exported_map_from_the_page_opens_offline(dashboard, page, browser, tmp_path):
    page.goto(dashboard + "/?years=2021-2021")
    map_frame(page)
    target = _download(page, "Map (HTML, works offline)", tmp_path)
    context = browser.new_context(offline=True)
    offline = context.new_page()
    offline.goto(target.as_uri())
    offline.locator("path.lm-border").first.wait_for(timeout=30_000)
    assert offline.locator("path.lm-sighting").count() > 10
    context.close()


def test_sightings_payload_is_compact(demo):
    # All species over all years: the map sent to the browser stays under 2 MB.
    s = demo
    names = sorted(set(s.observations["scientificName"]) - {""})
    html = sightings_map(s, names, colour_by="species").get_root().render()
    assert len(html.encode()) < 2_000_000


def test_upload_a_package_and_a_boundary_layer(dashboard, page, demo, tmp_path):
    """The Data page loads an uploaded Camtrap DP zip and a boundary layer; the Overview
    then shows the uploaded survey's numbers and draws the layer."""
    import shapely

    from landmap.io.exports import camtrapdp_zip
    from landmap.io.intake import open_package

    part = demo.filter(years=(2019, 2019), individuals=["Leo 16F", "Leo 23F"])
    package = tmp_path / "leopards-2019.zip"
    package.write_bytes(camtrapdp_zip(part))
    uploaded = open_package(package)
    expected = headline(uploaded)
    zones = tmp_path / "zones.geojson"
    gpd.GeoDataFrame({"zone": ["core zone"]},
                     geometry=[shapely.box(520_000, 4_760_000, 540_000, 4_780_000)],
                     crs="EPSG:32652").to_file(zones, driver="GeoJSON")

    page.goto(dashboard + "/data")
    page.get_by_role("heading", name="Data", exact=True).wait_for(timeout=60_000)
    upload_for(page, "Load package", {0: package})
    page.get_by_role("button", name="Load package").click()
    page.get_by_text("leopards-2019.zip loaded").wait_for(timeout=60_000)
    assert page.get_by_text("Validation report: leopards-2019.zip").is_visible()

    page.get_by_role("tab", name="Boundary layers").click()
    upload(page, 3, zones)
    page.get_by_role("button", name="Add layer").click()
    page.get_by_text("zones.geojson: 1 feature, drawn on every map").wait_for(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "data-page-uploads.png"), full_page=True)

    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Overview").click()
    frame = map_frame(page)
    assert frame.locator("path.lm-user").count() == 1
    assert "zones.geojson (your layer)" in frame.locator(".lm-legend").inner_text()
    assert wait_for_metrics(page, expected_metrics(expected)) == expected_metrics(expected)
    # The deployments of 2019 run from 2018 into 2020: the span follows the cameras.
    title = f"Amur leopard camera traps, {uploaded.span_label}"
    assert page.get_by_role("heading", name=title).is_visible()


def test_load_spreadsheet_tables_through_the_data_page(dashboard, page, tmp_path):
    """camtrapR-style tables: the page guesses the columns, the user picks the date format,
    and the Overview then counts what the tables hold."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    stations = tmp_path / "CTtable.csv"
    stations.write_text("Station;lat;lon;Setup_date;Retrieval_date;Problem1_from;Problem1_to\n"
                        "A;43.10;131.40;01.01.2021;01.03.2021;;\n"
                        "B;43.05;131.30;02.01.2021;02.03.2021;01.02.2021;10.02.2021\n",
                        encoding="utf-8")
    records = tmp_path / "recordTable.csv"
    records.write_text("Station,Species,DateTimeOriginal,Individual\n"
                       "A,Panthera pardus orientalis,15.01.2021 03:20,Leo 1F\n"
                       "B,Panthera pardus orientalis,15.02.2021 22:05,Leo 2M\n"
                       "B,Panthera pardus orientalis,20.01.2021 23:10,Leo 2M\n", encoding="utf-8")
    page.goto(dashboard + "/data")
    page.get_by_role("tab", name="Spreadsheet tables").click()
    upload_for(page, "Load tables", {1: stations, 2: records})
    wait_idle(page)
    page.get_by_test_id("stSelectbox").filter(has_text="Dates are written as").click()
    page.get_by_role("option", name="day.month.year (01.06.2021 22:15)").click()
    wait_idle(page)
    page.get_by_role("button", name="Load tables").click()
    try:
        page.get_by_text("CTtable.csv + recordTable.csv loaded").wait_for(timeout=90_000)
    except PlaywrightTimeout:  # say what the page said instead (once timed out in CI)
        raise AssertionError(page.locator("body").inner_text()[-1500:]) from None
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Overview").click()
    map_frame(page)
    # By hand: 2 stations; A works 1 Jan–1 Mar (59 nights), B 2 Jan–2 Mar less its problem
    # period 1–10 Feb (59 − 9 = 50 nights); 3 records of 2 leopards.
    shown = wait_for_metrics(page, {"Camera stations": "2", "Trap-nights": "109",
                                    "Leopard detections": "3", "Individuals": "2"})
    assert shown == {"Camera stations": "2", "Trap-nights": "109", "Leopard detections": "3",
                     "Individuals": "2"}


def test_map_png_and_briefing_pack_from_the_overview(dashboard, page, demo, tmp_path):
    """The buttons render on the server: a 1920×1080 PNG and a PDF pack for the filters,
    generalised to 5 km although the local analyst sees exact locations on screen."""
    import shutil
    import subprocess

    from PIL import Image

    page.goto(dashboard + "/?years=2022-2022&sex=female")
    map_frame(page)
    png = _download(page, "Map PNG 1920×1080", tmp_path)
    assert Image.open(png).size == (1920, 1080)
    pdf = _download(page, "Briefing pack (PDF)", tmp_path)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        h = headline(demo.filter(years=(2022, 2022), sex=["female"]))
        assert "Amur leopard camera traps, 2022" in text
        assert "locations generalised to 5 km" in text
        assert f"{h.detections:,}" in text


def test_years_animation_from_the_overview_has_a_frame_per_year(dashboard, page, tmp_path):
    from PIL import Image

    page.goto(dashboard + "/?years=2019-2021")
    map_frame(page)
    gif = Image.open(_download(page, "Years as an animation (GIF)", tmp_path))
    assert gif.n_frames == 3 and gif.size == (1920, 1080)
    assert gif.info["duration"] == 2000  # the player's speed, 2 s per year by default


EXAMPLE = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / \
    "camtrap-dp-example"


@pytest.mark.skipif(not (EXAMPLE / "datapackage.json").exists(),
                    reason="the shared copy of Camtrap DP's example is not beside the project")
def test_upload_the_official_camtrap_dp_example(dashboard, page, tmp_path):
    """Camtrap DP's own example, zipped as a user would, loads on the Data page with no
    exception; every number switches to it at once, and the Overview shows its stations."""
    import zipfile

    from landmap.io.camtrapdp import read_camtrapdp

    # the package's tables and descriptor in their folder (its photos are not read)
    package = tmp_path / "example.zip"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(EXAMPLE.glob("*")):
            if path.is_file():
                archive.write(path, f"camtrap-dp-example/{path.name}")
    example = read_camtrapdp(EXAMPLE)
    page.goto(dashboard + "/data")
    page.get_by_role("heading", name="Data", exact=True).wait_for(timeout=60_000)
    upload_for(page, "Load package", {0: package})
    page.get_by_role("button", name="Load package").click()
    page.get_by_text("example.zip loaded").wait_for(timeout=60_000)
    wait_idle(page)
    page.screenshot(path=str(ARTIFACTS / "official-example-data-page.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
    shown = dict(zip(page.locator('[data-testid="stMetricLabel"]').all_inner_texts(),
                     page.locator('[data-testid="stMetricValue"]').all_inner_texts(),
                     strict=False))
    assert shown["Deployments"] == "4"
    assert shown["Observations"] == f"{len(example.observations):,}"  # event level
    # what is carried to the export without being counted
    assert page.get_by_text("Kept for the export, not counted: 423 media, 513 observations "
                            "at media level").is_visible()
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Overview").click()
    metrics = wait_for_metrics(page, expected_metrics(headline(example)))
    assert metrics["Camera stations"] == "4"
    assert page.locator('[data-testid="stException"]').count() == 0

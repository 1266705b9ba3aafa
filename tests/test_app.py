"""Page logic without a browser (Streamlit AppTest): filters drive the headline numbers."""

import pytest
from streamlit.testing.v1 import AppTest

from landmap.app import signin
from landmap.app.serve import legacy_pages_off
from landmap.survey import headline
from tests.conftest import ROOT


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture
def app(monkeypatch) -> AppTest:
    # AppTest has no real connection; the dashboard must take it for a local browser.
    monkeypatch.setattr(signin, "_local_client", lambda: True)
    # AppTest resets Streamlit's legacy "pages/ folder" flag before every run; the server
    # keeps it off (landmap.app.serve), and so must the tests or sub-page reruns skip app.py.
    legacy_pages_off()
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def test_default_view_shows_all_years(app, demo):
    app.run()
    assert not app.exception
    h = headline(demo.filter(years=(2013, 2024)))
    assert _metrics(app) == {"Camera stations": f"{h.stations:,}",
                             "Trap-nights": f"{h.trap_nights:,.0f}",
                             "Leopard detections": f"{h.detections:,}",
                             "Individuals": f"{h.individuals:,}"}
    assert app.title[0].value == "Amur leopard camera traps, 2013–2024"


def test_year_and_individual_filters(app, demo):
    app.run()
    app.slider(key="years").set_value((2017, 2018)).run()
    h = headline(demo.filter(years=(2017, 2018)))
    assert _metrics(app)["Leopard detections"] == f"{h.detections:,}"
    assert _metrics(app)["Camera stations"] == f"{h.stations:,}"


def test_individual_filter(app, demo):
    app.run()
    app.slider(key="years").set_value((2017, 2018)).run()
    app.multiselect(key="individuals").set_value(["Leo 16F"]).run()
    h = headline(demo.filter(years=(2017, 2018), individuals=["Leo 16F"]))
    assert _metrics(app)["Leopard detections"] == f"{h.detections:,}"
    assert _metrics(app)["Individuals"] == "1"


def test_link_restores_filters_and_reports_unknown_ids(app, demo):
    app.query_params["years"] = "2021-2021"
    app.query_params["individuals"] = "Leo 16F,Leo 999X"
    app.run()
    h = headline(demo.filter(years=(2021, 2021), individuals=["Leo 16F"]))
    assert _metrics(app)["Leopard detections"] == f"{h.detections:,}"
    assert any("Leo 999X" in w.value for w in app.warning)


def test_about_page_lists_park_areas(app):
    app.run()
    app.switch_page("pages/about.py").run()
    assert not app.exception
    table = app.dataframe[0].value
    assert set(table["name_en"]) >= {"Land of the Leopard National Park",
                                     "Northeast China Tiger and Leopard National Park"}


@pytest.mark.parametrize(
    ("page", "heading"),
    [
        ("pages/sightings.py", "Sightings of Amur leopard, 2021"),
        ("pages/home_ranges.py", "Home ranges, 2021"),
        ("pages/trap_density.py", "Trap density, 2021"),
        ("pages/cross_border.py", "Leopards across the Russia–China border, 2021"),
        ("pages/individuals.py", "Leo 16F “Queen Borte”"),
        ("pages/data.py", "Data"),
    ],
)
def test_every_page_runs_and_titles_the_selection(app, page, heading):
    app.query_params["years"] = "2021-2021"
    if page == "pages/individuals.py":
        app.query_params["individuals"] = "Leo 16F"
    app.run()
    app.switch_page(page).run()
    assert not app.exception, app.exception
    assert app.title[0].value == heading


def test_trap_density_metrics_follow_the_cell_size(app, demo):
    from landmap.effort import effort_grid

    app.query_params["years"] = "2021-2021"
    app.run()
    app.switch_page("pages/trap_density.py").run()
    app.select_slider[0].set_value(10).run()
    grid = effort_grid(demo.filter(years=(2021, 2021)), cell_km=10, by_year=False)
    assert _metrics(app)["Cells with cameras"] == f"{len(grid):,}"


PAGES = ["pages/overview.py", "pages/sightings.py", "pages/home_ranges.py",
         "pages/trap_density.py", "pages/cross_border.py", "pages/individuals.py",
         "pages/data.py", "pages/about.py"]


@pytest.mark.parametrize("page", PAGES)
def test_pages_survive_an_empty_selection(app, page):
    # A female-only filter with a male individual leaves no leopard at all.
    app.query_params["years"] = "2021-2021"
    app.query_params["individuals"] = "Leo 1M"
    app.query_params["sex"] = "female"
    app.run()
    app.switch_page(page).run()
    assert not app.exception, app.exception


@pytest.mark.parametrize("page", PAGES)
def test_pages_survive_a_package_without_leopards(app, page, make_package, monkeypatch):
    from tests.conftest import dep, obs

    folder = make_package(deployments=[dep(1), dep(2, latitude="43.0", longitude="131.3")],
                          observations=[obs(1, scientificName="Sus scrofa", individualID=""),
                                        obs(2, deploymentID="d2", scientificName="Cervus nippon",
                                            individualID="")])
    monkeypatch.setenv("LANDMAP_DATA", str(folder))
    app.run()
    app.switch_page(page).run()
    assert not app.exception, app.exception


def test_trap_density_page_says_why_a_far_packages_park_coverage_is_not_measured(
        app, make_package, monkeypatch):
    """A package recorded in Belgium (as the standard's example) is no gap of the Amur
    park: the two coverage figures read "–" with the reason, in the page's language, and
    the counts of its own cameras stand."""
    from tests.conftest import dep

    folder = make_package(deployments=[dep(1, latitude="51.07", longitude="4.47"),
                                       dep(2, latitude="51.10", longitude="4.50")])
    monkeypatch.setenv("LANDMAP_DATA", str(folder))
    app.run()
    app.switch_page("pages/trap_density.py").run()
    assert not app.exception, app.exception
    shown = _metrics(app)
    assert shown["Park within 3 km of a camera"] == "–"
    assert shown["Park cells with no camera"] == "–"
    assert shown["Cells with cameras"] == "2"
    assert any(c.value == "Park coverage: no station of the selection lies within 20 km of "
               "Land of the Leopard National Park: the park's coverage by cameras is not "
               "measured." for c in app.caption)


def test_individuals_page_defaults_to_the_most_photographed(app, demo):
    from landmap.observations import detections

    app.query_params["years"] = "2021-2021"
    app.run()
    app.switch_page("pages/individuals.py").run()
    ids = detections(demo.filter(years=(2021, 2021)).observations)["individualID"]
    ids = ids[ids != ""].astype(str)  # ties: the animal photographed first, as with text
    assert app.title[0].value.startswith(ids.value_counts().index[0])


def test_activity_page_shows_the_numbers_the_api_computes(app, demo):
    from landmap import LEOPARD, activity_times, compare_activity, detection_history

    app.query_params["years"] = "2021-2021"
    app.run()
    app.switch_page("pages/activity.py").run()
    assert not app.exception
    assert app.title[0].value == "Activity and species, 2021"
    s = demo.filter(years=2021)
    assert _metrics(app)["Independent detections"] == f"{len(activity_times(s)):,}"
    # leopards and sika deer, as the page compares them by default
    app.radio(key="activity-section").set_value("together").run()
    shown = _metrics(app)
    expected = compare_activity(s, {"species": LEOPARD}, {"species": "Cervus nippon"})
    found = expected["overlap"]
    assert shown["Overlap (Δ̂₄)"] == f"{found.estimate:.2f}"
    assert shown["95 % interval"] == f"{found.lower:.2f} – {found.upper:.2f}"
    assert shown["Detections"] == f"{found.n[0]:,} / {found.n[1]:,}"
    # males and females in sun time
    app.radio(key="activity-pair").set_value("sex").run()
    app.radio(key="activity-time").set_value("sun").run()
    assert not app.exception
    males = len(activity_times(s.filter(sex=["male"]), time="sun"))
    females = len(activity_times(s.filter(sex=["female"]), time="sun"))
    assert _metrics(app)["Detections"] == f"{males:,} / {females:,}"
    app.radio(key="activity-section").set_value("histories").run()
    history, _ = detection_history(s)
    shown = _metrics(app)
    assert shown["Occasions"] == str(history.shape[1])
    assert shown["Occasions with a detection"] == f"{int(history.sum().sum()):,}"
    app.radio(key="activity-section").set_value("where").run()
    for view in ("rai", "tiger", "richness"):
        app.selectbox(key="activity-map").set_value(view).run()
        assert not app.exception


def test_activity_page_says_why_there_is_no_curve(app, demo):
    from landmap import activity_times

    # vehicles on the Chinese side in 2016: fewer than ten independent detections
    app.query_params["years"] = "2016-2016"
    app.query_params["country"] = "CHN"
    app.run()
    app.switch_page("pages/activity.py").run()
    app.selectbox(key="activity-species").set_value("vehicle").run()
    assert not app.exception
    n = len(activity_times(demo.filter(years=2016, country=["CHN"]), "vehicle"))
    assert 0 < n < 10 and _metrics(app)["Independent detections"] == str(n)
    assert [i.value for i in app.info] == [
        f"vehicle: {n} independent detections in the selection; an activity curve needs "
        "at least 10."]


def test_density_page_shows_the_secr_estimate(app, demo):
    from landmap import density_report

    app.query_params["years"] = "2021-2021"
    app.run(timeout=300)
    found = density_report(demo.filter(years=2021))["estimates"]["null"]
    # the Overview's headline: density and interval of the selected year
    assert (f"**Leopard density (SECR), 2021: {found.density_100km2:.2f} "
            f"({found.lcl_100km2:.2f}–{found.ucl_100km2:.2f}) per 100 km²** (95 % interval), "
            f"{found.n} identified adults. See the Density page.") in [
        m.value for m in app.markdown]
    app.switch_page("pages/density.py").run(timeout=300)
    assert not app.exception
    assert app.title[0].value == "Leopard density (SECR), 2021"
    assert "Where the activity centres are" in [h.value for h in app.subheader]
    assert any("The capture history for secr holds the stations' exact positions" in c.value
               for c in app.caption)
    # an analyst who asks for exact coordinates in downloads gets the file for R
    app.checkbox(key="exact_downloads").check().run(timeout=300)
    labels = [b.proto.label for b in app.get("download_button")]
    assert "Capture history for secr (ZIP)" in labels
    shown = _metrics(app)
    assert shown["Leopards per 100 km²"] == f"{found.density_100km2:.2f}"
    assert shown["95 % interval"] == f"{found.lcl_100km2:.2f} – {found.ucl_100km2:.2f}"
    assert shown["Identified adults"] == str(found.n)
    assert shown["Animal-station-days"] == f"{found.detections:,}"


def test_density_page_estimates_every_year_on_request(app, demo):
    from landmap import density_report

    app.query_params["years"] = "2013-2014"
    app.run()
    app.switch_page("pages/density.py").run(timeout=300)
    app.button(key="density-every-year").click().run(timeout=600)
    assert not app.exception
    table = app.dataframe[-1].value
    assert table["year"].tolist() == [2013, 2014]
    for year, shown in zip((2013, 2014), table["density"], strict=True):
        found = density_report(demo.filter(years=year))["estimates"]["null"]
        assert shown == pytest.approx(found.density_100km2)


def test_density_page_fits_a_season(app, demo):
    from landmap import density_report

    app.query_params["years"] = "2021-2021"
    app.run()
    app.switch_page("pages/density.py").run(timeout=300)
    app.selectbox(key="density-from").set_value(11)
    app.selectbox(key="density-to").set_value(4).run(timeout=300)
    assert not app.exception
    assert app.title[0].value == "Leopard density (SECR), 2021 (November–April)"
    found = density_report(demo.filter(years=2021), months=(11, 4))["estimates"]["null"]
    assert _metrics(app)["Identified adults"] == str(found.n)
    assert _metrics(app)["Leopards per 100 km²"] == f"{found.density_100km2:.2f}"


def test_trap_density_page_shows_when_the_cameras_worked(app, demo):
    from landmap import camera_operation, longest_gaps

    app.query_params["years"] = "2021-2021"
    app.run()
    app.switch_page("pages/trap_density.py").run()
    assert not app.exception
    assert "When the cameras worked" in [h.value for h in app.subheader]
    expected = longest_gaps(camera_operation(demo.filter(years=2021), period_days=7))
    shown = app.dataframe[-1].value
    assert shown["locationID"].tolist() == expected["locationID"].head(200).tolist()
    assert shown["periods"].tolist() == expected["periods"].head(200).tolist()
    assert any(f"({len(expected)} stations with a gap)" in c.value for c in app.caption)


def _flipbook(app) -> list[dict]:
    """The year player's frames (label and map HTML) the page sent to the browser."""
    import json
    import re

    pages = [e.proto.srcdoc for e in app.main.get("iframe") if "lm-frames" in e.proto.srcdoc]
    if not pages:
        return []
    found = re.search(r'<script type="application/json" id="lm-frames">(.*?)</script>',
                      pages[0], re.S)
    return json.loads(found.group(1))


def test_the_year_player_sends_one_map_per_year(app, demo):
    app.run()
    app.slider(key="years").set_value((2019, 2021)).run()
    assert _flipbook(app) == []
    app.button(key="player-play").click().run()
    frames = _flipbook(app)
    assert [f["label"] for f in frames] == ["2019", "2020", "2021"]
    for frame in frames:
        # each frame is that year's map, with its own legend
        year = int(frame["label"])
        assert f"Amur leopard camera traps, {year}" in frame["html"]
        detections = headline(demo.filter(years=(year, year))).detections
        assert f"({detections:,} in all)" in frame["html"]
    # the page around the map keeps the whole span
    assert app.title[0].value == "Amur leopard camera traps, 2019–2021"
    h = headline(demo.filter(years=(2019, 2021)))
    assert _metrics(app)["Leopard detections"] == f"{h.detections:,}"
    # a page without a map keeps the slider's span; another map page plays too
    app.switch_page("pages/activity.py").run()
    assert app.title[0].value == "Activity and species, 2019–2021"
    assert _flipbook(app) == []
    app.switch_page("pages/sightings.py").run()
    assert [f["label"] for f in _flipbook(app)] == ["2019", "2020", "2021"]
    app.button(key="player-stop").click().run()
    assert _flipbook(app) == []
    assert app.title[0].value == "Sightings of Amur leopard, 2019–2021"


def test_the_overview_shows_a_photo_of_the_selection_and_lets_you_pin_another(app, demo):
    from landmap.media import photos_of, selection_photo

    app.query_params["years"] = "2021-2021"
    app.run()
    assert "Photo of the selection" in [h.value for h in app.subheader]
    every = photos_of(demo.filter(years=(2021, 2021)))
    every = every[every["year"] == 2021]
    first = selection_photo(every)
    assert first.favorite
    drawn = [e.proto.body for e in app.main.get("html") if "lm-gallery-selection" in
             e.proto.body]
    assert len(drawn) == 1 and f'data-media="{first.mediaID}"' in drawn[0]
    other = every[every["mediaID"] != first.mediaID]["mediaID"].iloc[3]
    app.selectbox(key="photo_pinned").set_value(other).run()
    drawn = [e.proto.body for e in app.main.get("html") if "lm-gallery-selection" in
             e.proto.body]
    assert f'data-media="{other}"' in drawn[0]


def test_overview_of_a_package_without_leopards_names_and_draws_its_own_animal(
        app, make_package, monkeypatch):
    """Title, figure, legend and circles agree on the species shown (here the commonest,
    wild boar), where they used to say "leopard" beside a count of boar."""
    from landmap import overview_map, read_camtrapdp
    from tests.conftest import dep, obs

    folder = make_package(
        deployments=[dep(1), dep(2, latitude="43.0", longitude="131.3")],
        observations=[obs(1, scientificName="Sus scrofa", individualID=""),
                      obs(2, deploymentID="d2", scientificName="Sus scrofa", individualID=""),
                      obs(3, deploymentID="d2", scientificName="Cervus nippon",
                          individualID="")])
    monkeypatch.setenv("LANDMAP_DATA", str(folder))
    app.run()
    assert not app.exception, app.exception
    assert app.title[0].value.startswith("Camera traps: Wild boar (Sus scrofa), ")
    assert {m.label: m.value for m in app.metric}["Wild boar (Sus scrofa) detections"] == "2"

    html = overview_map(read_camtrapdp(folder), species="Sus scrofa").get_root().render()
    assert "Detections of Wild boar (Sus scrofa) per station (2 in all)" in html
    assert "Detections of Wild boar (Sus scrofa) (2)" in html
    assert "Leopard detections" not in html
    assert "1 detection of Wild boar (Sus scrofa)" in html

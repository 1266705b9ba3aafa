"""Page logic without a browser (Streamlit AppTest): filters drive the headline numbers."""

import pytest
from streamlit.testing.v1 import AppTest

from landmap.survey import headline
from tests.conftest import ROOT


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture
def app() -> AppTest:
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
    # AppTest (1.67) loses the sidebar tree after a rerun under st.navigation, so this
    # widget is driven from a fresh run; the browser test drives both in one session.
    app.run()
    app.multiselect(key="individuals").set_value(["Leo 16F"]).run()
    h = headline(demo.filter(individuals=["Leo 16F"]))
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

"""Sign-in and location precision in the pages (Streamlit AppTest, no browser)."""

import bcrypt
import pytest
from streamlit.testing.v1 import AppTest

from landmap.app import signin, state, widgets
from landmap.app.serve import legacy_pages_off
from landmap.home_range import home_ranges
from landmap.survey import headline
from tests.conftest import ROOT

PASSWORD = "tracks in fresh snow"


@pytest.fixture(scope="module")
def secrets() -> dict:
    digest = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
    return {"landmap": {"access": {"accounts": {
        "ranger": {"password_hash": digest, "role": "viewer"},
        "anna": {"password_hash": digest, "role": "analyst"}}}}}


@pytest.fixture
def app(secrets) -> AppTest:
    legacy_pages_off()
    signin._throttle.clear()  # failed sign-ins are remembered by the server process
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets.update(secrets)
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _sign_in(at: AppTest, user: str, password: str = PASSWORD) -> AppTest:
    at.run()
    at.text_input[0].input(user)
    at.text_input[1].input(password)
    return at.button[0].click().run()  # the form's submit button


def test_configured_sign_in_hides_everything_until_signed_in(app):
    app.run()
    assert app.title[0].value == "landmap · sign in"
    assert not app.metric and not app.dataframe  # not a number of the survey is shown


def test_viewer_gets_generalised_locations_only(app, demo):
    _sign_in(app, "ranger")
    assert not app.exception
    assert _metrics(app) == {
        "Camera stations": "550", "Trap-nights": f"{headline(demo).trap_nights:,.0f}",
        "Leopard detections": f"{headline(demo).detections:,}",
        "Individuals": f"{headline(demo).individuals:,}"}
    choice = app.selectbox(key=state.PRECISION)
    assert choice.options == ["Locations generalised to 5 km",
                              "Locations generalised to 10 km"]
    assert choice.value == "5"
    assert app.query_params[state.PRECISION] == "5"
    assert any("ranger" in c.value and "viewer" in c.value for c in app.sidebar.caption)


def test_exact_locations_are_refused_to_a_viewer_even_by_link(app):
    app.query_params[state.PRECISION] = "exact"
    _sign_in(app, "ranger")
    assert app.selectbox(key=state.PRECISION).value == "5"
    assert any("may not see them" in w.value and "generalised to 5 km" in w.value
               for w in app.warning)
    assert app.query_params[state.PRECISION] == "5"


def test_analyst_may_choose_exact_and_briefing_generalises(app):
    _sign_in(app, "anna")
    choice = app.selectbox(key=state.PRECISION)
    assert choice.value == "exact"
    assert choice.options[0] == "Locations exact"
    assert app.checkbox(key=state.EXACT_DOWNLOADS).value is False  # downloads 5 km by default
    app.toggle(key=state.BRIEFING).set_value(True).run()
    assert app.session_state[state.PRECISION] == "5"
    assert app.query_params[state.PRECISION] == "5"


def test_a_link_into_briefing_mode_never_shows_exact_locations(app):
    """Briefing mode is for a projector: a link asking for it with exact locations gets
    them generalised (5 km), even for an analyst."""
    app.query_params[state.BRIEFING] = "1"
    app.query_params[state.PRECISION] = "exact"
    _sign_in(app, "anna")
    assert app.session_state[state.BRIEFING] is True
    assert app.query_params[state.PRECISION] == "5"


def test_wrong_passwords_are_refused_then_paused(app):
    _sign_in(app, "ranger", "guess")
    assert [e.value for e in app.error] == ["Wrong user name or password."]
    for _ in range(2):
        _sign_in(app, "ranger", "guess")
    _sign_in(app, "ranger", PASSWORD)  # right password, but within the pause
    assert "Too many failed sign-ins for “ranger”: try again in" in app.error[0].value
    assert app.title[0].value == "landmap · sign in"


def test_sign_out_returns_to_the_sign_in_page(app):
    _sign_in(app, "anna")
    app.button(key="sign-out").click().run()
    assert app.title[0].value == "landmap · sign in"


def test_viewer_sees_ranges_with_exact_areas(app, demo):
    app.query_params["years"] = "2021-2021"
    _sign_in(app, "ranger")
    app.switch_page("pages/home_ranges.py").run()
    assert not app.exception
    shown = app.dataframe[0].value
    exact = home_ranges(demo.filter(years=(2021, 2021)))
    exact = exact[exact.geometry.notna()]
    assert sorted(shown["area_km2"].round(6)) == sorted(exact["area_km2"].round(6))


def test_viewer_gets_no_grid_finer_than_the_precision(app):
    _sign_in(app, "ranger")
    app.switch_page("pages/trap_density.py").run()
    assert app.select_slider[0].options == ["5", "10"]


def test_without_sign_in_a_remote_browser_is_turned_away(monkeypatch):
    legacy_pages_off()
    monkeypatch.setattr(signin, "_local_client", lambda: False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert "only answers on the computer it runs on" in at.error[0].value
    assert not at.metric


def test_a_broken_configuration_is_reported(monkeypatch):
    legacy_pages_off()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["landmap"] = {"access": {"viewer_precision_km": 3}}
    at.run()
    assert "viewer_precision_km = 3: use 1, 5 or 10" in at.error[0].value


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/sightings.py",
                                  "pages/home_ranges.py", "pages/trap_density.py",
                                  "pages/cross_border.py", "pages/individuals.py",
                                  "pages/data.py"])
def test_viewer_tables_hold_no_coordinates(app, page):
    from tests.conftest import off_grid

    app.query_params["years"] = "2021-2021"
    _sign_in(app, "ranger")
    app.switch_page(page).run()
    assert not app.exception
    for table in app.dataframe:
        frame = table.value
        assert not set(frame.columns) & {"x", "y", "lon", "lat", "geometry"}, page
        if "latitude" in frame:
            assert off_grid(frame["longitude"], frame["latitude"], 5).size == 0
        # A problem about a coordinate keeps its row and field but not the value.
        if {"field", "value"} <= set(frame.columns):
            coordinates = frame["field"].isin(["latitude", "longitude"])
            assert not frame.loc[coordinates, "value"].str.match(r"-?\d").any()


def test_without_chromium_the_export_buttons_say_what_to_install(monkeypatch):
    legacy_pages_off()
    monkeypatch.setattr(signin, "_local_client", lambda: True)
    monkeypatch.setattr(widgets, "chromium_path", lambda: None)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert any("sudo apt-get install chromium" in c.value for c in at.caption)
    labels = [b.label for b in at.get("download_button")]
    assert "Map (HTML, works offline)" in labels
    assert not any("PNG" in label or "PDF" in label for label in labels)


def test_a_link_in_russian_opens_the_sign_in_page_in_russian(app):
    # The language is taken from the link before anyone has signed in.
    app.query_params["lang"] = "ru"
    app.run()
    assert app.title[0].value == "landmap · вход"
    assert [t.label for t in app.text_input] == ["Имя пользователя", "Пароль"]
    app.text_input[0].input("ranger")
    app.text_input[1].input("not the password")
    app.button[0].click().run()
    assert app.error[0].value == "Неверное имя пользователя или пароль."


def test_viewer_density_surface_is_no_finer_than_the_policy_and_has_no_secr_file(app):
    app.query_params["years"] = "2021-2021"
    _sign_in(app, "ranger")
    app.switch_page("pages/density.py").run(timeout=300)
    assert not app.exception
    assert app.select_slider(key="density-cell").options == ["5", "10"]
    assert app.select_slider(key="density-cell").value == 5
    assert not [b for b in app.get("download_button") if "secr" in str(b.proto.label)]
    assert any("The capture history for secr holds the stations' exact positions" in c.value
               for c in app.caption)


def _gallery(at: AppTest) -> list[tuple[str, str]]:
    """(mediaID, caption) of every photo drawn on the page, and each picture's bytes."""
    import re

    found = []
    for element in at.main.get("html"):
        body = element.proto.body
        for media_id, data, caption in re.findall(
                r'<figure class="lm-photo" data-media="([^"]+)">'
                r'(?:<img src="data:image/jpeg;base64,([^"]+)"[^>]*>|<div[^>]*>[^<]*</div>)'
                r"<figcaption>([^<]*)</figcaption>", body):
            found.append((media_id, data, caption))
    return found


@pytest.mark.parametrize("user", ["ranger", "anna"])
def test_photos_of_an_individual_follow_the_role(app, demo, user):
    import base64
    import io

    from PIL import Image

    from landmap.media import media_links, media_table, photos_of

    _sign_in(app, user)
    app.query_params["years"] = "2013-2024"
    app.switch_page("pages/individuals.py").run()
    app.selectbox(key=state.PROFILE).set_value("Leo 117F").run()
    assert not app.exception
    drawn = _gallery(app)
    table = media_table(demo)
    every = photos_of(demo, "Leo 117F", table=table, links=media_links(demo))
    public = set(table.loc[table["public"] & ~table["people"], "mediaID"])
    if user == "ranger":  # a viewer: public photos only, the side of the border only
        expected = every[every["mediaID"].isin(public)]
        assert all(("· Russia" in caption or "· China" in caption)
                   and "RU-" not in caption and "CN-" not in caption
                   for _, _, caption in drawn)
    else:
        expected = every
        assert all("RU-" in caption or "CN-" in caption for _, _, caption in drawn)
    # grouped by year, at most eight a year, favourites first
    assert [m for m, _, _ in drawn] == expected.sort_values("year", kind="stable") \
        .groupby("year").head(8)["mediaID"].tolist()
    for _, data, _ in drawn:  # every picture a clean JPEG: no EXIF at all
        image = Image.open(io.BytesIO(base64.b64decode(data)))
        assert image.format == "JPEG" and len(image.getexif()) == 0
    assert f"**2021** · {(expected['year'] == 2021).sum()} photos" in \
        [m.value for m in app.markdown]

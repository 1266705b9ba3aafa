"""Sign-in and location precision in a real browser, with sign-in configured.

The dashboard runs with a secrets file holding two local accounts (a viewer and an
analyst) and an OpenID Connect provider: ``oidc-provider-mock`` on localhost, so the
single sign-on path runs end to end (Streamlit's ``st.login``, the provider's form, the
callback, the identity cookie), not with a faked ``st.user``.
"""

from __future__ import annotations

import io
import json
import re
import secrets
import zipfile

import bcrypt
import geopandas as gpd
import pandas as pd
import pytest
import shapely

from landmap.privacy import Precision, protect
from tests.conftest import (
    leaked_places,
    map_frame,
    off_grid,
    public_places,
    running_dashboard,
    wait_idle,
)

pytestmark = pytest.mark.browser

PASSWORD = "pugmarks on the ridge"
ANALYST_GROUP = "landmap-analysts"


@pytest.fixture(scope="module")
def provider():
    """A local OpenID Connect provider knowing an analyst, a viewer and an outsider."""
    from oidc_provider_mock import User, run_server_in_thread

    users = [User(sub="anna", claims={"email": "anna@park.example", "email_verified": True,
                                      "groups": [ANALYST_GROUP]}),
             User(sub="lee", claims={"email": "lee@park.example", "email_verified": True}),
             User(sub="eve", claims={"email": "eve@elsewhere.example"})]
    with run_server_in_thread(user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def secured(provider, tmp_path_factory):
    digest = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
    path = tmp_path_factory.mktemp("secrets") / "secrets.toml"
    path.write_text(f"""
[auth]
redirect_uri = "http://127.0.0.1:{{port}}/oauth2callback"
cookie_secret = "{secrets.token_hex(32)}"
client_id = "landmap"
client_secret = "{secrets.token_hex(16)}"
server_metadata_url = "{provider}/.well-known/openid-configuration"

[landmap.access]
analyst_groups = ["{ANALYST_GROUP}"]
viewers = ["@park.example"]

[landmap.access.accounts.ranger]
password_hash = "{digest}"
role = "viewer"

[landmap.access.accounts.anna]
password_hash = "{digest}"
role = "analyst"
""", encoding="utf-8")
    with running_dashboard("--secrets.files", str(path), name="secured-dashboard") as url:
        yield url


@pytest.fixture(scope="module")
def public(boundaries):
    return public_places(boundaries)


def _sign_in(page, url: str, user: str) -> None:
    page.goto(url)
    page.get_by_label("User name").fill(user)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_text(f"Signed in as {user}").wait_for(timeout=60_000)


def _legend(frame) -> str:
    return frame.locator(".lm-legend").inner_text()


def _map_html(page) -> str:
    """The map documents as the browser holds them (scripts and layer data included):
    every map of the page (the Individuals page draws two), once their number is steady."""
    counts = []
    for _ in range(120):
        drawn = [f.content() for f in page.frames if "streamlit_folium" in f.url]
        drawn = [html for html in drawn if "lm-legend" in html]
        counts.append(len(drawn))
        if drawn and counts[-4:] == [len(drawn)] * 4:
            return "\n".join(drawn)
        page.wait_for_timeout(250)
    raise AssertionError(f"no steady number of drawn maps on the page: {counts[-8:]}")


def _without_drawing(html: str) -> str:
    """The document without SVG drawing instructions (path data, transforms, styles),
    which are screen pixels, not places."""
    return re.sub(r'\s(?:d|transform|style|points|viewBox)="[^"]*"', "", html)


def _stations_drawn(frame) -> int:
    return frame.locator("path.lm-station").count()


def test_each_role_sees_the_difference(secured, browser, demo, tmp_path):
    s = demo.filter(years=(2021, 2021))
    exact_places = s.deployments.drop_duplicates(["latitude", "longitude"])
    five = protect(s, Precision(5)).deployments.drop_duplicates(["latitude", "longitude"])
    seen = {}
    for user in ("ranger", "anna"):
        context = browser.new_context(viewport={"width": 1500, "height": 1500})
        page = context.new_page()
        _sign_in(page, secured + "/?years=2021-2021", user)
        frame = map_frame(page)
        seen[user] = (_legend(frame), _stations_drawn(frame),
                      page.locator('[data-testid="stSidebar"]').inner_text())
        page.screenshot(path=str(tmp_path / f"{user}.png"))
        page.screenshot(path=f"test-artifacts/role-{user}.png")
        context.close()
    legend, stations, sidebar = seen["ranger"]
    assert "Locations generalised to 5 km" in legend
    assert stations == len(five) < len(exact_places)
    assert "Signed in as ranger (viewer)" in sidebar
    legend, stations, sidebar = seen["anna"]
    assert "Locations exact" in legend
    assert stations == len(exact_places)
    assert "Signed in as anna (analyst)" in sidebar


def test_exact_locations_refused_to_a_viewer_via_the_link(secured, page):
    _sign_in(page, secured + "/?years=2021-2021&precision=exact", "ranger")
    frame = map_frame(page)
    assert "Locations generalised to 5 km" in _legend(frame)
    assert page.get_by_text("your role (viewer) may not see them").is_visible()
    assert "precision=5" in page.url


def _check_download(path, public, cell_km: int) -> int:
    """Assert a downloaded file holds no exact place; return the places checked."""
    if path.suffix == ".gpkg":
        layer = gpd.read_file(path).to_crs(4326)
        xy = shapely.get_coordinates(layer.geometry.to_numpy())
        assert off_grid(xy[:, 0], xy[:, 1], cell_km, outlines=True).size == 0, path.name
        assert set(layer["location_precision"]) == {f"locations generalised to {cell_km} km"}
        return len(xy)
    if path.suffix == ".zip":
        package = zipfile.ZipFile(path)
        descriptor = json.loads(package.read("datapackage.json"))
        assert descriptor["coordinatePrecision"] == Precision(cell_km).degrees
        rows = pd.read_csv(package.open("deployments.csv"))
        assert off_grid(rows["longitude"], rows["latitude"], cell_km).size == 0
        text = package.read("datapackage.json").decode() + package.read(
            "deployments.csv").decode()
        assert leaked_places(text, cell_km, public) == [], path.name
        return len(rows)
    if path.suffix == ".png":
        # Pixels hold no coordinates; the map page it was drawn from is checked below.
        from PIL import Image

        assert Image.open(path).size in [(1920, 1080), (2339, 1654)]
        return 0
    if path.suffix == ".pdf":
        import subprocess

        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert f"locations generalised to {cell_km} km" in text
        assert leaked_places(text, cell_km, public) == [], path.name
        return 0
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".csv":
        # Tables of numbers (areas, bandwidths) look like places to a text scan: check
        # the coordinate columns themselves, and that there are no others.
        table = pd.read_csv(io.StringIO(text))
        assert not set(table.columns) & {"x", "y", "lon", "lat", "geometry", "wkt"}
        if "latitude" in table:
            assert off_grid(table["longitude"], table["latitude"], cell_km).size == 0
            assert set(table["location_precision"]) == {
                f"locations generalised to {cell_km} km"}
        return len(table)
    assert leaked_places(text, cell_km, public) == [], path.name
    return len(leaked_places(text, cell_km, set()))


PAGES = ["Overview", "Sightings", "Home ranges", "Trap density", "Cross-border",
         "Individuals", "Data"]


def test_viewer_receives_no_exact_place_on_any_page_or_download(secured, page, public,
                                                                  tmp_path):
    """Every coordinate in the map documents and in every download is either a vertex of
    a published layer (countries, border, parks) or on the 5 km grid."""
    _sign_in(page, secured + "/?years=2021-2021", "ranger")
    downloads = {}
    for name in PAGES:
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=name).click()
        wait_idle(page)
        if name != "Data":
            frame = map_frame(page)
            assert "Locations generalised to 5 km" in _legend(frame), name
            html = _without_drawing(_map_html(page))
            assert leaked_places(html, 5, public) == [], name
            assert len(leaked_places(html, 5, set())) > 0, name  # places were checked
        wait_idle(page)
        assert leaked_places(_without_drawing(page.content()), 5, public) == [], name
        for button in page.get_by_test_id("stDownloadButton").all():
            with page.expect_download(timeout=60_000) as info:
                button.get_by_role("button").click()
            target = tmp_path / info.value.suggested_filename
            info.value.save_as(target)
            downloads[target.name] = _check_download(target, public, 5)
    kinds = {n.rsplit(".", 1)[1] for n in downloads}
    assert kinds == {"csv", "geojson", "gpkg", "html", "zip", "png", "pdf"}
    assert len(downloads) >= 20


def _single_sign_on(page, url: str, subject: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Sign in with your organisation account").click()
    page.get_by_placeholder("sub").fill(subject)
    page.get_by_role("button", name="Authorize").click()


def test_single_sign_on_maps_roles_from_the_provider(secured, browser):
    expected = {"anna": ("anna@park.example (analyst)", "Locations exact"),
                "lee": ("lee@park.example (viewer)", "Locations generalised to 5 km")}
    for subject, (who, legend) in expected.items():
        context = browser.new_context(viewport={"width": 1500, "height": 1500})
        page = context.new_page()
        _single_sign_on(page, secured + "/?years=2021-2021", subject)
        page.get_by_text(f"Signed in as {who}").wait_for(timeout=60_000)
        assert legend in _legend(map_frame(page))
        assert any(c["name"] == "_streamlit_user" for c in context.cookies())
        page.screenshot(path=f"test-artifacts/sso-{subject}.png")
        context.close()


def test_single_sign_on_refuses_someone_not_listed(secured, page):
    _single_sign_on(page, secured, "eve")
    message = page.get_by_text("eve@elsewhere.example may not use this dashboard")
    message.wait_for(timeout=60_000)
    assert page.locator("iframe").count() == 0
    assert page.locator('[data-testid="stMetric"]').count() == 0


def test_no_role_can_make_the_app_read_a_file_outside_the_package(secured, browser, demo,
                                                                    tmp_path):
    """A viewer and an analyst try every path form that could reach a file outside the
    package; the sentinel's content never reaches a page, and nothing is loaded."""
    import stat
    from pathlib import Path

    from tests.corpus import SENTINEL, _files, _with_resource, _zip

    outside = tmp_path / "outside"
    outside.mkdir()
    # a complete package outside the data folders, its station named by the sentinel
    for name, data in _files():
        (outside / name).write_bytes(data.replace(b"d1", SENTINEL.encode()))
    sentinel = outside / "deployments.csv"
    climb = "../" * 12 + str(sentinel).lstrip("/")
    uploads = {
        "absolute.zip": _zip([(n, d) for n, d in _files(
            descriptor=_with_resource(str(sentinel)))]),
        "climbing.zip": _zip([(n, d) for n, d in _files(descriptor=_with_resource(climb))]),
        "file-url.zip": _zip([(n, d) for n, d in _files(
            descriptor=_with_resource(sentinel.as_uri()))]),
        "symlink.zip": _zip([(n, str(sentinel).encode() if n == "deployments.csv" else d)
                             for n, d in _files()],
                            mode={"deployments.csv": stat.S_IFLNK | 0o777}),
    }
    for name, data in uploads.items():
        (tmp_path / name).write_bytes(data)
    loose = tmp_path / "loose"
    loose.mkdir()
    for name, data in _files(descriptor=_with_resource(climb)):
        (loose / name).write_bytes(data)
    demo_root = Path(__file__).resolve().parents[1] / "geodata" / "demo"
    typed = [str(outside), str(sentinel), f"{demo_root}/{'../' * 12}{str(outside).lstrip('/')}",
             sentinel.as_uri()]
    static = Path(__file__).resolve().parents[1] / "static"
    relative = "../" * (len(static.parts) - 1) + str(sentinel).lstrip("/")

    def clean(page) -> None:
        assert SENTINEL not in page.content()
        assert page.locator('[data-testid="stException"]').count() == 0

    # --- the viewer has no way to load anything; links and static paths read nothing --
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    # (a local account's sign-in lasts one browser session: each link signs in again)
    for query in ("", f"source={sentinel}", f"individuals={climb}", f"lang={climb}",
                  f"precision={sentinel}", f"years={climb}"):
        _sign_in(page, f"{secured}/?{query}", "ranger")
        wait_idle(page)
        clean(page)
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Data").click()
        page.get_by_role("heading", name="Data", exact=True).wait_for(timeout=60_000)
        wait_idle(page)
        assert page.get_by_test_id("stFileUploader").count() == 0
        assert page.get_by_placeholder("/data/camtrap/2024").count() == 0
        clean(page)
    for url in (f"/app/static/{relative}", f"/app/static/{relative.replace('../', '%2e%2e%2f')}",
                f"/app/static/{relative.replace('/', '%2f')}", f"/media/{relative}",
                f"/{relative}", f"/app/static/..%5c..%5c{sentinel.name}"):
        response = page.request.get(secured + url)
        assert SENTINEL not in response.text(), url
    context.close()

    # --- the analyst tries uploads and typed paths --------------------------------------
    def analyst_on_data_page():
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        _sign_in(page, secured, "anna")
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Data").click()
        page.get_by_role("heading", name="Data", exact=True).wait_for(timeout=60_000)
        wait_idle(page)
        return context, page

    attempts = 0

    def refused(button: str) -> None:
        """Press the load button: the page says it was not loaded, and shows no sentinel."""
        nonlocal attempts
        wait_idle(page)
        page.get_by_role("button", name=button).click()
        page.get_by_text("was not loaded").first.wait_for(timeout=60_000)
        wait_idle(page)
        clean(page)
        attempts += 1

    for name in [*uploads, "loose"]:
        context, page = analyst_on_data_page()  # a fresh uploader for each attempt
        files = sorted(loose.iterdir()) if name == "loose" else [tmp_path / name]
        page.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(
            [str(f) for f in files])
        page.get_by_test_id("stFileUploader").first.get_by_text(files[0].name).first.wait_for(
            timeout=15_000)
        refused("Load package")
        context.close()
    context, page = analyst_on_data_page()
    for path in typed:
        box = page.get_by_placeholder("/data/camtrap/2024")
        box.fill(path)
        box.press("Enter")
        refused("Load from the server")
    page.screenshot(path="test-artifacts/security-analyst-attempts.png", full_page=True)
    # nothing was loaded: the page still shows the demo, the only data source
    shown = dict(zip(page.get_by_test_id("stMetricLabel").all_inner_texts(),
                     page.get_by_test_id("stMetricValue").all_inner_texts(), strict=False))
    assert shown["Deployments"] == f"{len(demo.deployments):,}"
    main = page.get_by_test_id("stMain").get_by_test_id("stRadio").first.inner_text()
    assert "demo" in main and "upload" not in main
    assert attempts == 9
    context.close()


def _photos_in_page(page) -> list[tuple[str, bytes]]:
    import base64

    found = page.evaluate(
        "() => [...document.querySelectorAll('figure.lm-photo')].map(f => "
        "[f.dataset.media, (f.querySelector('img') || {}).src || ''])")
    return [(m, base64.b64decode(src.split(",", 1)[1]) if src.startswith("data:") else b"")
            for m, src in found]


def test_a_viewer_receives_only_public_photos_without_metadata(secured, browser, demo):
    import io

    from PIL import Image

    from landmap.media import media_table

    table = media_table(demo).set_index("mediaID")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    images = []
    page.on("response", lambda r: images.append(r.url) if r.headers.get(
        "content-type", "").startswith(("image/jpeg", "video/")) else None)
    _sign_in(page, secured + "/?years=2013-2024&individuals=Leo%20117F", "ranger")
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Individuals").click()
    page.wait_for_selector("figure.lm-photo img", state="attached", timeout=120_000)
    wait_idle(page)
    # on a busy machine the galleries may not be drawn yet when the app first looks idle
    # (a CI run once read none): wait for the photos the viewer is shown
    page.wait_for_function(
        "document.querySelectorAll('figure.lm-photo img').length >= 5", timeout=120_000)
    shown = _photos_in_page(page)
    assert len(shown) >= 5
    for media_id, data in shown:
        assert table.loc[media_id, "public"] and not table.loc[media_id, "people"]
        picture = Image.open(io.BytesIO(data))
        assert picture.format == "JPEG" and len(picture.getexif()) == 0
        assert b"Exif" not in data and b"http://ns.adobe.com/xap" not in data
    # the pictures came inside the page: no address of a picture was ever fetched
    assert images == []
    # the stations are not named to a viewer, only the side of the border
    captions = page.locator("figure.lm-photo figcaption").all_inner_texts()
    assert captions and not any("RU-" in c or "CN-" in c for c in captions)
    page.close()


def test_a_signed_out_visitor_gets_no_picture(secured, browser):
    page = browser.new_page()
    page.goto(secured + "/individuals?years=2013-2024&individuals=Leo%20117F")
    page.get_by_label("User name").wait_for(timeout=60_000)
    wait_idle(page)
    assert page.locator("figure.lm-photo").count() == 0
    assert "data:image/jpeg" not in page.content()
    page.close()

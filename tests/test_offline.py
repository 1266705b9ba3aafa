"""Every map asset is vendored, recorded, and never fetched from a CDN."""

import re

import folium
import pytest
from folium.plugins import MarkerCluster

from landmap.maps.offline import (
    STATIC_DIR,
    VENDORED,
    OfflineAssetError,
    asset_urls,
    standalone_html,
    use_local_assets,
)


def test_every_vendored_file_exists_and_is_recorded():
    listing = (STATIC_DIR / "ASSETS.md").read_text()
    for package in VENDORED:
        for target in package.files.values():
            assert (STATIC_DIR / target).stat().st_size > 0, target
            assert f"| {package.name} | {package.version} | {package.licence} | {target} |" \
                in listing


def test_default_folium_assets_become_local():
    m = use_local_assets(folium.Map(tiles=None))
    MarkerCluster().add_to(m)
    use_local_assets(m)
    urls = asset_urls(m)
    assert urls and all(u.startswith("/app/static/vendor/") for u in urls)
    for u in urls:
        assert (STATIC_DIR / u.removeprefix("/app/static/vendor/")).exists()
    # jQuery, Bootstrap and Font Awesome are not used by landmap's maps and are dropped.
    assert not any(re.search("jquery|bootstrap|fontawesome|awesome", u) for u in urls)


def test_unvendored_plugin_is_refused():
    class Fancy(folium.MacroElement):
        default_js = (("fancy", "https://cdn.example.org/fancy.js"),)

    m = folium.Map(tiles=None)
    Fancy().add_to(m)
    with pytest.raises(OfflineAssetError, match=r"Fancy loads 'https://cdn\.example\.org/fancy\.js'"):
        use_local_assets(m)


def test_standalone_html_inlines_scripts_and_images():
    m = folium.Map(tiles=None)
    MarkerCluster().add_to(m)
    html = standalone_html(m, title="t")
    assert not re.search(r'<script src=|<link rel="stylesheet"', html)
    assert "https://cdn" not in html
    assert "data:image/png;base64," in html  # leaflet.css layer-control icons
    assert "L.markerClusterGroup" in html

"""Serve every script and stylesheet a map uses from landmap itself.

folium points its maps at CDNs (jsdelivr, cdnjs, code.jquery.com). In the
field office there is often no internet, and a map whose Leaflet cannot load
is a blank rectangle. This module swaps those addresses for copies kept in
``static/vendor/`` (served by Streamlit at ``/app/static/vendor/``) and can
inline the same files into a standalone HTML export.

The copies are fetched by ``scripts/refresh_assets.py`` from the npm registry;
:data:`VENDORED` is the one list of what is vendored, at which version and
under which licence.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

import folium
from branca.element import Element

__all__ = [
    "STATIC_URL",
    "VENDORED",
    "OfflineAssetError",
    "asset_urls",
    "standalone_html",
    "use_local_assets",
]

#: Where Streamlit serves the project's ``static/`` folder (``enableStaticServing``).
STATIC_URL = "/app/static/vendor"
STATIC_DIR = Path(__file__).resolve().parents[3] / "static" / "vendor"


@dataclass(frozen=True)
class Package:
    """One npm package whose files are vendored."""

    name: str
    version: str
    licence: str
    #: file inside the npm tarball -> path below ``static/vendor/``
    files: dict[str, str]


VENDORED: tuple[Package, ...] = (
    Package(
        "leaflet",
        "1.9.3",
        "BSD-2-Clause",
        {
            "package/dist/leaflet.js": "leaflet/leaflet.js",
            "package/dist/leaflet.css": "leaflet/leaflet.css",
            "package/dist/images/layers.png": "leaflet/images/layers.png",
            "package/dist/images/layers-2x.png": "leaflet/images/layers-2x.png",
            "package/dist/images/marker-icon.png": "leaflet/images/marker-icon.png",
            "package/dist/images/marker-icon-2x.png": "leaflet/images/marker-icon-2x.png",
            "package/dist/images/marker-shadow.png": "leaflet/images/marker-shadow.png",
            "package/LICENSE": "leaflet/LICENSE",
        },
    ),
    Package(
        "leaflet.markercluster",
        "1.1.0",
        "MIT",
        {
            "package/dist/leaflet.markercluster.js": "markercluster/leaflet.markercluster.js",
            "package/dist/MarkerCluster.css": "markercluster/MarkerCluster.css",
            "package/dist/MarkerCluster.Default.css": "markercluster/MarkerCluster.Default.css",
            "package/MIT-LICENCE.txt": "markercluster/LICENSE",
        },
    ),
    Package(
        "leaflet.fullscreen",
        "3.0.0",
        "MIT",
        {
            "package/Control.FullScreen.js": "fullscreen/Control.FullScreen.js",
            "package/Control.FullScreen.css": "fullscreen/Control.FullScreen.css",
            "package/icon-fullscreen.svg": "fullscreen/icon-fullscreen.svg",
            "package/LICENSE": "fullscreen/LICENSE",
        },
    ),
)

# CDN address (as folium writes it) -> local file below static/vendor, or None
# for assets folium adds by default that landmap's maps never use (Bootstrap,
# jQuery, Font Awesome, awesome-markers): dropping them keeps each map lighter.
_CDN_TO_LOCAL: dict[str, str | None] = {
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet/leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet/leaflet.css",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js": (
        "markercluster/leaflet.markercluster.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css": (
        "markercluster/MarkerCluster.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css": (  # noqa: E501
        "markercluster/MarkerCluster.Default.css"
    ),
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": (
        "fullscreen/Control.FullScreen.js"
    ),
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css": (
        "fullscreen/Control.FullScreen.css"
    ),
    "https://code.jquery.com/jquery-3.7.1.min.js": None,
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": None,
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": None,  # noqa: E501
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": None,
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": None,
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": None,
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": None,  # noqa: E501
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css": None,  # noqa: E501
}


class OfflineAssetError(LookupError):
    """A map element asks for a CDN asset that landmap does not vendor."""


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def _localise(links: list[tuple[str, str]], owner: str) -> list[tuple[str, str]]:
    out = []
    for name, url in links:
        if url.startswith(STATIC_URL):
            out.append((name, url))
            continue
        if url not in _CDN_TO_LOCAL:
            raise OfflineAssetError(
                f"{owner} loads {url!r}, which is not vendored; add its npm package to "
                "landmap.maps.offline.VENDORED and run scripts/refresh_assets.py."
            )
        local = _CDN_TO_LOCAL[url]
        if local is not None:
            out.append((name, f"{STATIC_URL}/{local}"))
    return out


def use_local_assets(m: folium.Map) -> folium.Map:
    """Point every script and stylesheet of a folium map at landmap's own copies.

    Parameters
    ----------
    m : folium.Map
        The map, with all its layers and plugins already added.

    Returns
    -------
    folium.Map
        The same map (changed in place), whose elements now load from
        :data:`STATIC_URL` and no longer ask for jQuery, Bootstrap or Font Awesome.

    Raises
    ------
    OfflineAssetError
        If an element needs a CDN file that is not vendored, so a new plugin
        cannot slip a CDN dependency into the dashboard unnoticed.

    Examples
    --------
    >>> import folium
    >>> m = use_local_assets(folium.Map(tiles=None))
    >>> asset_urls(m)
    ['/app/static/vendor/leaflet/leaflet.js', '/app/static/vendor/leaflet/leaflet.css']
    """
    for element in _walk(m):
        for attr in ("default_js", "default_css"):
            links = getattr(element, attr, None)
            if links:
                setattr(element, attr, _localise(list(links), type(element).__name__))
    return m


def asset_urls(m: folium.Map) -> list[str]:
    """Every script and stylesheet address the map will load, in order, without repeats."""
    urls: list[str] = []
    for element in _walk(m):
        for attr in ("default_js", "default_css"):
            urls += [url for _, url in getattr(element, attr, None) or []]
    return list(dict.fromkeys(urls))


def _local_path(url: str) -> Path:
    return STATIC_DIR / url.removeprefix(STATIC_URL + "/")


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"


def _inline_css(path: Path) -> str:
    css = path.read_text(encoding="utf-8")

    def embed(match: re.Match) -> str:
        ref = match.group(1).strip("'\"")
        if ref.startswith(("data:", "http:", "https:", "#")):
            return match.group(0)
        target = (path.parent / ref).resolve()
        return f'url("{_data_uri(target)}")' if target.exists() else match.group(0)

    return re.sub(r"url\(([^)]+)\)", embed, css)


def standalone_html(m: folium.Map, title: str = "landmap map") -> str:
    """Render a map as one HTML file that draws with no network at all.

    Leaflet, its plugins and their images are inlined, so the file can be
    e-mailed or opened from a USB stick at a briefing.

    Parameters
    ----------
    m : folium.Map
        A map built by :mod:`landmap.maps`.
    title : str, default "landmap map"
        The document title.

    Returns
    -------
    str
        The HTML document.

    Examples
    --------
    >>> import folium
    >>> html = standalone_html(folium.Map(tiles=None))
    >>> "cdn.jsdelivr" in html, "<script src=" in html, "L.map(" in html
    (False, False, True)
    """
    use_local_assets(m)
    root = m.get_root()
    root.title = title
    html = root.render()
    for url in asset_urls(m):
        path = _local_path(url)
        if url.endswith(".css"):
            tag = re.compile(r'<link rel="stylesheet" href="' + re.escape(url) + r'"\s*/>')
            body = _inline_css(path)
            html = tag.sub(lambda _m, b=body: f"<style>\n{b}\n</style>", html)
        else:
            tag = re.compile(r'<script src="' + re.escape(url) + r'"></script>')
            body = path.read_text(encoding="utf-8").replace("</script", "<\\/script")
            html = tag.sub(lambda _m, b=body: f"<script>\n{b}\n</script>", html)
    return html


def add_css(m: folium.Map, css: str) -> None:
    """Add a style sheet (as text) to the map's document header."""
    m.get_root().header.add_child(Element(f"<style>{css}</style>"))

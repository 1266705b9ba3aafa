"""Maps that leave the browser: a PNG at projector or print size, and a PDF briefing pack.

Both are drawn by a headless Chromium on the server (Debian's ``chromium``, driven by
Playwright with ``executable_path``; a browser is never downloaded). A PNG is the map
page of :func:`landmap.maps.offline.standalone_html` with a frame for the slide: title, date
span, location precision, source, north arrow, scale bar and attribution, the interactive
controls hidden. The PDF pack is an HTML document of a few A4 landscape pages (maps as
PNG, tables and a chart as text and SVG) printed by the same browser, so its text can be
searched and copied and its fonts (DejaVu for Latin and Cyrillic, WenQuanYi Zen Hei for
Chinese) are embedded.

Everything shown comes from the inputs as given: pass data that already went through
:func:`landmap.privacy.protect`, and the files hold no finer location than that.
"""

from __future__ import annotations

import base64
import concurrent.futures
import html
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
from branca.element import MacroElement, Template

from landmap._arrow import value_counts
from landmap.i18n import Language, Text, language
from landmap.io.exports import COLUMN_HEADERS
from landmap.maps.legend import SIDE_WIDTH
from landmap.maps.offline import standalone_html

__all__ = [
    "SIZES",
    "BriefingData",
    "ExportUnavailable",
    "animated_gif",
    "briefing_pack",
    "build_briefing",
    "chromium_path",
    "density_text",
    "install_hint",
    "map_png",
    "year_maps",
    "year_player_html",
    "year_sequence",
]

#: Output sizes in pixels: a 1080p projector, and A4 landscape at 200 dpi.
SIZES = {"projector": (1920, 1080), "a4": (2339, 1654), "pack": (2400, 1400)}
# CSS viewport and scale giving those sizes with text large enough to read on them.
_VIEWS = {"projector": ((1280, 720), 1.5), "a4": ((1170, 827), 2.0), "pack": ((1200, 700), 2.0)}
_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
_FONTS = '"DejaVu Sans", "WenQuanYi Zen Hei", "Noto Sans CJK SC", sans-serif'


class ExportUnavailable(RuntimeError):
    """PNG and PDF exports cannot run here; the message says what to install."""


def chromium_path() -> str | None:
    """Debian's Chromium (or ``$LANDMAP_CHROMIUM``), or ``None`` when not installed."""
    for candidate in (os.environ.get("LANDMAP_CHROMIUM"), *_CANDIDATES):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def install_hint() -> Text:
    """What to install for the exports, in one sentence."""
    return Text("Map PNG and PDF exports need Debian's Chromium and fonts: run "
                "'sudo apt-get install chromium fonts-dejavu-core fonts-wqy-zenhei' on the "
                "server (python3 tasks.py start does it when run as root).")


def _with_browser(work: Callable) -> bytes:
    """Run ``work(browser)`` in a fresh thread with a headless Chromium.

    Playwright's sync API refuses to run in a thread with an asyncio loop (Streamlit's
    server thread has one), so the browser always gets a thread of its own.
    """
    path = chromium_path()
    if path is None:
        raise ExportUnavailable(install_hint())

    def run() -> bytes:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=path, args=_ARGS)
            try:
                return work(browser)
            finally:
                browser.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


# ----------------------------------------------------------------------------- map frame
class _Frame(MacroElement):
    """Title box, north arrow and attribution drawn over an exported map."""

    _template = Template("""
{% macro header(this, kwargs) %}
<script>window.lmPadTop = 96;</script>
<style>
.leaflet-control-zoom, .leaflet-control-layers, .leaflet-control-fullscreen,
.leaflet-control-attribution, .lm-home { display: none !important; }
.lm-export-title { position: absolute; top: 10px; left: 10px; z-index: 1000;
  background: rgba(255,255,255,.94); padding: 8px 12px; border-radius: 6px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); font: 14px/1.35 {{ this.fonts }}; max-width: 55%; }
.lm-export-title h1 { font-size: 22px; margin: 0 0 2px; }
.lm-export-north { position: absolute; top: 10px; right: 14px; z-index: 1000;
  font: 700 18px/1 {{ this.fonts }}; text-align: center; background: rgba(255,255,255,.9);
  border-radius: 6px; padding: 4px 8px; }
.lm-export-north svg { display: block; margin: 0 auto 2px; }
body.lm-with-side .lm-export-north { right: {{ this.side + 14 }}px; }
.lm-export-credit { position: absolute; bottom: 4px; left: 50%; transform: translateX(-50%);
  z-index: 1000; font: 11px {{ this.fonts }}; color: #333;
  background: rgba(255,255,255,.85); padding: 1px 6px; border-radius: 3px; }
.leaflet-container, .lm-legend { font-family: {{ this.fonts }} !important; }
</style>
{% endmacro %}
{% macro html(this, kwargs) %}
<div class="lm-export-title"><h1>{{ this.heading }}</h1>{{ this.lines }}</div>
<div class="lm-export-north"><svg width="22" height="30" viewBox="0 0 22 30">
<path d="M11 0 L21 28 L11 21 L1 28 Z" fill="#222"/></svg>N</div>
<div class="lm-export-credit">{{ this.credit }}</div>
{% endmacro %}
""")

    def __init__(self, heading: str, lines: list[str], credit: str):
        super().__init__()
        self._name = "ExportFrame"
        self.heading = html.escape(heading)
        self.lines = "".join(f"<div>{html.escape(line)}</div>" for line in lines)
        self.credit = html.escape(credit)
        self.fonts = _FONTS
        self.side = SIDE_WIDTH  # the legend's panel: the arrow stays on the map


def _credit(lang: Language) -> str:
    return lang.gettext("Countries and border: Natural Earth 1:10m · park outlines "
                        "approximate · map: landmap, Leaflet")


def _shoot(browser, page_html: str, size: str) -> bytes:
    (width, height), scale = _VIEWS[size]
    page = browser.new_page(viewport={"width": width, "height": height},
                            device_scale_factor=scale)
    try:
        page.set_content(page_html, wait_until="load")
        page.wait_for_selector("path.lm-border", timeout=30_000)
        page.wait_for_timeout(400)  # marker clusters settle after the first frame
        shot = page.screenshot()
    finally:
        page.close()
    return _cropped(shot, SIZES[size])


def _cropped(png: bytes, size: tuple[int, int]) -> bytes:
    """Trim the screenshot to the exact size (A4 at 200 dpi is 2,339 px: an odd number no
    whole CSS width reaches at twice the pixel density)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    if image.size == size:
        return png
    out = io.BytesIO()
    image.crop((0, 0, *size)).save(out, format="PNG", optimize=True)
    return out.getvalue()


def _framed_html(m: folium.Map, heading: str, lines: list[str],
                 lang: Language | None = None) -> str:
    _Frame(heading, lines, _credit(lang or language("en"))).add_to(m)
    return standalone_html(m, title=heading)


def map_png(m: folium.Map, heading: str, lines: list[str], size: str = "projector",
            lang: Language | None = None) -> bytes:
    """A map as a PNG of :data:`SIZES` ``[size]`` pixels, framed for a slide or print.

    Parameters
    ----------
    m : folium.Map
        A map from :mod:`landmap.maps` (its legend states the location precision).
        The frame is added to it.
    heading : str
        The title printed on the map.
    lines : list of str
        Lines under the title: date span, precision, data source.
    size : {"projector", "a4"}
    lang : Language, optional
        Language of the frame's credit line (English by default); the map, heading and
        lines come already written in it.

    Raises
    ------
    ExportUnavailable
        When Chromium is not installed (the message says what to install).
    """
    if size not in SIZES:
        raise ValueError(f"size={size!r}: use one of {', '.join(SIZES)}.")
    page_html = _framed_html(m, heading, lines, lang or language("en"))
    return _with_browser(lambda browser: _shoot(browser, page_html, size))


# ----------------------------------------------------------------------------- the pack
@dataclass
class BriefingData:
    """Everything the pack shows, already filtered and at the export precision."""

    title: str
    span: str
    precision: str
    source: str
    headline: dict[str, str]
    population: pd.DataFrame
    sides: pd.DataFrame
    crossings: pd.DataFrame
    ranges: gpd.GeoDataFrame
    effort: dict[str, str]
    maps: dict[str, Callable[[], folium.Map]]
    notes: list[str] = field(default_factory=list)
    lang: Language = field(default_factory=lambda: language("en"))
    #: Leopards per year and side over every year of the survey (the trend the chart
    #: draws, the selected years highlighted); by default ``sides``.
    trend: pd.DataFrame | None = None
    #: One Overview map per selected year (the year player's frames), in year order.
    sequence: dict[int, Callable[[], folium.Map]] = field(default_factory=dict)
    #: The photo of the selection: a JPEG without metadata and its caption.
    photo: tuple[bytes, str] | None = None


def _table(frame: pd.DataFrame, columns: dict[str, str], number_format: dict | None = None
           ) -> str:
    number_format = number_format or {}
    head = "".join(f"<th>{html.escape(label)}</th>" for label in columns.values())
    rows = []
    for record in frame[list(columns)].itertuples(index=False):
        cells = []
        for name, value in zip(columns, record, strict=True):
            text = number_format.get(name, "{}").format(value) if pd.notna(value) else ""
            cells.append(f"<td>{html.escape(text)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _bar_chart(sides: pd.DataFrame, t: Callable[[str], str],
               selected: tuple[int, int] | None = None) -> str:
    """Leopards per year as stacked bars (Russia only, China only, both), as SVG; years
    outside ``selected`` are drawn pale, so the selection stands in its trend."""
    if sides.empty:
        empty = t("No leopards in the selection.")
        return f"<p>{html.escape(empty)}</p>"
    parts = [(t("Russia only"), sides["russia"] - sides["both"], "#0072B2"),
             (t("China only"), sides["china"] - sides["both"], "#D55E00"),
             (t("Both sides"), sides["both"], "#CC79A7")]
    width, height, left, bottom = 1000, 300, 40, 30
    top = max(float((sides["russia"] + sides["china"] - sides["both"]).max()), 1.0)
    step = (width - left) / len(sides)
    years = sides["year"].to_numpy()
    chosen = (years >= selected[0]) & (years <= selected[1]) if selected else years == years
    bars = []
    base = [0.0] * len(sides)
    for _, values, colour in parts:
        for i, v in enumerate(values.to_numpy()):
            h = (height - bottom - 10) * float(v) / top
            y = height - bottom - (height - bottom - 10) * base[i] / top - h
            fade = "" if chosen[i] else ' fill-opacity="0.28"'
            bars.append(f'<rect x="{left + i * step + 4:.1f}" y="{y:.1f}" '
                        f'width="{step - 8:.1f}" height="{h:.1f}" fill="{colour}"{fade}/>')
            base[i] += float(v)
    bold = [' font-weight="700"' if c else "" for c in chosen]
    labels = "".join(
        f'<text x="{left + (i + 0.5) * step:.1f}" y="{height - 10}" font-size="12" '
        f'text-anchor="middle"{bold[i]}>{int(y)}</text>' for i, y in enumerate(years))
    totals = "".join(
        f'<text x="{left + (i + 0.5) * step:.1f}" y="{height - bottom - (height - bottom - 10) * b / top - 3:.1f}" '  # noqa: E501
        f'font-size="11" text-anchor="middle">{int(b)}</text>' for i, b in enumerate(base))
    key = "".join(f'<span class="key"><i style="background:{c}"></i>{html.escape(n)}</span>'
                  for n, _, c in parts)
    return (f'<svg viewBox="0 0 {width} {height}" width="100%" role="img">{"".join(bars)}'
            f"{labels}{totals}</svg><div>{key}</div>")


_PACK_CSS = f"""
@page {{ size: A4 landscape; margin: 11mm 13mm; }}
body {{ font: 11pt/1.35 {_FONTS}; color: #111; margin: 0; }}
section {{ page-break-after: always; }}
figure.photo {{ margin: 0; text-align: center; }}
figure.photo img {{ max-width: 100%; max-height: 150mm; }}
figure.photo figcaption {{ font-size: 10pt; color: #444; }}
section:last-child {{ page-break-after: auto; }}
h1 {{ font-size: 20pt; margin: 0 0 2pt; }} h2 {{ font-size: 15pt; margin: 0 0 4pt; }}
.meta {{ color: #444; font-size: 10pt; margin-bottom: 4pt; }}
.numbers {{ display: flex; gap: 18pt; margin: 2pt 0 4pt; }}
.numbers div {{ font-size: 9.5pt; color: #444; }} .numbers b {{ display: block;
  font-size: 18pt; line-height: 1.1; color: #111; }}
/* a map is a slide: the page's whole width, or the height left under its heading */
img.map {{ display: block; width: 100%; height: auto; max-height: 172mm;
  object-fit: contain; object-position: left top; }}
img.map.under-numbers {{ max-height: 152mm; }}
table {{ border-collapse: collapse; font-size: 8.5pt; width: 100%; }}
thead {{ display: table-header-group; }} tr {{ page-break-inside: avoid; }}
td {{ white-space: nowrap; }}
th, td {{ border: 1px solid #bbb; padding: 2pt 4pt; text-align: left; }}
th {{ background: #eee; }}
.cols {{ display: flex; gap: 10pt; }} .cols > div {{ flex: 1; }}
.key {{ margin-right: 12pt; font-size: 9pt; }} .key i {{ display: inline-block; width: 10pt;
  height: 10pt; margin-right: 3pt; vertical-align: middle; }}
p {{ margin: 0 0 5pt; }}
"""


def _img(png: bytes, alt: str, under_numbers: bool = False) -> str:
    data = base64.b64encode(png).decode()
    kind = "map under-numbers" if under_numbers else "map"
    return (f'<img class="{kind}" alt="{html.escape(alt)}" '
            f'src="data:image/png;base64,{data}">')


def _pack_html(d: BriefingData, shots: dict[str, bytes]) -> str:
    lang = d.lang
    t = lang.gettext
    e = html.escape
    meta = e(t("{span} · {precision} · data: {source}").format(
        span=d.span, precision=d.precision, source=d.source))
    numbers = "".join(f"<div>{e(k)}<b>{e(v)}</b></div>" for k, v in d.headline.items())
    pop = _table(d.population, {"year": t("Year"), "individuals": t("Individuals"),
                                "new_individuals": t("New"),
                                "females_with_cubs": t("Females with cubs"),
                                "cubs": t("Cubs")})

    def share(values: pd.Series) -> list:
        return [lang.percent(v, 0) if pd.notna(v) else None for v in values]

    # Every row the pack promises: long tables continue on the next pages (their header
    # repeated), none is cut to "... and N more".
    cross = _table(d.crossings.assign(
        status=lambda f: f["status"].map(t),
        kde95_share_rus=lambda f: share(f["kde95_share_rus"]),
        kde95_share_chn=lambda f: share(f["kde95_share_chn"])), {
        c: t(COLUMN_HEADERS[c]) for c in ("individualID", "status", "crossings",
                                          "detections_rus", "detections_chn",
                                          "kde95_share_rus", "kde95_share_chn")})
    drawn = d.ranges[d.ranges.geometry.notna()] if len(d.ranges) else d.ranges
    areas = _table(drawn.drop(columns="geometry").assign(
        area_km2=lambda f: [lang.number(a, 1) for a in f["area_km2"]]), {
        c: t(COLUMN_HEADERS[c]) for c in ("individualID", "method", "level", "n_locations",
                                          "n_stations", "area_km2")},
        {"level": "{:g}"}) if len(drawn) else \
        "<p>" + e(t("No range could be drawn for the selection.")) + "</p>"
    effort = "".join(f"<div>{e(k)}<b>{e(v)}</b></div>" for k, v in d.effort.items())
    notes = "".join(f"<p>{e(n)}</p>" for n in d.notes)
    # Headings outside the f-string: Babel's extractor does not look inside f-strings.
    heads = {key: e(text) for key, text in (
        ("years", t("Leopards photographed per year")),
        ("minimum", t("Minimum counts: distinct identified animals photographed; cameras "
                      "miss animals.")),
        ("border", t("Across the Russia–China border")), ("ranges", t("Home ranges")),
        ("effort", t("Trap effort")), ("sources", t("Sources and methods")),
        ("by_year", t("Year by year")))}
    alt = {"overview": t("Overview map"), "border": t("Cross-border map"),
           "ranges": t("Home ranges"), "effort": t("Trap density map")}
    first, last = (int(d.population["year"].min()), int(d.population["year"].max())) \
        if len(d.population) else (None, None)
    chart = _bar_chart(d.trend if d.trend is not None else d.sides, t,
                       (first, last) if first is not None else None)
    photo = "" if d.photo is None else (
        '<section><h2>{head}</h2><figure class="photo"><img alt="{caption}" '
        'src="data:image/jpeg;base64,{data}"><figcaption>{caption}</figcaption></figure>'
        '</section>').format(head=e(t("Photo of the selection")), caption=e(d.photo[1]),
                             data=base64.b64encode(d.photo[0]).decode())
    sequence = "".join(
        '<section><h2>{head}: {year}</h2>{img}</section>'.format(
            head=heads["by_year"], year=year,
            img=_img(shots["year-" + str(year)], alt["overview"] + " " + str(year)))
        for year in d.sequence)
    return f"""<!DOCTYPE html><html lang="{lang.code}"><head><meta charset="utf-8">
<title>{e(d.title)}</title><style>{_PACK_CSS}</style></head><body>
<section><h1>{e(d.title)}</h1><div class="meta">{meta}</div>
<div class="numbers">{numbers}</div>{_img(shots["overview"], alt["overview"], True)}</section>
{photo}
<section><h2>{heads["years"]}</h2>{chart}{pop}
<p class="meta">{heads["minimum"]}</p></section>
{sequence}
<section><h2>{heads["border"]}</h2>{_img(shots["border"], alt["border"])}</section>
<section><h2>{heads["border"]}</h2>{cross}</section>
<section><h2>{heads["ranges"]}</h2>{_img(shots["ranges"], alt["ranges"])}</section>
<section><h2>{heads["ranges"]}</h2>{areas}</section>
<section><h2>{heads["effort"]}</h2><div class="numbers">{effort}</div>
{_img(shots["effort"], alt["effort"], True)}</section>
<section><h2>{heads["sources"]}</h2>{notes}</section>
</body></html>"""


def briefing_pack(data: BriefingData) -> bytes:
    """The briefing pack as a PDF: overview, population by year, cross-border, home
    ranges, trap effort, and a sources and methods page.

    ``data.maps`` holds functions building the four maps (``overview``, ``border``,
    ``ranges``, ``effort``); they are rendered at print size and embedded as images.

    Raises
    ------
    ExportUnavailable
        When Chromium is not installed.
    """
    pages = {name: _framed_html(build(), data.title, [data.span, data.precision], data.lang)
             for name, build in data.maps.items()}
    pages |= {f"year-{year}": _framed_html(build(), data.title, [str(year), data.precision],
                                           data.lang)
              for year, build in data.sequence.items()}

    def work(browser) -> bytes:
        shots = {name: _shoot(browser, page_html, "pack") for name, page_html in pages.items()}
        page = browser.new_page()
        try:
            page.set_content(_pack_html(data, shots), wait_until="load")
            return page.pdf(format="A4", landscape=True, print_background=True)
        finally:
            page.close()

    return _with_browser(work)


def year_maps(release, lang: Language | None = None) -> dict[int, Callable[[], folium.Map]]:
    """One Overview map per year of a release's span, drawn to one circle scale, so that
    a circle's size means the same count in every year (the year player's frames).

    Returns functions building the maps (by year, in order); :func:`year_sequence`
    renders them, :func:`build_briefing` puts them in the pack.
    """
    from landmap.maps import overview_map
    from landmap.maps.circles import busiest
    from landmap.maps.overview import overview_largest

    lang = lang or language("en")
    view = release.view()
    first, last = view.year_span
    scale = busiest(view, (first, last), overview_largest)
    heading = lang.gettext("Amur leopard camera traps, {span}")

    def frame(year: int) -> Callable[[], folium.Map]:
        return lambda: overview_map(view.filter(years=(year, year)), lang=lang, scale=scale,
                                    title=heading.format(span=year))

    return {year: frame(year) for year in range(first, last + 1)}


def year_sequence(release, size: str = "projector", lang: Language | None = None
                  ) -> list[tuple[int, bytes]]:
    """The year player's frames as PNGs: ``(year, png)`` for each year of the span.

    Each frame is the year's Overview map (:func:`year_maps`) framed like
    :func:`map_png`, its title and first line naming the year. One browser draws them all.

    Raises
    ------
    ExportUnavailable
        When Chromium is not installed.
    """
    if size not in SIZES:
        raise ValueError(f"size={size!r}: use one of {', '.join(SIZES)}.")
    lang = lang or language("en")
    precision = lang.text(release.precision.label)
    pages = {year: _framed_html(build(), lang.gettext("Amur leopard camera traps, {span}")
                                .format(span=year), [str(year), precision], lang)
             for year, build in year_maps(release, lang).items()}
    return _with_browser(lambda browser: [(year, _shoot(browser, page, size))
                                          for year, page in pages.items()])


def year_player_html(release, lang: Language | None = None, seconds: float = 2.0) -> str:
    """The year player as one HTML file that plays with no server and no network.

    The frames are :func:`year_maps` (one Overview map per year, one circle scale), each
    with Leaflet inlined (:func:`landmap.maps.offline.standalone_html`), stepped through
    by :func:`landmap.maps.flipbook.flipbook_html`: play, pause, step, speed. Needs no
    browser on the machine that writes it.

    Examples
    --------
    >>> from landmap import load_demo
    >>> from landmap.privacy import Precision, Release
    >>> s = load_demo().filter(years=(2020, 2021))
    >>> html = year_player_html(Release(s, Precision.parse("5")))
    >>> html.count('"label": "202'), "cdn.jsdelivr" in html
    (2, False)
    """
    from landmap.maps.flipbook import flipbook_html

    lang = lang or language("en")
    heading = lang.gettext("Amur leopard camera traps, {span}")
    frames = [(str(year), standalone_html(build(), title=heading.format(span=year)))
              for year, build in year_maps(release, lang).items()]
    return flipbook_html(frames, seconds=seconds, lang=lang)


def animated_gif(frames: list[bytes], seconds: float = 1.5) -> bytes:
    """PNG frames as one looping animated GIF, ``seconds`` per frame (Pillow; no ffmpeg).

    Examples
    --------
    >>> from PIL import Image
    >>> def png(colour):
    ...     out = io.BytesIO(); Image.new("RGB", (8, 8), colour).save(out, "PNG")
    ...     return out.getvalue()
    >>> gif = Image.open(io.BytesIO(animated_gif([png("red"), png("blue")], 0.5)))
    >>> gif.n_frames, gif.info["duration"], gif.info["loop"]
    (2, 500, 0)
    """
    from PIL import Image

    if not frames:
        raise ValueError("frames: an animation needs at least one frame.")
    images = [Image.open(io.BytesIO(f)).convert("RGB") for f in frames]
    # one palette, taken from all frames, keeps the colours steady from year to year
    thumbs = [im.resize((max(1, im.width // 4), max(1, im.height // 4))) for im in images]
    strip = Image.new("RGB", (sum(th.width for th in thumbs), max(th.height for th in thumbs)))
    x = 0
    for th in thumbs:
        strip.paste(th, (x, 0))
        x += th.width
    palette = strip.quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    frames_p = [im.quantize(palette=palette, dither=Image.Dither.NONE) for im in images]
    out = io.BytesIO()
    frames_p[0].save(out, format="GIF", save_all=True, append_images=frames_p[1:],
                     duration=round(seconds * 1000), loop=0, optimize=False, disposal=1)
    return out.getvalue()


#: Most individuals whose ranges the pack draws (the most detected, unless chosen).
PACK_RANGES = 8


def density_text(density, lang: Language | None = None) -> str:
    """"1.62 (1.35–1.96)": a density per 100 km² with its 95 % interval, in ``lang``."""
    n = (lang or language("en")).number
    return (f"{n(density.density_100km2, 2)} ({n(density.lcl_100km2, 2)}–"
            f"{n(density.ucl_100km2, 2)})")


def build_briefing(release, title: str, individuals: list[str] | None = None,
                   lang: Language | None = None, density=None,
                   sequence: bool = False, photo: tuple[bytes, str] | None = None
                   ) -> BriefingData:
    """Gather what the pack shows from a :class:`~landmap.privacy.Release`: analyses on
    the exact data, every table and map at the release's precision.

    ``individuals`` are the animals whose home ranges are drawn; by default the
    :data:`PACK_RANGES` most detected ones. ``lang`` is the language of every text, number
    and date in the pack (English by default). ``density``, a
    :class:`~landmap.density.DensityEstimate` of the selected year, adds "density (95 %
    interval)" to the headline and a note on how it was estimated. ``sequence=True`` adds
    a page per selected year with its Overview map (:func:`year_maps`). ``photo``, a
    picture without metadata and its caption (:func:`landmap.io.images.clean_image`;
    choose one the release's readers may see, :func:`landmap.media.viewable`), adds a
    page with it after the overview.
    """
    from landmap.border import cross_border_by_year, crossings_by_individual
    from landmap.effort import coverage, coverage_gaps, effort_grid
    from landmap.home_range import home_ranges
    from landmap.maps import cross_border_map, density_map, home_range_map, overview_map
    from landmap.observations import detections
    from landmap.population import yearly_population
    from landmap.survey import headline

    view = release.view()
    first, last = view.year_span
    exact_ranges = home_ranges(release.exact, levels=(95,))
    kde = release.protect(exact_ranges)
    crossings = crossings_by_individual(release.exact, ranges=exact_ranges)
    population = release.compute(yearly_population, all_years=True)
    population = population[population["year"].between(first, last)]
    if not individuals:
        seen = detections(view.observations)["individualID"]
        individuals = value_counts(seen[seen != ""]).index[:PACK_RANGES].tolist()
    chosen = kde[kde["individualID"].isin(individuals)]
    cell = max(5, release.precision.cell_km or 5)
    grid = release.compute(effort_grid, cell_km=cell, by_year=False)
    try:
        gaps, covered = release.compute(coverage_gaps, cell_km=cell), coverage(release.exact)
    except ValueError:  # no station near the park (a package recorded elsewhere)
        gaps = covered = None
    h = headline(release.exact)
    lang = lang or language("en")
    t, n = lang.gettext, lang.number
    now = pd.Timestamp.now("UTC")
    precision = lang.text(release.precision.label)
    notes = [
        # The package's title, not where it lies: a server path has no place in a handout.
        t("Data: {title}").format(
            title=release.exact.metadata.get("title", Path(str(release.exact.source)).name)),
        t("Counts are minimum counts: the number of distinct identified animals photographed "
          "in the span; cameras miss animals, so the true number is at least this."),
        t("Home ranges: independent detections (the same animal at the same station within "
          "30 minutes counts once) at the station coordinates; kernel density (bivariate "
          "normal kernel, reference bandwidth href as in adehabitatHR) 95 % isopleths and "
          "minimum convex polygons, areas computed in UTM on the exact locations."),
        t("Cross-border: a station's country is the Natural Earth 1:10m polygon it stands "
          "in; crossings are changes of country between consecutive independent detections "
          "(a minimum)."),
        t("Location precision: {precision}.").format(precision=precision) + " "
        + (t("Each station is shown at the centre of its grid cell and each range as the "
             "line where it covers half of a cell, drawn between the cells' centres; no "
             "exact location is in this document.")
           if not release.precision.exact else
           t("Exact locations: do not share this document outside the team.")),
        t("Boundaries: countries and the Russia–China border from Natural Earth 1:10m; park "
          "outlines are approximate, built from published areas."),
        t("Made with landmap on {date}, {time} UTC.").format(date=lang.date(now.date()),
                                                            time=f"{now:%H:%M}"),
    ]
    span = view.span_label
    headline_numbers = {
        t("Camera stations"): n(h.stations),
        f'{t("Trap-nights")} ({t("camera-days")})': n(h.trap_nights),
        t("Leopard detections"): n(h.detections), t("Individuals"): n(h.individuals)}
    if density is not None:
        headline_numbers[t("Leopards per 100 km² (95 % interval)")] = density_text(density,
                                                                                   lang)
        notes.insert(1, t(
            "Density: spatially explicit capture–recapture of the identified adults of "
            "{label} (stations as proximity detectors, one-day occasions), {n} animals; "
            "95 % interval log-normal.").format(label=density.label, n=n(density.n)))
    return BriefingData(
        title=title, span=span, precision=precision,
        source=str(release.exact.metadata.get("title", Path(str(release.exact.source)).name)),
        # the pack counts camera-days, as the dashboard does unless asked otherwise
        headline=headline_numbers,
        population=population, sides=release.compute(cross_border_by_year),
        trend=release.compute(cross_border_by_year, all_years=True),
        sequence=year_maps(release, lang) if sequence and first < last else {},
        crossings=crossings, ranges=chosen,
        effort={f'{t("Trap-nights")} ({t("camera-days")})': n(grid["trap_nights"].sum()),
                t("{size} km cells with cameras").format(size=cell): n(len(grid)),
                t("Park within 3 km of a camera"):
                    "–" if covered is None else lang.percent(covered["share"], 0),
                t("Park cells with no camera"): "–" if gaps is None else n(len(gaps))},
        maps={"overview": lambda: overview_map(view, title=title, lang=lang),
              "border": lambda: cross_border_map(view, crossings, kde, lang=lang),
              "ranges": lambda: home_range_map(view, chosen, lang=lang),
              "effort": lambda: density_map(view, grid, gaps, "trap_nights", lang=lang)},
        notes=notes, lang=lang, photo=photo,
    )

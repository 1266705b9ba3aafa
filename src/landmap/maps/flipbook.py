"""The year player: one map per year, stepped through in the browser.

A page that redraws its map for each year waits for the server and for Leaflet to
build the map again at every step (half a second to a second). The flip-book holds
every year's map at once, each in its own frame stacked over the others, and only
shows another one at each step, so a step costs what the browser needs to make a
frame visible. All frames share the view: once they are drawn, each is fitted to the
places of every frame together, and a step carries the current view (zoom, centre)
over to the next frame, so the map does not jump while the years change.

The frames are the maps the pages draw for one year (with their own legends), so the
flip-book needs no map code of its own, and it works offline like them: its controls
are plain HTML and script, and the frames load landmap's own copy of Leaflet.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from landmap.i18n import N_, Language, language

__all__ = ["PLAYER_SPEEDS", "flipbook_html"]

#: Seconds per year the player offers; the first is the default.
PLAYER_SPEEDS = (2.0, 1.0, 4.0, 0.5)

_TEXTS = {
    "play": N_("Play"),
    "pause": N_("Pause"),
    "back": N_("Previous year"),
    "forward": N_("Next year"),
    "speed": N_("Seconds per year"),
    "per_year": N_("{s} s per year"),
    "preparing": N_("Preparing the frames: {i} of {n}"),
    "position": N_("Year {i} of {n}"),
    "keys": N_("Space plays or pauses; the arrow keys step"),
}


def flipbook_html(frames: Sequence[tuple[str, str]], *, seconds: float = PLAYER_SPEEDS[0],
                  lang: Language | None = None, autoplay: bool = True,
                  min_height: int = 420) -> str:
    """A page that plays maps one after another: the year player's flip-book.

    Parameters
    ----------
    frames : sequence of (label, html)
        One entry per frame in playing order: its label (the year, shown large above
        the map) and the complete HTML of its map (``folium.Map.get_root().render()``
        or :func:`landmap.maps.offline.standalone_html`).
    seconds : float
        Seconds each frame is shown while playing (one of :data:`PLAYER_SPEEDS`
        preferably; the list offered always includes it).
    lang : Language, optional
        Language of the controls (English by default).
    autoplay : bool
        Start playing once every frame has been drawn.
    min_height : int
        In the dashboard the flip-book (its control bar and the map) grows to the
        bottom of the window, to no less than this many pixels.

    Returns
    -------
    str
        A complete HTML document. In the browser, ``document.body.dataset.shown`` is the
        label of the frame on show and ``dataset.ready`` is ``"1"`` once every frame is
        drawn.

    Examples
    --------
    >>> html = flipbook_html([("2020", "<p>map of 2020</p>"), ("2021", "<p>2021</p>")])
    >>> html.count('"label"')
    2
    """
    if not frames:
        raise ValueError("flipbook_html needs at least one frame")
    if seconds <= 0:
        raise ValueError(f"seconds must be positive, got {seconds}")
    lang = lang or language("en")
    texts = {k: lang.gettext(v) for k, v in _TEXTS.items()}
    speeds = sorted({*PLAYER_SPEEDS, float(seconds)})
    options = "".join(
        f'<option value="{s}"{" selected" if s == seconds else ""}>'
        f'{_escape(texts["per_year"].format(s=lang.number(s, 1 if s % 1 else 0)))}</option>'
        for s in speeds)
    data = _script_json([{"label": str(label), "html": html} for label, html in frames])
    settings = _script_json({"seconds": float(seconds), "autoplay": bool(autoplay),
                             "minHeight": int(min_height), "texts": texts})
    return (_PAGE.replace("{{lang}}", lang.code)
            .replace("{{first}}", _escape(str(frames[0][0])))
            .replace("{{options}}", options)
            .replace("{{speed}}", _escape(texts["speed"]))
            .replace("{{back}}", _escape(texts["back"]))
            .replace("{{forward}}", _escape(texts["forward"]))
            .replace("{{play}}", _escape(texts["play"]))
            .replace("{{keys}}", _escape(texts["keys"]))
            .replace("{{settings}}", settings)
            .replace("{{frames}}", data))


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _script_json(value) -> str:
    # Inside <script> only "</" can end the element early; "<\/" reads the same in JSON.
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


_PAGE = """<!DOCTYPE html>
<html lang="{{lang}}"><head><meta charset="utf-8">
<style>
html, body { margin: 0; height: 100%; font-family: system-ui, sans-serif; overflow: hidden; }
#lm-bar { display: flex; align-items: center; gap: .45rem; height: 52px; padding: 0 .2rem; }
#lm-bar button { font: 600 1rem system-ui, sans-serif; height: 2.3rem; min-width: 2.6rem;
  border: 1px solid #c4c4c4; border-radius: .45rem; background: #fff; cursor: pointer; }
#lm-bar button { display: inline-flex; align-items: center; justify-content: center;
  gap: .3rem; padding: 0 .6rem; }
#lm-bar svg { width: 1.1rem; height: 1.1rem; fill: #333; }
#lm-bar button:disabled { opacity: .45; cursor: default; }
#lm-bar select { height: 2.3rem; border: 1px solid #c4c4c4; border-radius: .45rem;
  background: #fff; font-size: .95rem; }
#lm-year { font: 700 2.4rem/1 system-ui, sans-serif; color: #b3202a; padding: 0 .5rem; }
#lm-status { color: #555; font-size: .9rem; }
#lm-stage { position: absolute; top: 52px; left: 0; right: 0; bottom: 0; }
#lm-stage iframe { position: absolute; inset: 0; width: 100%; height: 100%; border: 0;
  visibility: hidden; }
#lm-stage iframe.lm-shown { visibility: visible; }
</style></head>
<body data-shown="{{first}}" data-ready="0">
<div id="lm-bar" title="{{keys}}">
  <button id="lm-back" title="{{back}}" aria-label="{{back}}" disabled>
    <svg viewBox="0 0 24 24"><path d="M6 5h2v14H6zM20 5v14L9 12z"/></svg></button>
  <button id="lm-play" disabled><svg viewBox="0 0 24 24"><path d="M7 4v16l13-8z"/></svg>
    <span>{{play}}</span></button>
  <button id="lm-forward" title="{{forward}}" aria-label="{{forward}}" disabled>
    <svg viewBox="0 0 24 24"><path d="M16 5h2v14h-2zM4 5v14l11-7z"/></svg></button>
  <select id="lm-speed" title="{{speed}}" aria-label="{{speed}}">{{options}}</select>
  <span id="lm-year" class="lm-year" aria-live="polite">{{first}}</span>
  <span id="lm-status"></span>
</div>
<div id="lm-stage"></div>
<script type="application/json" id="lm-settings">{{settings}}</script>
<script type="application/json" id="lm-frames">{{frames}}</script>
<script>
(function () {
  var settings = JSON.parse(document.getElementById('lm-settings').textContent);
  var frames = JSON.parse(document.getElementById('lm-frames').textContent);
  var t = settings.texts, n = frames.length;
  var stage = document.getElementById('lm-stage'), year = document.getElementById('lm-year');
  var status = document.getElementById('lm-status'), play = document.getElementById('lm-play');
  var back = document.getElementById('lm-back'), forward = document.getElementById('lm-forward');
  var speed = document.getElementById('lm-speed');
  var PLAY = '<svg viewBox="0 0 24 24"><path d="M7 4v16l13-8z"/></svg>';
  var PAUSE = '<svg viewBox="0 0 24 24"><path d="M6 4h4v16H6zM14 4h4v16h-4z"/></svg>';
  var iframes = [], shown = 0, timer = null, ready = false, moved = false;

  function view(i) {
    try { return iframes[i].contentWindow.lmView || null; } catch (e) { return null; }
  }
  function say(text) { status.textContent = text; }
  // Frames are drawn one after another, not all at once, so the first shows at once.
  function draw(i) {
    var f = document.createElement('iframe');
    f.title = 'lm-frame ' + frames[i].label;
    f.dataset.label = frames[i].label;
    if (i === 0) f.className = 'lm-shown';
    f.addEventListener('load', function () {
      var v = view(i);
      if (v) {
        v.map.on('dragstart zoomstart', function () { if (ready && i === shown) moved = true; });
      }
      if (i + 1 < n) { say(t.preparing.replace('{i}', i + 1).replace('{n}', n)); draw(i + 1); }
      else { allDrawn(); }
    });
    f.srcdoc = frames[i].html;
    stage.appendChild(f);
    iframes.push(f);
  }
  function union() {
    var s = 90, w = 180, nn = -90, e = -180, any = false;
    for (var i = 0; i < n; i++) {
      var v = view(i), b = v && v.data();
      if (!b) continue;
      any = true;
      s = Math.min(s, b[0][0]); w = Math.min(w, b[0][1]);
      nn = Math.max(nn, b[1][0]); e = Math.max(e, b[1][1]);
    }
    return any ? [[s, w], [nn, e]] : null;
  }
  function fitAll() {
    var b = union();
    if (!b) return;
    for (var i = 0; i < n; i++) { var v = view(i); if (v) v.fitTo(b); }
  }
  function allDrawn() {
    fitAll();
    ready = true;
    [back, play, forward].forEach(function (b) { b.disabled = false; });
    document.body.dataset.ready = '1';
    show(0);
    if (settings.autoplay && n > 1) start();
  }
  function show(i) {
    i = ((i % n) + n) % n;
    var from = view(shown), to = view(i);
    if (i !== shown && from && to) {
      to.map.setView(from.map.getCenter(), from.map.getZoom(), {animate: false});
    }
    iframes[shown].classList.remove('lm-shown');
    iframes[i].classList.add('lm-shown');
    shown = i;
    year.textContent = frames[i].label;
    document.body.dataset.shown = frames[i].label;
    say(t.position.replace('{i}', i + 1).replace('{n}', n));
  }
  function start() {
    stop();
    timer = setInterval(function () { show(shown + 1); }, parseFloat(speed.value) * 1000);
    play.innerHTML = PAUSE + '<span>' + t.pause + '</span>';
    document.body.dataset.playing = '1';
  }
  function stop() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    play.innerHTML = PLAY + '<span>' + t.play + '</span>';
    document.body.dataset.playing = '0';
  }
  play.addEventListener('click', function () { timer === null ? start() : stop(); });
  back.addEventListener('click', function () { stop(); show(shown - 1); });
  forward.addEventListener('click', function () { stop(); show(shown + 1); });
  speed.addEventListener('change', function () { if (timer !== null) start(); });
  document.addEventListener('keydown', function (ev) {
    if (!ready) return;
    if (ev.key === ' ') { ev.preventDefault(); play.click(); }
    else if (ev.key === 'ArrowRight') forward.click();
    else if (ev.key === 'ArrowLeft') back.click();
  });
  window.addEventListener('resize', function () { if (ready && !moved) fitAll(); });

  // In the dashboard the flip-book's own frame grows to the bottom of the window.
  var host = null;
  try { host = window.frameElement; } catch (e) { host = null; }
  if (host && window.parent && window.parent !== window) {
    var grow = function () {
      var top = host.getBoundingClientRect().top + window.parent.scrollY;
      var h = Math.max(settings.minHeight, window.parent.innerHeight - top - 16);
      host.style.setProperty('height', h + 'px', 'important');
      // Streamlit gives the frame's box the height asked for in Python: it follows too
      if (host.parentElement) host.parentElement.style.setProperty('height', h + 'px', 'important');
    };
    grow();
    window.parent.addEventListener('resize', grow);
  }
  say(t.preparing.replace('{i}', 0).replace('{n}', n));
  draw(0);
})();
</script>
</body></html>
"""

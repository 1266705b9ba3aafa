"""Photos on the pages: the files this session may see, drawn as a grid of thumbnails.

Pictures reach the browser inside the page itself (``data:`` addresses of thumbnails
re-encoded without metadata), never as a file address: no link to a picture works
outside the signed-in session, and no file of the package is served as it is. Remote
pictures (``http(s)``) are links for analysts only; the server never fetches them.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from landmap.access import ANALYST
from landmap.app.cache import exact_selection, selection
from landmap.app.data import data_key, survey_exact
from landmap.app.signin import access, role
from landmap.app.state import _, lang, ngettext
from landmap.io.images import ImageProblem, clean_image, thumbnails
from landmap.io.sources import cache_root
from landmap.media import media_links, media_table, photos_of, selection_photo, viewable

#: Pictures drawn at once in one gallery (the rest are counted).
GALLERY_SIZE = 24
_THUMB = 360


def _thumbnail_folder() -> Path:
    return cache_root() / "thumbnails"


@st.cache_resource(max_entries=16, show_spinner=False)
def _files(key: tuple, _survey) -> tuple[pd.DataFrame, pd.DataFrame]:
    return media_table(_survey), media_links(_survey)


def session_photos(individual: str | None = None) -> pd.DataFrame:
    """The photos this session may see, with what they show, favourites first
    (:func:`landmap.media.photos_of`): of one individual in the selected years (whatever
    the other filters, so that any two animals can be compared), or of the selection."""
    whole = survey_exact()
    table, links = _files(data_key(whole), whole)
    seen = viewable(table, role(), show_viewers=access().viewer_media)
    survey = exact_selection(all_years=False)
    if individual is not None:
        shown = photos_of(whole, individual, table=seen, links=links)
    else:
        shown = photos_of(survey, table=seen, links=links)
        shown = shown[shown["deploymentID"].isin(survey.deployments["deploymentID"])]
    first, last = survey.year_span
    return shown[shown["year"].between(first, last)].reset_index(drop=True)


def photos_at(lat: float, lng: float, species: list[str]) -> tuple[list[str], pd.DataFrame]:
    """The photos of ``species`` at the place of the selection nearest to a click.

    The place is taken from the selection as this session sees it: a viewer's click
    finds a generalised cell and gets the photos of every station in it. Returns the
    stations and their photos (those this session may see, favourites first).
    """
    shown = selection()
    places = shown.deployments.drop_duplicates("locationID")
    if places.empty:
        return [], session_photos().iloc[0:0]
    # metres on the ground, near enough at these latitudes for picking the nearest place
    dy = (places.geometry.y.to_numpy() - lat) * 111_320
    dx = (places.geometry.x.to_numpy() - lng) * 111_320 * np.cos(np.radians(lat))
    distance = np.hypot(dx, dy)
    nearest = distance.min()
    same = np.isclose(places.geometry.y.to_numpy(), places.geometry.y.to_numpy()[
        distance.argmin()]) & np.isclose(places.geometry.x.to_numpy(),
                                         places.geometry.x.to_numpy()[distance.argmin()])
    if nearest > 20_000:
        return [], session_photos().iloc[0:0]
    stations = sorted(places.loc[same, "locationID"])
    photos = session_photos()
    wanted = photos["species"].str.split(", ").map(lambda names: bool(set(names) & set(species)))
    return stations, photos[photos["locationID"].isin(stations) & wanted.astype(bool)]


def picked_place(key: str) -> dict | None:
    """Where the map of page ``key`` was last clicked for photos (None: no panel)."""
    return st.session_state.get(f"{key}-photos-at")


def place_panel(key: str, clicked: dict | None, column, species: list[str]) -> None:
    """The panel beside a map with the photos of ``species`` taken at the place clicked.

    The map reports its last click on every run: a click opens the panel once (one more
    run, so that the map makes room for it), and a panel closed stays closed until
    another circle is clicked. ``column`` is where the panel goes (None: no panel, as in
    briefing mode)."""
    place, seen = f"{key}-photos-at", f"{key}-last-click"
    if clicked and clicked != st.session_state.get(seen):
        st.session_state[seen] = st.session_state[place] = clicked
        st.rerun()
    picked = st.session_state.get(place)
    if column is None or picked is None:
        return
    with column:
        st.subheader(_("Photos"))
        stations, found = photos_at(picked["lat"], picked["lng"], species)
        if stations:
            st.caption(ngettext("Station {names}", "Stations {names}", len(stations))
                       .format(names=", ".join(stations)) if role() == ANALYST
                       else _("The stations of this place"))
        gallery(found, f"{key}-place", limit=12, columns=1)
        st.button(_("Close the photos"), key=f"{key}-close-photos", icon=":material/close:",
                  on_click=lambda: st.session_state.pop(place, None))


#: The photo a user pinned to stand for the selection (its mediaID).
PINNED = "photo_pinned"


def selection_photo_box():
    """The photo of the selection (pinned, else the first favourite) with a choice of
    another; returns that photo's row (None without photos) for the briefing pack."""
    shown = session_photos()
    chosen = selection_photo(shown, st.session_state.get(PINNED))
    if chosen is None:
        return None
    st.subheader(_("Photo of the selection"))
    gallery(shown[shown["mediaID"] == chosen.mediaID], "selection", limit=1, columns=1)
    options = shown[shown["file"].notna() & (shown["kind"] == "image")].head(200)
    captions = dict(zip(options["mediaID"], [_caption(r, role() == ANALYST) for r in
                                             options.itertuples(index=False)], strict=True))
    st.selectbox(_("Another photo"), list(captions), key=PINNED,
                 index=list(captions).index(chosen.mediaID) if chosen.mediaID in captions
                 else 0, format_func=captions.get,
                 help=_("The photo also goes into the briefing pack"))
    return chosen


def photo_for_pack(row):
    """A function giving the photo as the briefing pack takes it (a clean JPEG and its
    caption, or None), to be called when the pack is made, outside the page's run: the
    caption is written now, in the session's language and for its role."""
    if row is None:
        return lambda: None
    caption, path = _caption(row, role() == ANALYST), row.file

    def make():
        try:
            return clean_image(path, 1600), caption
        except ImageProblem:
            return None

    return make


def package_media() -> pd.DataFrame:
    """Every file the loaded package lists (:func:`landmap.media.media_table`), for the
    Data page's counts and problems; analysts only see this."""
    return _files(data_key(survey_exact()), survey_exact())[0]


def check_pictures(table: pd.DataFrame, progress=None) -> dict:
    """Open every local picture of ``table`` (making its thumbnail): row position ->
    the reason a picture cannot be shown."""
    local = table.index[table["file"].notna() & (table["kind"] == "image")]
    made = thumbnails(table.loc[local, "file"].tolist(), _THUMB, cache=_thumbnail_folder(),
                      progress=progress)
    return {int(position): result.reason for position, result in zip(local, made, strict=True)
            if isinstance(result, ImageProblem)}


def _caption(row, analyst: bool) -> str:
    country = {"RUS": _("Russia"), "CHN": _("China")}.get(row.country, row.country)
    where = f"{row.locationID}, {country}" if analyst else country
    when = f"{lang().date(row.local_time.date())} {row.local_time:%H:%M:%S}"
    star = "★ " if row.favorite else ""
    return f"{star}{row.subject} · {when} · {where}"


def gallery(photos: pd.DataFrame, key: str, limit: int = GALLERY_SIZE,
            columns: int = 4) -> None:
    """Draw up to ``limit`` photos as a grid (favourites first, as ``photos`` is sorted),
    each with what it shows, its date and camera time and its station (a viewer sees
    the side of the border only)."""
    if photos.empty:
        st.caption(_("No photos of this selection that you may see."))
        return
    analyst = role() == ANALYST
    rows = photos.head(limit)
    local = rows["file"].notna() & (rows["kind"] == "image")
    with st.spinner(_("Preparing the photos…")):
        made = thumbnails(rows.loc[local, "file"].tolist(), _THUMB, cache=_thumbnail_folder())
    pictures = dict(zip(rows.index[local], made, strict=True))
    # "2/3": the frame's place in its event's sequence
    if "event" in photos:
        frame = photos.groupby("event").cumcount().add(1).loc[rows.index]
        frames = photos.groupby("event")["event"].transform("size").loc[rows.index]
    else:
        frame = frames = pd.Series(1, index=rows.index)
    cells = []
    for index, row in zip(rows.index, rows.itertuples(index=False), strict=True):
        caption = _caption(row, analyst)
        if frames[index] > 1:
            caption += f" · {frame[index]}/{frames[index]}"
        caption = html.escape(caption)
        picture = pictures.get(index)
        if isinstance(picture, bytes):
            data = base64.b64encode(picture).decode()
            body = f'<img src="data:image/jpeg;base64,{data}" alt="{caption}">'
        elif row.kind == "video" and analyst and row.file is not None:
            body = _video(row)
        elif row.remote and analyst:
            body = (f'<a class="lm-remote" href="{html.escape(row.filePath)}" target="_blank" '
                    f'rel="noopener noreferrer">{html.escape(_("Open at its source"))}</a>')
        else:
            reason = (lang().text(picture.reason) if isinstance(picture, ImageProblem)
                      else lang().text(row.path_problem) if row.path_problem
                      else _("A {kind} file: not shown here").format(kind=row.kind))
            body = f'<div class="lm-missing">{html.escape(reason)}</div>'
        cells.append(f'<figure class="lm-photo" data-media="{html.escape(row.mediaID)}">'
                     f"{body}<figcaption>{caption}</figcaption></figure>")
    st.html(_STYLE.replace("{columns}", str(columns))
            + f'<div class="lm-gallery lm-gallery-{html.escape(key)}">{"".join(cells)}</div>')
    if len(photos) > limit:
        st.caption(_("Showing {shown} of {n} photos, favourites first.").format(
            shown=limit, n=lang().number(len(photos))))


#: Largest video embedded in a page (analysts only: its metadata stays in the file).
VIDEO_MB = 32


def _video(row) -> str:
    size = Path(row.file).stat().st_size
    if size > VIDEO_MB * 1024 * 1024:
        text = _("A video of {mb} MB: too large to show here").format(
            mb=lang().number(size / 1024 / 1024))
        return f'<div class="lm-missing">{html.escape(text)}</div>'
    data = base64.b64encode(Path(row.file).read_bytes()).decode()
    kind = html.escape(row.fileMediatype or "video/mp4")
    return f'<video controls preload="metadata" src="data:{kind};base64,{data}"></video>'


_STYLE = """<style>
.lm-gallery { display: grid; grid-template-columns: repeat({columns}, minmax(0, 1fr));
  gap: .6rem; }
.lm-photo { margin: 0; }
.lm-photo img, .lm-photo video { width: 100%; height: auto; border-radius: .3rem;
  display: block; }
.lm-photo figcaption { font-size: .8rem; color: #444; margin-top: .2rem; }
.lm-missing, .lm-remote { display: flex; align-items: center; justify-content: center;
  aspect-ratio: 16 / 9; background: #eee; color: #555; border-radius: .3rem;
  font-size: .85rem; padding: .4rem; text-align: center; }
</style>"""

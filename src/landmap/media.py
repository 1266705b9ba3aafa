"""Photos and videos behind the detections: the media table, read for people.

A Camtrap DP package lists its photos and videos in ``media.csv`` (one row per file:
deployment, time, path, whether it may be published, favourite). The survey keeps that
table as read (:attr:`landmap.survey.Kept.media`, written back unchanged on export);
this module gives the typed view the pages, the API and the ``landmap`` command use:

- :func:`media_table`: one row per file with its kind (image, video, audio), whether it
  is public, a favourite, remote (``http(s)``) or a file inside the package, and what is
  wrong with its path (outside the package, missing), if anything;
- :func:`media_links`: which observation each file shows, by the observation's
  ``mediaID`` (media-level observations) or by its deployment and time span (event-level
  observations, whose photos are the files taken at that camera during the event);
- :func:`media_of`: the files of some observations, favourites first;
- :func:`viewable`: the location policy applied to pictures. Viewers see only public,
  local files of events with no person or vehicle in them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from landmap.i18n import N_, Text

__all__ = ["MEDIA_KINDS", "MISSING", "file_problems", "media_counts", "media_links",
           "media_of", "media_path", "media_table", "photos_of", "selection_photo",
           "viewable"]

#: The kinds of file a camera trap records, from ``fileMediatype`` (``image/jpeg``).
MEDIA_KINDS = ("image", "video", "audio")

#: Why a local file cannot be shown when it is simply not in the package folder.
MISSING = N_("no such file in the package")

#: Observation types whose files are never shown to viewers (people, vehicles).
_PEOPLE = ("human", "vehicle")

_TRUE = {"true", "1"}

_COLUMNS = ["mediaID", "deploymentID", "locationID", "timestamp_utc", "timestamp_offset",
            "kind", "fileMediatype", "filePath", "fileName", "public", "favorite", "remote",
            "file", "path_problem", "captureMethod", "mediaComments", "people"]


def media_path(root: str | Path, file_path: str) -> tuple[Path | None, Text | None]:
    """The file a media row's ``filePath`` names inside the package folder ``root``.

    Returns ``(path, None)`` for a file inside the package, ``(None, None)`` for a remote
    file (``http://`` or ``https://``) and ``(None, reason)`` for a path landmap will not
    open: empty, absolute, leading out of the package (``..``, or a symbolic link whose
    target lies outside), another URL scheme, or no such file. Nothing outside ``root``
    is ever opened.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "media").mkdir(); _ = (root / "media" / "a.jpg").write_bytes(b"x")
    >>> media_path(root, "media/a.jpg")[0] == (root / "media" / "a.jpg").resolve()
    True
    >>> media_path(root, "https://example.org/a.jpg")
    (None, None)
    >>> str(media_path(root, "../etc/passwd")[1])
    'the path leads outside the package folder'
    """
    text = str(file_path or "").strip()
    if not text:
        return None, Text("the file path is empty")
    lower = text.lower()
    if lower.startswith(("http://", "https://")):
        return None, None
    if "://" in lower or lower.startswith(("file:", "data:")):
        return None, Text("only paths inside the package or http(s) addresses are read")
    relative = Path(text.replace("\\", "/"))
    if relative.is_absolute() or text.startswith(("/", "\\")) or ":" in relative.parts[0]:
        return None, Text("an absolute path: media must lie inside the package folder")
    base = Path(root).resolve()
    if ".." in relative.parts:
        return None, Text("the path leads outside the package folder")
    target = (base / relative).resolve()
    if not target.is_relative_to(base):
        # a symbolic link inside the package pointing out of it
        return None, Text("the path leads outside the package folder")
    if not target.is_file():
        return None, Text(MISSING)
    return target, None


def _flags(values: pd.Series) -> np.ndarray:
    text = values.fillna("").astype(str).str.strip().str.lower()
    return text.isin(_TRUE).to_numpy()


def media_table(survey) -> pd.DataFrame:
    """The survey's media, one row per file, typed for display.

    Parameters
    ----------
    survey : Survey
        A survey or a selection (its media are those of the selection).

    Returns
    -------
    pandas.DataFrame
        ``mediaID``, ``deploymentID``, ``locationID`` (the deployment's station),
        ``timestamp_utc``, ``timestamp_offset`` (minutes), ``kind`` (``image``,
        ``video``, ``audio`` or ``other``), ``fileMediatype``, ``filePath``, ``fileName``,
        ``public`` and ``favorite`` (booleans: anything but ``true`` is false, so a file
        whose flag cannot be read is never published), ``remote`` (an ``http(s)``
        address), ``file`` (the local file inside the package, or None), ``path_problem``
        (why a local file cannot be shown, or empty), ``captureMethod``,
        ``mediaComments`` and ``people`` (the file belongs to an observation of a person
        or a vehicle). Rows keep the order of ``media.csv``.

    Examples
    --------
    >>> from landmap import load_demo
    >>> m = media_table(load_demo())
    >>> sorted(m["kind"].unique())
    ['image']
    """
    raw = survey.kept.media
    if raw.empty or "mediaID" not in raw or "timestamp_utc" not in raw:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in _COLUMNS})
    root = Path(survey.source) if survey.source else None
    text = raw.reindex(columns=["mediaID", "deploymentID", "fileMediatype", "filePath",
                                "fileName", "captureMethod", "mediaComments"]).fillna("")
    text = text.astype(str)
    kind = text["fileMediatype"].str.split("/", n=1).str[0].str.lower()
    places = survey.deployments.drop_duplicates("deploymentID").set_index("deploymentID")
    out = pd.DataFrame({
        "mediaID": text["mediaID"].to_numpy(),
        "deploymentID": text["deploymentID"].to_numpy(),
        "locationID": text["deploymentID"].map(places["locationID"]).to_numpy(),
        "timestamp_utc": raw["timestamp_utc"].to_numpy(),
        "timestamp_offset": raw["timestamp_offset"].to_numpy(),
        "kind": np.where(kind.isin(MEDIA_KINDS), kind, "other"),
        "fileMediatype": text["fileMediatype"].to_numpy(),
        "filePath": text["filePath"].to_numpy(),
        "fileName": text["fileName"].to_numpy(),
        "public": _flags(raw.get("filePublic", pd.Series("", index=raw.index))),
        "favorite": _flags(raw.get("favorite", pd.Series("", index=raw.index))),
    })
    remote = text["filePath"].str.strip().str.lower().str.startswith(("http://", "https://"))
    out["remote"] = remote.to_numpy()
    files, problems = [], []
    # one look-up per distinct path (a sequence's frames are distinct, a repeated row not)
    looked: dict[str, tuple[Path | None, Text | None]] = {}
    for value in text["filePath"]:
        if value not in looked:
            looked[value] = (media_path(root, value) if root is not None
                             else (None, Text("the package folder is not known")))
        path, problem = looked[value]
        files.append(path)
        problems.append(problem or "")
    out["file"] = files
    out["path_problem"] = problems
    out["captureMethod"] = text["captureMethod"].to_numpy()
    out["mediaComments"] = text["mediaComments"].to_numpy()
    links = media_links(survey, people=True)
    out["people"] = out["mediaID"].isin(links.loc[links["people"], "mediaID"]).to_numpy()
    return out


def _observations(survey) -> pd.DataFrame:
    """Every observation of the survey, counted or kept aside (the other level)."""
    parts = [survey.observations]
    if not survey.kept.observations.empty:
        parts.append(survey.kept.observations)
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def media_links(survey, people: bool = False) -> pd.DataFrame:
    """Which observation each file shows.

    An observation with a ``mediaID`` (classified per photograph) shows that file; an
    event-level observation shows every file taken at its deployment from its
    ``eventStart`` to its ``eventEnd`` (inclusive). Both levels are read, the counted one
    and the one kept aside.

    Parameters
    ----------
    survey : Survey
    people : bool
        Add a column ``people``: the observation is of a person or a vehicle.

    Returns
    -------
    pandas.DataFrame
        ``observationID``, ``mediaID`` (one row per pair, no duplicates), and
        ``people`` when asked.

    Examples
    --------
    >>> from landmap import load_demo
    >>> links = media_links(load_demo())
    >>> links.columns.tolist()
    ['observationID', 'mediaID']
    """
    media = survey.kept.media
    columns = ["observationID", "mediaID"] + (["people"] if people else [])
    if media.empty or "timestamp_utc" not in media:
        return pd.DataFrame({c: pd.Series(dtype=bool if c == "people" else object)
                             for c in columns})
    obs = _observations(survey)
    known = media["mediaID"].astype(str)
    by_id = pd.DataFrame(columns=["observationID", "mediaID"])
    if "mediaID" in obs:
        named = obs[obs["mediaID"].notna() & (obs["mediaID"].astype(str) != "")]
        named = named[named["mediaID"].astype(str).isin(known)]
        by_id = pd.DataFrame({"observationID": named["observationID"].astype(str).to_numpy(),
                              "mediaID": named["mediaID"].astype(str).to_numpy()})
        events = obs[~obs.index.isin(named.index)]
    else:
        events = obs
    by_time = _during(media, events)
    links = pd.concat([by_id, by_time], ignore_index=True).drop_duplicates(ignore_index=True)
    if people:
        kinds = obs.drop_duplicates("observationID").set_index(
            obs.drop_duplicates("observationID")["observationID"].astype(str))[
            "observationType"]
        links["people"] = links["observationID"].map(kinds).isin(_PEOPLE).to_numpy()
    return links[columns]


def _during(media: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """(observationID, mediaID) for every file taken at an event's deployment within its
    span. Vectorised: the files sorted by (deployment, time), each event's first and last
    file found by binary search, and the ranges between expanded."""
    empty = pd.DataFrame({"observationID": pd.Series(dtype=object),
                          "mediaID": pd.Series(dtype=object)})
    events = events.dropna(subset=["eventStart", "eventEnd"])
    shots = media.dropna(subset=["timestamp_utc"])
    if events.empty or shots.empty:
        return empty
    codes, deployments = pd.factorize(shots["deploymentID"].astype(str))
    event_codes = pd.Index(deployments).get_indexer(events["deploymentID"].astype(str))
    mine = event_codes >= 0
    events, event_codes = events[mine], event_codes[mine]
    if events.empty:
        return empty
    # one sortable number per (deployment, second): the deployment in the high bits
    origin = min(shots["timestamp_utc"].min(), events["eventStart"].min())

    def seconds(times: pd.Series) -> np.ndarray:
        return ((times - origin).dt.total_seconds().to_numpy()).astype(np.int64)

    shift = np.int64(1) << np.int64(34)  # 544 years of seconds
    keys = codes.astype(np.int64) * shift + seconds(shots["timestamp_utc"])
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    starts = event_codes.astype(np.int64) * shift + seconds(events["eventStart"])
    ends = event_codes.astype(np.int64) * shift + seconds(events["eventEnd"])
    lo = np.searchsorted(keys, starts, side="left")
    hi = np.searchsorted(keys, ends, side="right")
    n = np.maximum(hi - lo, 0)
    if not n.sum():
        return empty
    which = np.repeat(np.arange(len(events)), n)
    within = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    rows = order[np.repeat(lo, n) + within]
    return pd.DataFrame({
        "observationID": events["observationID"].astype(str).to_numpy()[which],
        "mediaID": shots["mediaID"].astype(str).to_numpy()[rows]})


def media_of(table: pd.DataFrame, links: pd.DataFrame, observation_ids) -> pd.DataFrame:
    """The files of some observations: favourites first, then in time order.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`media_table` (or :func:`viewable` of it).
    links : pandas.DataFrame
        :func:`media_links`.
    observation_ids : iterable of str

    Examples
    --------
    >>> from landmap import load_demo
    >>> s = load_demo()
    >>> media_of(media_table(s), media_links(s), []).empty
    True
    """
    wanted = links.loc[links["observationID"].isin(pd.Index(observation_ids).astype(str)),
                       "mediaID"]
    chosen = table[table["mediaID"].isin(wanted)]
    return chosen.sort_values(["favorite", "timestamp_utc"], ascending=[False, True],
                              kind="stable").reset_index(drop=True)


def viewable(table: pd.DataFrame, role: str, show_viewers: bool = True) -> pd.DataFrame:
    """The files a role may see (the location policy applied to pictures).

    Analysts see every file. Viewers see only pictures (a video's or a recording's
    metadata cannot be stripped without ffmpeg) marked public (``filePublic``), stored in
    the package (a remote address is shown to analysts only, as a link) and of no event
    with a person or a vehicle; with ``show_viewers=False`` (a setting of the access
    file) viewers see none.

    Examples
    --------
    >>> t = pd.DataFrame({"mediaID": ["a", "b", "c", "d", "e"],
    ...                   "public": [True, False, True, True, True],
    ...                   "remote": [False, False, True, False, False],
    ...                   "people": [False, False, False, True, False],
    ...                   "kind": ["image", "image", "image", "image", "video"]})
    >>> viewable(t, "viewer")["mediaID"].tolist(), len(viewable(t, "analyst"))
    (['a'], 5)
    """
    if role == "analyst":
        return table
    if not show_viewers:
        return table.iloc[0:0]
    keep = table["public"].astype(bool) & ~table["remote"].astype(bool) & \
        ~table["people"].astype(bool) & (table["kind"] == "image")
    return table[keep.to_numpy()]


def photos_of(survey, individual: str | None = None, table: pd.DataFrame | None = None,
              links: pd.DataFrame | None = None) -> pd.DataFrame:
    """The files of a survey (or of one individual) with what they show, for a gallery.

    Parameters
    ----------
    survey : Survey
    individual : str, optional
        Only the files of this animal's observations.
    table, links : pandas.DataFrame, optional
        :func:`media_table` (or :func:`viewable` of it) and :func:`media_links`, when
        already at hand.

    Returns
    -------
    pandas.DataFrame
        The rows of ``table`` with ``subject`` (the individual, else the species or
        the observation type; several joined by ", "), ``species`` (the scientific
        names or observation types shown, joined the same way), ``local_time`` (the camera's
        clock), ``year`` and ``country`` of the station, and ``event`` (the event the file
        belongs to: a sequence). The frames of one event stay together in time order;
        events with a favourite come first, then the others by time.

    Examples
    --------
    >>> from landmap import load_demo
    >>> p = photos_of(load_demo(), "Leo 117F")
    >>> p["subject"].unique().tolist(), int(p["favorite"].sum()) > 0
    (['Leo 117F'], True)
    """
    table = media_table(survey) if table is None else table
    links = media_links(survey) if links is None else links
    obs = _observations(survey)
    if individual is not None:
        obs = obs[obs["individualID"] == individual]
    # as text first: a category column takes no value it does not hold, not even ""
    named = obs["individualID"].astype(str).fillna("")
    kind = obs["observationType"].astype(str).fillna("")
    species = obs["scientificName"].astype(str).fillna("")
    subject = named.where(named != "", species)
    subject = subject.where(subject != "", kind)
    species = species.where(species != "", kind)
    about = pd.DataFrame({"observationID": obs["observationID"].astype(str).to_numpy(),
                          "subject": subject.to_numpy(), "species": species.to_numpy()})
    shown = links.merge(about, on="observationID")
    # "Leo 117F", not "Leo 117F, Panthera pardus orientalis": her cubs' rows (no ID)
    # name the species of an animal already named
    named_here = shown["subject"] != shown["species"]
    known = set(zip(shown.loc[named_here, "mediaID"], shown.loc[named_here, "species"],
                    strict=True))
    repeat = ~named_here & pd.Series([(m, sp) in known for m, sp in
                                      zip(shown["mediaID"], shown["species"], strict=True)],
                                     index=shown.index)
    shown = shown[~repeat]

    def joined(column: str) -> pd.Series:
        return (shown.drop_duplicates(["mediaID", column]).groupby("mediaID")[column]
                .agg(", ".join))

    subjects = joined("subject")
    out = table[table["mediaID"].isin(subjects.index)].copy()
    out["subject"] = out["mediaID"].map(subjects).to_numpy()
    out["species"] = out["mediaID"].map(joined("species")).to_numpy()
    if out.empty:
        return out.assign(local_time=pd.Series(dtype="datetime64[ns]"),
                          year=pd.Series(dtype="int64"), country=pd.Series(dtype=object))
    offset = pd.to_timedelta(out["timestamp_offset"].fillna(0).astype(float), unit="min")
    out["local_time"] = out["timestamp_utc"].dt.tz_convert(None) + offset
    out["year"] = out["local_time"].dt.year
    countries = (survey.deployments.drop_duplicates("deploymentID")
                 .set_index("deploymentID")["country"] if "country" in survey.deployments
                 else pd.Series(dtype=object))
    out["country"] = out["deploymentID"].map(countries).fillna("").to_numpy()
    # A sequence: the frames of one event (the files of its first observation) stay
    # together in time order; events with a favourite come first, then by time.
    if "eventID" in obs:
        events = obs.drop_duplicates("observationID").set_index(
            obs.drop_duplicates("observationID")["observationID"].astype(str))["eventID"]
        first_link = links.drop_duplicates("mediaID").set_index("mediaID")["observationID"]
        event = out["mediaID"].map(first_link).map(events)
        out["event"] = event.fillna(out["mediaID"]).astype(str).to_numpy()
    else:
        out["event"] = out["mediaID"].to_numpy()
    group = out.groupby("event", sort=False)
    out["_starred"] = group["favorite"].transform("max")
    out["_start"] = group["timestamp_utc"].transform("min")
    return (out.sort_values(["_starred", "_start", "event", "timestamp_utc"],
                            ascending=[False, True, True, True], kind="stable")
            .drop(columns=["_starred", "_start"]).reset_index(drop=True))


def media_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Files per kind: how many, public, favourites, remote, in the package, not usable.

    Examples
    --------
    >>> from landmap import load_demo
    >>> media_counts(media_table(load_demo())).to_dict("records")
    [{'kind': 'image', 'files': 369, 'public': 324, 'favourites': 32, 'remote': 0, \
'in_package': 369, 'not_usable': 0}]
    """
    flags = pd.DataFrame({
        "kind": table["kind"].astype(str), "files": 1,
        "public": table["public"].astype(bool), "favourites": table["favorite"].astype(bool),
        "remote": table["remote"].astype(bool), "in_package": table["file"].notna(),
        "not_usable": ~table["remote"].astype(bool) & table["file"].isna()})
    return (flags.groupby("kind", sort=True).sum().astype(int).reset_index())


def file_problems(table: pd.DataFrame, checked: dict | None = None) -> pd.DataFrame:
    """The files that cannot be shown, with their row of ``media.csv``.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`media_table`, rows in the order of ``media.csv``.
    checked : dict of int -> Text, optional
        Reasons found by opening the pictures (row position -> reason, for example from
        :func:`landmap.io.images.thumbnails`): corrupt, truncated, too large.

    Returns
    -------
    pandas.DataFrame
        ``row`` (the line of ``media.csv``: the header is line 1), ``mediaID``,
        ``filePath`` and ``reason`` (translatable text).
    """
    reasons = table["path_problem"].where(table["path_problem"] != "", None).copy()
    for position, reason in (checked or {}).items():
        reasons.iloc[position] = reason
    bad = reasons.notna().to_numpy()
    return pd.DataFrame({"row": np.flatnonzero(bad) + 2,
                         "mediaID": table["mediaID"].to_numpy()[bad],
                         "filePath": table["filePath"].to_numpy()[bad],
                         "reason": reasons.to_numpy()[bad]})


def selection_photo(photos: pd.DataFrame, pinned: str | None = None):
    """The photo that stands for a selection: the one pinned (its ``mediaID``) if it is
    among ``photos``, else the first favourite picture, else the first picture; None
    when there is no picture in the package to show.

    ``photos`` is :func:`photos_of`, filtered as the reader may see it
    (:func:`viewable`).

    Examples
    --------
    >>> from landmap import load_demo
    >>> p = photos_of(load_demo(), "Leo 117F")
    >>> selection_photo(p).mediaID, selection_photo(p, pinned="m00178").mediaID
    ('m00280', 'm00178')
    """
    usable = photos[photos["file"].notna() & (photos["kind"] == "image")]
    if usable.empty:
        return None
    if pinned is not None and (usable["mediaID"] == pinned).any():
        return next(usable[usable["mediaID"] == pinned].itertuples(index=False))
    starred = usable[usable["favorite"].astype(bool)]
    return next((starred if len(starred) else usable).itertuples(index=False))

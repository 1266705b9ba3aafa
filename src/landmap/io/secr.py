"""secr's text formats: read a trap file and a capture file, write a capture history.

The R package ``secr`` (and program Density before it) reads two whitespace-separated
text files (``read.capthist``):

- a trap file, one detector per line: ``ID x y [usage ...] [/ covariates]``; usage is
  either a string of ``0``/``1`` codes, one per occasion (``binary.usage = TRUE``), or one
  number per occasion (``binary.usage = FALSE``: days worked);
- a capture file, one detection per line: ``Session ID Occasion Detector`` (``fmt =
  "trapID"``) or ``Session ID Occasion x y`` (``fmt = "XY"``), optionally followed by
  individual covariates.

``#`` starts a comment. Every mistake is reported with the file and its line number.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from landmap.i18n import Text
from landmap.io.validate import DataError, Problem

__all__ = ["read_secr_text", "secr_capture_history", "secr_zip"]

_DETECTORS = ("proximity", "count", "multi")
_UNSAFE = re.compile(r"[\s/#]+")


def _lines(path, problems: list[Problem]) -> list[tuple[int, list[str]]]:
    """(line number, fields) of every data line: comments and blank lines skipped."""
    name = Path(path).name
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        problems.append(Problem(name, None, None, None, "refused",
                                Text("not a UTF-8 text file (byte {at})", at=error.start)))
        return []
    rows = [(number, line.split("#", 1)[0].split())
            for number, line in enumerate(text.splitlines(), start=1)]
    rows = [(number, fields) for number, fields in rows if fields]
    if not rows:
        problems.append(Problem(name, None, None, None, "refused",
                                Text("the file holds no data line")))
    return rows


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def _traps(path, problems):
    """Detector IDs, positions and usage (None when the file gives none)."""
    name = Path(path).name
    ids, xy, usage, lines = [], [], [], []
    for line, fields in _lines(path, problems):
        before = " ".join(fields).split("/", 1)[0].split()
        if len(before) < 3:
            problems.append(Problem(name, line, None, " ".join(fields), "refused", Text(
                "a detector line needs an ID, x and y")))
            continue
        detector, *coords = before[:3]
        values = [_number(c) for c in coords]
        for field_name, raw, value in zip(("x", "y"), coords, values, strict=True):
            if value is None:
                problems.append(Problem(name, line, field_name, raw, "refused",
                                        Text("not a number")))
        if None in values:
            continue
        codes = before[3:]
        # a string of 0/1 codes (blanks allowed within it, as in Density), else numbers
        if codes and all(set(c) <= {"0", "1"} for c in codes) and (
                len(codes) == 1 or all(len(c) == 1 for c in codes)):
            used = [float(c) for c in "".join(codes)]
        else:
            used = [_number(c) for c in codes]
            if any(u is None or u < 0 for u in used):
                bad = next(c for c, u in zip(codes, used, strict=True) if u is None or u < 0)
                problems.append(Problem(name, line, "usage", bad, "refused", Text(
                    "usage is a string of 0/1 codes or one number of 0 or more per "
                    "occasion")))
                continue
        if detector in ids:
            problems.append(Problem(name, line, "ID", detector, "refused", Text(
                "this detector ID is already on line {other}",
                other=lines[ids.index(detector)])))
            continue
        ids.append(detector)
        xy.append(values)
        usage.append(used)
        lines.append(line)
    lengths = {len(u) for u in usage}
    if len(lengths) > 1:
        common = max(lengths, key=[len(u) for u in usage].count)
        for line, u in zip(lines, usage, strict=True):
            if len(u) != common:
                problems.append(Problem(name, line, "usage", str(len(u)), "refused", Text(
                    "usage for {n} occasions, but most detectors give {common}",
                    n=len(u), common=common)))
        return ids, np.array(xy, dtype=float).reshape(-1, 2), None
    used = np.array(usage, dtype=float) if lengths and lengths != {0} else None
    return ids, np.array(xy, dtype=float).reshape(-1, 2), used


def read_secr_text(trapfile, captfile, kind: str = "multi"):
    """Read secr's trap and capture files as :class:`~landmap.density.CaptureData`.

    Parameters
    ----------
    trapfile, captfile : str or Path
        secr's text formats (see the module). The capture file's format (``trapID`` or
        ``XY``) is recognised from its lines: XY when every line's fourth and fifth fields
        are the coordinates of a detector.
    kind : {"multi", "proximity", "count"}
        The detector type, as secr's ``detector`` argument.

    Returns
    -------
    CaptureData
        Animals numbered in the order of their IDs; with no usage in the trap file every
        detector works on every occasion up to the last one with a capture.

    Raises
    ------
    landmap.io.DataError
        Listing every problem with its file and line: a field that is not a number, an
        unknown detector, an occasion out of range or on which the detector did not work,
        two captures of one animal on one occasion in multi-catch traps, several sessions,
        an empty file.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "traps.txt").write_text("A 0 0 11\\nB 100 0 10\\n")
    >>> _ = (folder / "capt.txt").write_text("1 Leo1 1 A\\n1 Leo1 1 B\\n")
    >>> data = read_secr_text(folder / "traps.txt", folder / "capt.txt", "proximity")
    >>> data.n_animals, data.usage.tolist()
    (1, [[1.0, 1.0], [1.0, 0.0]])
    """
    from landmap.density import CaptureData

    if kind not in _DETECTORS:
        raise ValueError(Text("unknown detector type {kind!r}: choose {choices}",
                              kind=kind, choices=", ".join(_DETECTORS)))
    problems: list[Problem] = []
    ids, xy, usage = _traps(trapfile, problems)
    captures = _lines(captfile, problems)
    if problems:
        raise DataError(problems)
    name = Path(captfile).name
    where = {(x, y): k for k, (x, y) in enumerate(map(tuple, xy))}
    as_xy = all(len(f) >= 5 and (_number(f[3]), _number(f[4])) in where
                for _, f in captures)
    index = {detector: k for k, detector in enumerate(ids)}
    rows = []
    for line, fields in captures:
        if len(fields) < (5 if as_xy else 4):
            problems.append(Problem(name, line, None, " ".join(fields), "refused", Text(
                "a capture line needs Session, ID, Occasion and Detector (or x y)")))
            continue
        occasion = _number(fields[2])
        if occasion is None or occasion != int(occasion) or occasion < 1:
            problems.append(Problem(name, line, "Occasion", fields[2], "refused", Text(
                "an occasion is a whole number from 1")))
            continue
        if as_xy:
            k = where[(_number(fields[3]), _number(fields[4]))]
        elif fields[3] in index:
            k = index[fields[3]]
        else:
            problems.append(Problem(name, line, "Detector", fields[3], "refused", Text(
                "no detector with this ID in {trapfile}", trapfile=Path(trapfile).name)))
            continue
        rows.append((line, fields[0], fields[1], int(occasion) - 1, k))
    frame = pd.DataFrame(rows, columns=["line", "session", "id", "occasion", "detector"])
    frame = frame.astype({"line": int, "occasion": int, "detector": int})
    if frame.empty:
        raise DataError(problems)
    sessions = list(dict.fromkeys(frame["session"]))
    if len(sessions) > 1:
        problems.append(Problem(name, None, "Session", ", ".join(sessions[:5]), "refused",
                                Text("several sessions: landmap fits one session at a "
                                     "time; give the captures of one")))
    occasions = usage.shape[1] if usage is not None else int(frame["occasion"].max() + 1)
    usage = usage if usage is not None else np.ones((len(ids), occasions))
    late = frame["occasion"] >= occasions
    for line, occasion in frame.loc[late, ["line", "occasion"]].itertuples(index=False):
        problems.append(Problem(name, line, "Occasion", str(occasion + 1), "refused", Text(
            "the trap file gives usage for {n} occasions only", n=occasions)))
    frame = frame[~late]
    idle = usage[frame["detector"].to_numpy(), frame["occasion"].to_numpy()] <= 0
    for line in frame.loc[idle, "line"]:
        problems.append(Problem(name, line, "Occasion", None, "refused", Text(
            "a capture at a detector on an occasion it did not work (usage 0)")))
    if kind == "multi":
        twice = frame.duplicated(["id", "occasion"])
        for line in frame.loc[twice, "line"]:
            problems.append(Problem(name, line, "ID", None, "refused", Text(
                "a multi-catch trap holds an animal once per occasion: this animal is "
                "already caught on this occasion")))
    if problems:
        raise DataError(problems)
    animals = sorted(frame["id"].unique(), key=str)
    frame = frame.assign(animal=frame["id"].map({a: i for i, a in enumerate(animals)}))
    detections = (frame.groupby(["animal", "occasion", "detector"], sort=True).size()
                  .rename("count").reset_index())
    if kind != "count":
        detections["count"] = 1
    return CaptureData(xy, usage, detections, len(animals), kind, tuple(map(str, animals)),
                       tuple(ids))


def _safe_names(names) -> list[str]:
    """IDs as single secr fields: blanks, '/' and '#' become '_'; clashes numbered."""
    out: list[str] = []
    for name in names:
        safe = _UNSAFE.sub("_", str(name).strip()) or "_"
        candidate, k = safe, 1
        while candidate in out:
            k += 1
            candidate = f"{safe}_{k}"
        out.append(candidate)
    return out


def secr_capture_history(captures, session: str = "1") -> dict[str, bytes]:
    """A survey's capture history in secr's text formats, to check a fit in R.

    Parameters
    ----------
    captures : landmap.density.SurveyCaptures
        From :func:`landmap.density.capture_data`: stations as proximity detectors and
        one-day occasions.
    session : str
        The session name (the year, usually).

    Returns
    -------
    dict of file name -> bytes
        ``traps.txt`` (``ID x y`` in metres of the survey's metric CRS, then the share
        of each day the station worked), ``captures.txt`` (``Session ID Occasion
        Detector sex``) and ``README.txt`` with the R lines that read them. IDs with
        blanks are written with ``_`` (``Leo 117F`` → ``Leo_117F``).

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> from landmap.density import capture_data
    >>> files = secr_capture_history(capture_data(load_demo().filter(years=2021)), "2021")
    >>> sorted(files)
    ['README.txt', 'captures.txt', 'traps.txt']
    """
    data = captures.data
    stations = _safe_names(captures.station_ids)
    animals = _safe_names(data.names)
    session = _UNSAFE.sub("_", str(session)) or "1"
    first = captures.first_day.date()
    head = (f"# landmap capture history, session {session}: {len(stations)} camera "
            f"stations (proximity detectors), {data.usage.shape[1]} one-day occasions "
            f"from {first}; coordinates in metres, {captures.crs}\n")
    usage = np.char.mod("%.6g", data.usage)
    trap_lines = [f"{name} {x:.1f} {y:.1f} {' '.join(row)}" for name, (x, y), row
                  in zip(stations, data.detectors, usage, strict=True)]
    d = data.detections.sort_values(["animal", "occasion", "detector"])
    sex = np.where(np.isin(captures.sex, ["female", "male"]), captures.sex, "NA")
    capture_lines = [f"{session} {animals[a]} {s + 1} {stations[k]} {sex[a]}"
                     for a, s, k in zip(d["animal"], d["occasion"], d["detector"],
                                        strict=True)]
    readme = (head + "# Read in R (package secr):\n"
              "#   library(secr)\n"
              "#   ch <- read.capthist('captures.txt', 'traps.txt', detector = 'proximity',\n"
              "#                       fmt = 'trapID', covnames = 'sex',\n"
              "#                       binary.usage = FALSE)\n"
              "#   fit <- secr.fit(ch, buffer = 12000, detectfn = 'HHN', trace = FALSE)\n"
              "# usage (traps.txt, after x y): the share of each day the station worked.\n")
    return {"traps.txt": (head + "\n".join(trap_lines) + "\n").encode(),
            "captures.txt": (head + "\n".join(capture_lines) + "\n").encode(),
            "README.txt": readme.encode()}


def secr_zip(captures, session: str = "1") -> bytes:
    """:func:`secr_capture_history` as one ZIP file (``traps.txt``, ``captures.txt``,
    ``README.txt``)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in secr_capture_history(captures, session).items():
            archive.writestr(name, data)
    return buffer.getvalue()

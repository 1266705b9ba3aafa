"""Read and write camera-trap data in Camtrap DP 1.0 (TDWG).

A package is a folder with ``datapackage.json``, ``deployments.csv``,
``observations.csv`` and optionally ``media.csv``. landmap also reads an
optional ``individuals`` resource (individualID, name, sex, birthYear, mother),
which the standard leaves to each programme.

Timestamps keep their UTC offset: Russian cameras write ``+10:00`` and Chinese
cameras ``+08:00``. They are held as UTC instants (``eventStart``) beside the
offset in minutes (``eventStart_offset``), so local dates and a lossless export
are both possible.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import ctypes.util
import dataclasses
import gc
import json
import mmap
import os
import re
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path, PurePosixPath, PureWindowsPath

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyproj
from pandas.api.types import union_categoricals

from landmap._arrow import all_empty as _all_empty
from landmap._arrow import distinct_count as _distinct_count
from landmap._arrow import is_in as _is_in
from landmap._arrow import memory_given_back as _memory_given_back
from landmap._arrow import pandas_frame as _pandas_frame
from landmap._arrow import positions as _positions_of
from landmap._arrow import text as _arrow
from landmap._arrow import value_bounds as _value_bounds
from landmap._arrow import whole as _whole
from landmap.boundaries import Boundaries, country_of, load_boundaries
from landmap.effort import FAILED_TAG, effort_end
from landmap.i18n import Text
from landmap.io.conformance import TABLES
from landmap.io.progress import LoadStep, Progress
from landmap.io.validate import DataError, Problem
from landmap.observations import local_time
from landmap.survey import (
    CATEGORY_COLUMNS,
    Kept,
    Survey,
    _know_deployment_rows,
    _with_categories,
)

__all__ = [
    "DEPLOYMENT_FIELDS",
    "OBSERVATION_FIELDS",
    "PROFILE",
    "format_timestamps",
    "parse_timestamps",
    "read_camtrapdp",
    "write_camtrapdp",
]

PROFILE = "https://raw.githubusercontent.com/tdwg/camtrap-dp/1.0/camtrap-dp-profile.json"
_SCHEMA = "https://raw.githubusercontent.com/tdwg/camtrap-dp/1.0/{}-table-schema.json"

#: Camtrap DP 1.0 fields of each table, in the standard's order (the constraints are in
#: landmap.io.conformance, the one place the standard's tables are written down).
DEPLOYMENT_FIELDS = [f.name for f in TABLES["deployments"]]
OBSERVATION_FIELDS = [f.name for f in TABLES["observations"]]
MEDIA_FIELDS = [f.name for f in TABLES["media"]]
INDIVIDUAL_FIELDS = ["individualID", "name", "sex", "birthYear", "mother"]

_REQUIRED = {
    "deployments": ["deploymentID", "latitude", "longitude", "deploymentStart", "deploymentEnd"],
    "observations": [
        "observationID", "deploymentID", "eventStart", "eventEnd", "observationLevel",
        "observationType",
    ],
    "individuals": ["individualID"],
    "media": [f.name for f in TABLES["media"] if f.required],
}  # fmt: skip
_ALLOWED = {f.name: set(f.allowed) for f in TABLES["observations"] if f.allowed}
_OBSERVATION_TYPES = _ALLOWED["observationType"]
_LEVELS = _ALLOWED["observationLevel"]
_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")


# --------------------------------------------------------------------------- timestamps
def parse_timestamps(values: pd.Series) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """Parse ISO 8601 date-times that carry a UTC offset.

    Parameters
    ----------
    values : pandas.Series of str
        Text such as ``2021-06-01T22:15:00+10:00``.

    Returns
    -------
    instants : pandas.Series of datetime64[ns, UTC]
    offsets : pandas.Series of int
        The offset of each value in minutes east of UTC.
    bad : numpy.ndarray of bool
        True where the text is not a date-time with an offset (the instant is NaT): also
        a day its month does not have (2021-02-30), an offset of 24 hours or more, and a
        year outside 1678–2261 (what a nanosecond clock holds).

    Examples
    --------
    >>> t, off, bad = parse_timestamps(pd.Series(["2021-01-01T00:30:00+10:00", "2021-13-01"]))
    >>> str(t[0]), int(off[0]), bad.tolist()
    ('2020-12-31 14:30:00+00:00', 600, [False, True])
    """
    instants, offsets, bad, _ = _timestamps(values)
    return instants, offsets, bad


def _timestamps(values: pd.Series) -> tuple[pd.Series, pd.Series, np.ndarray, bool]:
    """:func:`parse_timestamps`, and whether every value is written exactly as
    :func:`format_timestamps` writes its instant and offset (then the text need not be
    kept to be quoted later: it can be written again)."""
    read = _arrow(values)
    offsets = _offsets_if_all_usual(read)
    if offsets is not None:
        # every value of the one usual form: Arrow casts the column as it was read
        stamps = _instants(read).view("datetime64[ns]")
        bad = np.isnat(stamps) | (np.abs(offsets) >= 24 * 60)
        stamps = np.where(bad, np.datetime64("NaT"), stamps)
        # "-00:00" is read as "+00:00": the one usual text not written again as it was
        again = not pc.any(pc.ends_with(read, "-00:00")).as_py()
        return (pd.Series(stamps, index=values.index).dt.tz_localize("UTC"),
                pd.Series(offsets, index=values.index), bad, again)
    arr = _whole(_arrow_text(values))
    usual, offsets, bad = _usual_form(arr)
    stamps = np.full(len(arr), np.iinfo(np.int64).min, dtype=np.int64)  # NaT
    if usual.any():
        stamps[usual] = _instants(arr.filter(pa.array(usual)))
    stamps = stamps.view("datetime64[ns]")
    rest = ~usual & ~bad
    if rest.any():
        other = pd.Series(arr.filter(pa.array(rest)).to_pylist(), dtype=object)
        slow_instants, slow_offsets, slow_bad = _parse_other_timestamps(other)
        stamps[rest] = slow_instants.dt.tz_convert(None).to_numpy(dtype="datetime64[ns]")
        offsets[rest] = slow_offsets
        bad[rest] = slow_bad
    bad = bad | np.isnat(stamps) | (np.abs(offsets) >= 24 * 60)
    stamps[bad] = np.datetime64("NaT")
    instants = pd.Series(stamps, index=values.index).dt.tz_localize("UTC")
    return instants, pd.Series(offsets, index=values.index), bad, False


#: The years a datetime64[ns] holds whole (it runs from 1677-09-21 to 2262-04-11).
_YEARS = (1678, 2261)
#: The form nearly every camera writes, parsed as a whole column.
_USUAL = "%Y-%m-%dT%H:%M:%S%z"


#: Where the digits of the usual form lie: year, seconds, offset hours and minutes.
_DIGITS = np.array([0, 1, 2, 3, 17, 18, 20, 21, 23, 24])


def _usual_form(arr: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which values are written ``YYYY-MM-DDTHH:MM:SS+HH:MM`` (or ``-HH:MM``, or ``Z``
    in place of the offset), the offset of those in minutes, and which of them lie
    outside the years a nanosecond clock holds (bad). Read from the column's bytes at
    fixed positions, without a pass per value."""
    n = len(arr)
    usual = np.zeros(n, dtype=bool)
    offsets = np.zeros(n, dtype=np.int64)
    bad = np.zeros(n, dtype=bool)
    if n == 0:
        return usual, offsets, bad
    arr = pc.cast(arr, pa.large_string())
    bounds = _value_bounds(arr)
    data = np.frombuffer(arr.buffers()[2] or b"\0", dtype=np.uint8)
    length = np.diff(bounds)
    if bounds[-1] - bounds[0] == 25 * n and (length == 25).all():
        return _all_signed(data, int(bounds[0]), n)
    rows = np.flatnonzero((length == 25) | (length == 20))
    if not len(rows):
        return usual, offsets, bad
    # the first 25 bytes of each (a value of 20 is padded with what follows it)
    table = data[np.minimum(bounds[rows, None] + np.arange(25), len(data) - 1)]
    long = length[rows] == 25
    digit = table[:, _DIGITS] - np.uint8(ord("0"))  # wraps below "0", so > 9
    is_digit = digit <= 9
    value = digit.astype(np.int16)
    year = value[:, 0] * 1000 + value[:, 1] * 100 + value[:, 2] * 10 + value[:, 3]
    year_ok = is_digit[:, :4].all(axis=1)
    # a leap second (":60") is no usual value: the ISO 8601 parser refuses it, as before
    second_ok = is_digit[:, 4:6].all(axis=1) & (value[:, 4] < 6)
    sign = table[:, 19]
    zulu = ~long & (sign == ord("Z"))
    signed = (long & ((sign == ord("+")) | (sign == ord("-"))) & (table[:, 22] == ord(":"))
              & is_digit[:, 6:].all(axis=1))
    minutes = ((value[:, 6] * 10 + value[:, 7]) * 60 + value[:, 8] * 10 + value[:, 9]
               ).astype(np.int64)
    shaped = (table[:, 10] == ord("T")) & (zulu | signed) & second_ok
    in_clock = (year >= _YEARS[0]) & (year <= _YEARS[1])
    usual[rows] = shaped & year_ok & in_clock
    bad[rows] = shaped & year_ok & ~in_clock
    offsets[rows] = np.where(signed, np.where(sign == ord("-"), -minutes, minutes), 0)
    return usual, offsets, bad


#: A column of timestamps smaller than this is joined into one array before it is read.
_JOIN_BELOW = 64 * 2**20


def _offsets_if_all_usual(arr: pa.Array | pa.ChunkedArray) -> np.ndarray | None:
    """The offsets in minutes when every value is 25 bytes of the usual form (no space to
    trim, no other form, a year a nanosecond clock holds), else None. Nothing is trimmed;
    a column is read chunk by chunk as the file was read, except that the chunks (of
    about 1 MB each) of one smaller than :data:`_JOIN_BELOW` are joined first: a piece
    of a large file is then a handful of passes, not a handful per chunk."""
    if isinstance(arr, pa.ChunkedArray) and arr.num_chunks > 1 and arr.nbytes < _JOIN_BELOW:
        arr = arr.combine_chunks()
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    found = []
    for chunk in chunks:
        n = len(chunk)
        if not n:
            continue
        if chunk.null_count or chunk.type != pa.large_string():
            return None
        bounds = _value_bounds(chunk)
        if bounds[-1] - bounds[0] != 25 * n or (np.diff(bounds) != 25).any():
            return None
        usual, offsets, _ = _all_signed(np.frombuffer(chunk.buffers()[2], dtype=np.uint8),
                                        int(bounds[0]), n)
        if not usual.all():
            return None
        found.append(offsets)
    return np.concatenate(found) if found else None


def _swar_digits(word: np.ndarray, mask: int) -> np.ndarray:
    """True where every byte of ``word`` that ``mask`` keeps is an ASCII digit, tested on
    all bytes of an integer at once (a byte is a digit when its high half is 3 and stays
    3 with 6 added)."""
    high = np.array(mask & 0xF0F0F0F0F0F0F0F0, dtype=word.dtype)
    threes = np.array(mask & 0x3030303030303030, dtype=word.dtype)
    sixes = np.array(mask & 0x0606060606060606, dtype=word.dtype)
    return ((word & high) == threes) & (((word + sixes) & high) == threes)


def _all_signed(data: np.ndarray, base: int, n: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_usual_form` of a column whose every value is 25 bytes long (as a camera
    writes ``2021-06-01T22:15:00+10:00``): the bytes of each value read as a few whole
    integers at fixed positions, a handful of passes for the whole column."""
    def at(pos: int, dtype: str) -> np.ndarray:
        # copied out in one pass (a copy keeps the bytes' order): each pick of a position
        # reads the whole column (the values lie closer than a cache line), and every
        # test below then reads a small contiguous array
        return np.ndarray((n,), dtype=dtype, buffer=data, offset=base + pos,
                          strides=(25,)).copy()

    # big-endian: the order of the numbers is that of the text; native for the tests
    year = at(0, ">u4").astype(np.uint32)
    year_ok = _swar_digits(year, 0xFFFFFFFF)
    in_clock = ((year >= int.from_bytes(str(_YEARS[0]).encode(), "big"))
                & (year <= int.from_bytes(str(_YEARS[1]).encode(), "big")))
    # bytes 17-24: seconds, sign, offset hours, ":", offset minutes
    tail = at(17, "<u8")
    byte = tail.view(np.uint8).reshape(n, 8)  # byte j of each: the file's byte 17 + j
    sign = byte[:, 2]
    # a leap second (":60") is no usual value: the ISO 8601 parser refuses it, as before
    shaped = (_swar_digits(tail, 0xFFFF00FFFF00FFFF) & (byte[:, 0] <= ord("5"))
              & ((sign == ord("+")) | (sign == ord("-"))) & (byte[:, 5] == ord(":"))
              & (at(10, "u1") == ord("T")))
    usual = shaped & year_ok & in_clock
    bad = shaped & year_ok & ~in_clock

    def number(pos: int) -> np.ndarray:  # two digits (at most 99: small integers do)
        return byte[:, pos].astype(np.int16) * 10 + byte[:, pos + 1] - 11 * ord("0")

    minutes = number(3) * 60 + number(6)
    minutes = np.where(shaped, np.where(sign == ord("-"), -minutes, minutes), 0)
    return usual, minutes.astype(np.int64), bad


def _instants(arr: pa.Array) -> np.ndarray:
    """Nanoseconds since 1970 (UTC) of values of the usual form; NaT where the text is no
    date (2021-02-30, 25:00, month 13).

    A whole column is cast by Arrow in C. Arrow refuses a column with any bad value, so
    a refused column is halved until the parts are small enough for pandas to tell value
    by value: a few bad values cost a few halvings, not a pass per value.
    """
    try:
        return pc.cast(arr, pa.timestamp("ns", tz="UTC")).cast(pa.int64()).to_numpy(
            zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        if len(arr) <= 2048:
            parsed = pd.to_datetime(pd.Series(arr.to_pylist(), dtype=object), format=_USUAL,
                                    utc=True, errors="coerce")
            return parsed.dt.tz_convert(None).to_numpy(dtype="datetime64[ns]").view(np.int64)
        half = len(arr) // 2
        return np.concatenate([_instants(arr.slice(0, half)), _instants(arr.slice(half))])


def _arrow_text(values: pd.Series) -> pa.Array:
    """The values as an Arrow string array, trimmed, with missing values as ""."""
    return pc.utf8_trim_whitespace(pc.fill_null(_arrow(values), ""))


def _parse_other_timestamps(text: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """ISO 8601 variants (fractions of seconds, offsets without a colon), parsed by pandas."""
    found = text.str.extract(_OFFSET, expand=False)
    has_offset = found.notna().to_numpy()
    sign = np.where(found.str.startswith("-").fillna(False).to_numpy(), -1, 1)
    digits = found.str.replace(r"[+\-:Z]", "", regex=True).fillna("")
    hours = pd.to_numeric(digits.str[:2], errors="coerce").fillna(0).to_numpy()
    minutes = pd.to_numeric(digits.str[2:4], errors="coerce").fillna(0).to_numpy()
    offsets = (sign * (hours * 60 + minutes)).astype(int)
    instants = pd.to_datetime(text.where(has_offset), utc=True, format="ISO8601",
                              errors="coerce")
    bad = instants.isna().to_numpy() | ~has_offset
    return instants, offsets, bad


def format_timestamps(instants: pd.Series, offsets: pd.Series) -> pd.Series:
    """Write UTC instants back as local ISO 8601 text with their offsets.

    Examples
    --------
    >>> t, off, _ = parse_timestamps(pd.Series(["2021-01-01T00:30:00+10:00"]))
    >>> format_timestamps(t, off).tolist()
    ['2021-01-01T00:30:00+10:00']
    """
    if instants.empty:  # (numpy cannot pad the digits of no offsets)
        return pd.Series([], index=instants.index, dtype=object)
    off = offsets.astype(int).to_numpy()
    local = local_time(instants, offsets).dt.strftime("%Y-%m-%dT%H:%M:%S")
    sign = np.where(off < 0, "-", "+")
    hh = np.char.zfill((np.abs(off) // 60).astype(str), 2)
    mm = np.char.zfill((np.abs(off) % 60).astype(str), 2)
    suffix = pd.Series(np.char.add(np.char.add(np.char.add(sign, hh), ":"), mm), index=local.index)
    return (local + suffix).where(instants.notna(), "")


#: How far an observation may lie outside its deployment's span before it is flagged (a
#: camera's clock drifts; a reset clock or a wrong deployment is off by far more).
_SPAN_SLACK = pd.Timedelta(days=1)


def _plausible(observations: pd.DataFrame, written: list[tuple[int, pd.Series | None]],
               deployments: pd.DataFrame, at: np.ndarray, label: str,
               problems: list[Problem]) -> None:
    """Rows that load but deserve a look, flagged by row: an individual without a species,
    an observation outside its deployment's working span (a reset clock?). ``written``
    holds eventStart as read, block by block, for the problem rows to quote (see
    :func:`_written_text`); ``at`` the row of each observation's deployment (-1: none)."""
    nameless = ((observations["individualID"] != "").to_numpy()
                & _spaces_only(observations["scientificName"]))
    _flag_cells(problems, label, observations, nameless, "individualID",
                Text("an individual without a species (scientificName is empty); kept, "
                     "counted with no species"), action="flagged")
    # each bound is widened per deployment and spread to the observations one at a time:
    # at 100x the demo every array spread is 22 MB, and five at once made the load's peak
    when = _utc_clock(observations["eventStart"])
    slack = _SPAN_SLACK.to_timedelta64()
    outside = when < (_utc_clock(deployments["deploymentStart"]) - slack)[at]
    outside |= when > (_utc_clock(deployments["deploymentEnd"]) + slack)[at]
    outside &= at >= 0
    rows = np.flatnonzero(outside)
    message = Text("outside its deployment's span (more than a day before it started or "
                   "after it ended): was the camera clock reset? Kept, and counted")
    problems.extend(Problem(label, int(i) + 2, "eventStart", value, "flagged", message)
                    for i, value in zip(rows, _written_text(written, observations, rows),
                                        strict=True))


def _written_text(written: list[tuple[int, pd.Series | None]], observations: pd.DataFrame,
                  rows: np.ndarray) -> list[str]:
    """eventStart of ``rows`` as the file has it. ``written`` gives each block's rows and
    its text, or None where the text was all of the usual form: then it is written again
    from the instant and offset (the same text), and a large file's 90 MB of timestamps
    at 100x the demo need not be held through the load."""
    sizes = np.array([n for n, _ in written], dtype=np.int64)
    starts = np.cumsum(sizes) - sizes
    block = np.searchsorted(starts, rows, side="right") - 1
    out = np.empty(len(rows), dtype=object)
    for b in np.unique(block):  # the blocks holding a problem row, not the rows
        pick = block == b
        text = written[b][1]
        if text is not None:
            out[pick] = text.iloc[rows[pick] - starts[b]].astype(str).to_numpy()
        else:
            at = rows[pick]
            out[pick] = format_timestamps(observations["eventStart"].iloc[at],
                                          observations["eventStart_offset"].iloc[at]
                                          ).to_numpy()
    return out.tolist()


def station_points(deployments: pd.DataFrame, boundaries: Boundaries | None = None
                   ) -> gpd.GeoDataFrame:
    """Deployments as a GeoDataFrame of points (EPSG:4326) from their coordinates; with
    ``boundaries``, also the ``country`` each lies in.

    Many deployments share a station, so each place is made (and looked up) once and
    shared: at a million deployments this is a few hundred times faster than one each.

    Examples
    --------
    >>> d = pd.DataFrame({"deploymentID": ["a", "b", "c"], "longitude": [131.1, 131.1, 130.9],
    ...                   "latitude": [43.1, 43.1, 42.9]})
    >>> station_points(d).geometry.to_wkt().tolist()
    ['POINT (131.1 43.1)', 'POINT (131.1 43.1)', 'POINT (130.9 42.9)']
    """
    # a copy: the stations share their columns with the frame they are made from
    return _stations_of(deployments.copy(), boundaries)


def _stations_of(deployments: pd.DataFrame, boundaries: Boundaries | None,
                 places: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
                 ) -> gpd.GeoDataFrame:
    """:func:`station_points` of a frame the caller lets go: the stations hold its columns
    themselves, not copies (at 100x the demo a copy of the deployments took 0.1 s of a
    0.7 s load). ``places`` (each deployment's place number, the places' longitudes and
    latitudes), when known, spare finding the places again."""
    if places is None:
        places = _places(deployments["longitude"].to_numpy(float),
                         deployments["latitude"].to_numpy(float))
    return _with_points(deployments, *_points(*places, boundaries))


def _places(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each deployment's place number and the distinct places' longitudes and latitudes
    (a place without coordinates is a place of its own, not another's)."""
    back, found = pd.factorize(lon + 1j * lat, use_na_sentinel=False)
    return back.astype(np.int32), found.real.copy(), found.imag.copy()


def _points(back: np.ndarray, lon: np.ndarray, lat: np.ndarray,
            boundaries: Boundaries | None
            ) -> tuple[gpd.array.GeometryArray, np.ndarray | None]:
    """Each deployment's point and country (None without ``boundaries``) from its place
    number ``back`` and the places' coordinates, each place made and looked up once."""
    points = gpd.points_from_xy(lon, lat, crs=_WGS84)[back]
    if boundaries is None:
        return points, None
    # the few places' names made text once, then repeated (not one Python string a row)
    return points, pd.array(country_of(lon, lat, boundaries), dtype="str").take(back)


#: The stations' coordinate system, parsed once (a text CRS is parsed on every frame).
_WGS84 = pyproj.CRS.from_user_input("EPSG:4326")


def _with_points(deployments: pd.DataFrame, points, countries) -> gpd.GeoDataFrame:
    """The deployments with their points (in EPSG:4326, as ``points`` are) and countries,
    holding the deployments' own columns: a column already there is replaced where it
    stands, the others follow. (A frame's assign or a GeoDataFrame of a frame copies every
    column: a tenth of a cached load at 100x.)"""
    added = {"geometry": points} if countries is None else {"geometry": points,
                                                            "country": countries}
    if not deployments.columns.is_unique:  # a dict cannot hold the same name twice
        return gpd.GeoDataFrame(deployments.assign(**added), geometry="geometry")
    columns = {name: added[name] if name in added else deployments[name].array
               for name in deployments.columns} | added
    return gpd.GeoDataFrame(pd.DataFrame(columns, index=deployments.index, copy=False),
                            geometry="geometry", copy=False)


def _spaces_only(values: pd.Series) -> np.ndarray:
    """True where the text is empty or only spaces (missing is not blank); a category
    column is looked at by its few values, not row by row."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        return (values.str.strip() == "").fillna(False).to_numpy(bool)
    names = pd.Series(values.cat.categories, dtype="str")
    blank = np.append((names.str.strip() == "").to_numpy(bool), False)
    return blank[values.cat.codes.to_numpy()]  # code -1 (missing) takes the last


def _utc_clock(instants: pd.Series) -> np.ndarray:
    """UTC instants as plain datetime64[ns] values (numpy compares them in C)."""
    return instants.to_numpy(dtype="datetime64[ns]")  # (in UTC, without a converted copy)


def _far_away(stations: pd.DataFrame, label: str, boundaries, problems: list[Problem]
              ) -> None:
    """Stations beyond the bundled boundary layers (half a degree around them): kept, and
    named. (A swap of latitude and longitude cannot land here unnoticed: the region's
    longitudes are no latitudes, and the reader refuses them with that hint.)"""
    x0, y0, x1, y1 = boundaries.countries.total_bounds
    x0, y0, x1, y1 = x0 - 0.5, y0 - 0.5, x1 + 0.5, y1 + 0.5
    lon, lat = (stations[c].to_numpy(float) for c in ("longitude", "latitude"))
    outside = ~((lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1))
    _flag_cells(problems, label, stations, outside, "latitude",
                Text("far from the mapped region ({region}): kept, but the bundled park and "
                     "border layers do not cover this station; load your own boundary "
                     "layers", region=f"{y0:.1f}–{y1:.1f}° N, {x0:.1f}–{x1:.1f}° E"),
                action="flagged")


def _offset_text(minutes) -> str:
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(int(minutes)) // 60:02d}:{abs(int(minutes)) % 60:02d}"


# --------------------------------------------------------------------------- reading
def _resource_paths(folder: Path, descriptor: dict, problems: list[Problem]
                    ) -> dict[str, Path]:
    """Each resource's file, refused (a problem row) unless it is a regular file inside the
    package: a descriptor is untrusted and must not make landmap read a file it was not
    given (absolute paths, ``..``, links leading out, devices, URLs)."""
    resources = descriptor.get("resources", [])
    if not isinstance(resources, list):
        problems.append(Problem("datapackage.json", None, "resources", None, "refused",
                                Text("'resources' must be a list of resources")))
        return {}
    root = folder.resolve()
    paths = {}
    for i, resource in enumerate(resources):
        if not isinstance(resource, dict):
            problems.append(Problem("datapackage.json", None, f"resources[{i}]",
                                    str(resource)[:60], "kept",
                                    Text("not a resource (an object with a name and a "
                                         "path); left out")))
            continue
        name, path = resource.get("name"), resource.get("path")
        if isinstance(path, list):
            path = path[0] if path else None
        if not (isinstance(name, str) and isinstance(path, str)):
            continue
        reason = _outside(root, path)
        if reason is not None:
            problems.append(Problem("datapackage.json", None, f"resources[{i}].path", path,
                                    "refused", reason))
            continue
        paths[name] = folder / path
    for name in ("deployments", "observations", "media", "individuals"):
        default = folder / f"{name}.csv"
        if name not in paths and default.is_file() and _outside(root, default.name) is None:
            paths[name] = default
    return paths


def _outside(root: Path, path: str) -> Text | None:
    """Why a resource path may not be read (``None``: it may)."""
    if "://" in path:
        return Text("a remote resource; landmap reads only the files of the package")
    pure = PurePosixPath(path.replace("\\", "/"))
    if pure.is_absolute() or PureWindowsPath(path).drive or ".." in pure.parts:
        return Text("the path leads out of the package; resource paths are relative to "
                    "datapackage.json and stay inside its folder")
    # with no ".." and no absolute part, only a link can lead the path out
    target = (root / pure).resolve()
    if not target.is_relative_to(root):
        return Text("a link leading out of the package")
    if target.exists() and not target.is_file():
        return Text("not a regular file")
    return None


def _header(path: Path, kind: str, problems: list[Problem]) -> list[str] | None:
    """The column names of a CSV file, or None with the reason in ``problems``."""
    label = path.name
    if not path.exists():
        problems.append(Problem(label, None, None, None, "refused",
                                Text("the {kind} table is missing from the package",
                                     kind=kind)))
        return None
    try:
        # utf-8-sig: spreadsheet programs start a CSV with a byte-order mark, which the
        # table reader skips; the header must match its column names
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), None)
    except UnicodeDecodeError as exc:
        problems.append(Problem(label, None, None, None, "refused",
                                Text("the file is not UTF-8 text ({reason} at byte {byte})",
                                     reason=exc.reason, byte=exc.start)))
        return None
    if not header:
        problems.append(Problem(label, None, None, None, "refused", Text("the file is empty")))
        return None
    return header


def _text_options(path: Path, header: list[str], kind: str = ""
                  ) -> tuple[pacsv.ConvertOptions, pacsv.ParseOptions]:
    # Every column as text: the checks parse what they need and report the rest.
    # large_string: the layout pandas keeps text in, so no copy on the way
    types = {name: pa.large_string() for name in header}
    if kind == "observations":
        # the columns of few values are encoded by the reader as it reads (on every
        # core): they reach pandas as categories, and their text is never held
        types |= {name: _ENCODED for name in CATEGORY_COLUMNS if name in types}
    convert = pacsv.ConvertOptions(column_types=types, strings_can_be_null=False,
                                   quoted_strings_can_be_null=False)
    return convert, pacsv.ParseOptions(newlines_in_values=_quoted(path))


def _read_error(label: str, exc: pa.ArrowInvalid) -> Problem:
    text = str(exc)
    reason = (Text("the file is not UTF-8 text") if "utf8" in text.lower()
              else Text("the file is not a readable CSV table ({detail})",
                        detail=text.splitlines()[0]))
    return Problem(label, None, None, None, "refused", reason)


def _empty_standard(table: pa.Table | pa.RecordBatch, kind: str) -> list[str]:
    """Optional standard columns empty in every row of ``table``."""
    standard = _STANDARD.get(kind, [])
    return [name for name in table.column_names if name in standard and name not in _ALWAYS
            and _all_empty(table.column(name))]


def _read_table(path: Path, kind: str, problems: list[Problem],
                progress: Progress | None = None) -> pd.DataFrame | None:
    label = path.name
    header = _header(path, kind, problems)
    if header is None:
        return None
    try:
        convert, parse = _text_options(path, header, kind)
        if progress is None or progress.callback is None:
            table = pacsv.read_csv(path, convert_options=convert, parse_options=parse)
        elif path.stat().st_size < _STREAM_FROM:
            # read whole (on all cores) and reported once: a file this size takes a moment
            table = pacsv.read_csv(path, convert_options=convert, parse_options=parse)
            progress.read(path.name, table.num_rows, path.stat().st_size)
        else:
            table = _read_in_blocks(path, convert, parse, progress)
    except pa.ArrowInvalid as exc:
        problems.append(_read_error(label, exc))
        return None
    # optional standard columns empty in every row are left out at once, not after the
    # checks: at a few million rows each costs tens of MB until then (see _drop_empty)
    table = table.drop_columns(_empty_standard(table, kind))
    frame = _pandas_frame(_sorted_dictionaries(table) if kind == "observations" else table)
    if not _header_usable(header, kind, label, problems):
        return None
    if kind == "deployments" and frame.empty:
        problems.append(Problem(label, None, None, None, "refused",
                                Text("the table has a header but no deployments")))
        return None
    return frame


def _sorted_dictionaries(table: pa.Table) -> pa.Table:
    """The table with each dictionary-encoded column's values in sorted order (one
    dictionary for all its chunks): they reach pandas as sorted categories, as the
    survey keeps them, and are not put in order again there (a tenth of a small load)."""
    table = table.unify_dictionaries()
    for i, field in enumerate(table.schema):
        column = table.column(i)
        if not pa.types.is_dictionary(field.type) or not column.num_chunks:
            continue
        dictionary = column.chunk(0).dictionary
        order = pc.array_sort_indices(dictionary)
        # each old index's place in the sorted dictionary
        rank = np.empty(len(order), dtype=np.int32)
        rank[order.to_numpy()] = np.arange(len(order), dtype=np.int32)
        rank = pa.array(rank)
        values = dictionary.take(order)
        chunks = [pa.DictionaryArray.from_arrays(rank.take(chunk.indices), values)
                  for chunk in column.chunks]
        table = table.set_column(i, field, pa.chunked_array(chunks, type=field.type))
    return table


def _header_usable(header: list[str], kind: str, label: str, problems: list[Problem]) -> bool:
    """False, with the reason, when a table lacks a required column (or is not
    comma-separated). Required columns are never left out as empty (see _ALWAYS)."""
    missing = [f for f in _REQUIRED.get(kind, []) if f not in header]
    if missing and len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        sign = "';'" if ";" in header[0] else Text("tabs")
        problems.append(Problem(label, 1, None, header[0][:60], "refused",
                                Text("the columns are separated by {sign}; Camtrap DP files "
                                     "are comma-separated (save as CSV with commas)",
                                     sign=sign)))
        return False
    for field in missing:
        problems.append(Problem(label, None, field, None, "refused",
                                Text("a required column is missing")))
    return not missing


def _quoted(path: Path) -> bool:
    """Whether the file has a quotation mark anywhere: only a quoted value can hold a line
    break, and a reader told that none does splits the file between its cores (a third
    faster). One scan of the bytes, mapped from the file, not read into memory."""
    with path.open("rb") as handle:
        try:
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                return data.find(b'"') >= 0
        except (ValueError, OSError):  # empty, or a file that cannot be mapped
            return True


def _libc():
    try:  # glibc's malloc_trim: Linux with the GNU C library only
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


_LIBC = _libc()

#: Bytes read at a time from a file of at least ``_STREAM_FROM`` bytes (about 200,000
#: observations): observations.csv is checked piece by piece (so a file of millions of
#: rows is never held as text), the other tables are read whole in blocks to report the
#: rows read. Smaller files are read at once on every core.
_BLOCK = 32 * 2**20
_STREAM_FROM = 64 * 2**20


def _read_in_blocks(path: Path, convert, parse, progress: Progress) -> pa.Table:
    """The CSV file read block by block, reporting the rows read after each block."""
    reader = pacsv.open_csv(path, convert_options=convert, parse_options=parse,
                            read_options=pacsv.ReadOptions(block_size=_BLOCK))
    batches, left = [], path.stat().st_size
    for batch in reader:
        batches.append(batch)
        progress.read(path.name, batch.num_rows, min(_BLOCK, left))
        left = max(left - _BLOCK, 0)
    if left:  # blocks end at line ends, so they are not all of one size
        progress.read(path.name, 0, left)
    return pa.Table.from_batches(batches, schema=reader.schema)


def _flag_cells(problems, label, frame, mask, field, message, action="refused", limit=None,
                first=0):
    """A problem row for each cell ``mask`` marks; only those cells are read as text.
    ``first`` is the table row of the frame's first row (a block of a file read in parts)."""
    idx = np.flatnonzero(mask)
    if limit is not None:
        idx = idx[:limit]
    if not len(idx):
        return
    values = (frame[field].iloc[idx].astype(str).tolist() if field in frame
              else [""] * len(idx))
    problems.extend(Problem(label, first + int(i) + 2, field, value, action, message)
                    for i, value in zip(idx, values, strict=True))


def _check_unique(problems, label, frame, field):
    ids = _arrow(frame[field])
    # counting the distinct IDs is the cheaper hashed pass; the rows are found only when
    # some repeat
    if _distinct_count(ids) < len(frame):
        encoded = pc.dictionary_encode(_whole(ids))
        # Codes are given in order of first appearance, so a row repeats an earlier ID
        # exactly when its code is not larger than every code before it.
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        dup = np.zeros(len(frame), dtype=bool)
        dup[1:] = codes[1:] <= np.maximum.accumulate(codes[:-1])
        _flag_cells(problems, label, frame, dup, field,
                    Text("duplicate ID; IDs must be unique"))
    # empty, or white space only (no trimmed copy of the column is made to tell)
    empty = pc.or_(pc.equal(pc.binary_length(ids), 0), pc.utf8_is_space(ids)).to_numpy(
        zero_copy_only=False)
    _flag_cells(problems, label, frame, empty, field, Text("the ID is empty"))


def _parse_times(problems, label, frame, field, first=0) -> tuple[pd.Series, pd.Series, bool]:
    """The column's instants and offsets (its bad values flagged) and whether its text can
    be written again from them (see :func:`_timestamps`)."""
    instants, offsets, bad, again = _timestamps(frame[field])
    _flag_cells(problems, label, frame, bad, field,
                Text("not a date-time with a UTC offset (expected e.g. "
                     "2021-06-01T22:15:00+10:00)"), first=first)
    return instants, offsets, again


#: What a number in a table looks like (no "nan", "inf" or hexadecimal).
_NUMBER = r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"


def _to_float(values: pd.Series) -> pd.Series:
    """Numbers from text, NaN where the text is not a number (vectorised with Arrow)."""
    return pd.Series(_floats(_arrow(values)), index=values.index)


def _floats(text: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """:func:`_to_float` of Arrow text."""
    arr = pc.utf8_trim_whitespace(pc.fill_null(text, ""))
    blank = pc.equal(arr, "")
    try:
        # nearly always every value is a number or empty: one cast, and only a column
        # holding something else is matched against the pattern
        out = pc.cast(pc.if_else(blank, pa.scalar(None, arr.type), arr),
                      pa.float64()).to_numpy(zero_copy_only=False)
        # the cast also reads "nan" and "inf", which are no numbers of a table
        out = np.where(np.isfinite(out), out, np.nan)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        number = pc.match_substring_regex(arr, _NUMBER)
        out = pc.cast(pc.if_else(number, arr, pa.scalar(None, arr.type)),
                      pa.float64()).to_numpy(zero_copy_only=False)
    return out


def _number(problems, label, frame, field, lo, hi, swapped=None, values=None) -> pd.Series:
    values = _to_float(frame[field]) if values is None else values
    _flag_cells(problems, label, frame, values.isna().to_numpy(), field, Text("not a number"))
    out_of_range = ((values < lo) | (values > hi)).to_numpy().copy()
    message = Text("out of range: must lie between {lo} and {hi} degrees", lo=lo, hi=hi)
    if swapped is not None:
        # A longitude in the latitude column (Primorye: 131 in place of 43) is the usual
        # cause: say so where the other column would fit as a latitude.
        hint = out_of_range & swapped
        _flag_cells(problems, label, frame, hint, field, Text(
            "out of range: must lie between {lo} and {hi} degrees; latitude and longitude "
            "look swapped", lo=lo, hi=hi))
        out_of_range &= ~hint
    _flag_cells(problems, label, frame, out_of_range, field, message)
    return values


def _deployments(frame, label, problems) -> pd.DataFrame:
    _check_unique(problems, label, frame, "deploymentID")
    other = _to_float(frame["longitude"])
    lat = _number(problems, label, frame, "latitude", -90, 90,
                  swapped=other.between(-90, 90).to_numpy())
    lon = _number(problems, label, frame, "longitude", -180, 180, values=other)
    start, start_off, _ = _parse_times(problems, label, frame, "deploymentStart")
    end, end_off, _ = _parse_times(problems, label, frame, "deploymentEnd")
    backwards = (end < start).fillna(False).to_numpy()
    _flag_cells(problems, label, frame, backwards, "deploymentEnd",
                Text("the deployment ends before it starts"))
    out = frame.copy()
    out["latitude"], out["longitude"] = lat, lon
    out["deploymentStart"], out["deploymentStart_offset"] = start, start_off
    out["deploymentEnd"], out["deploymentEnd_offset"] = end, end_off
    if "locationID" not in out or _all_empty(out["locationID"]):
        # Without locationID, a deployment's own ID stands for its station.
        out["locationID"] = out["deploymentID"]
    unreliable, odd, lowered = _clock_issues(out["timestampIssues"] if "timestampIssues" in out
                                             else pd.Series("", index=out.index, dtype="str"))
    out["timestampIssues"] = unreliable
    _flag_cells(problems, label, frame, odd, "timestampIssues",
                Text("not true or false (Camtrap DP's booleans); read as false"),
                action="flagged")
    if unreliable.any():  # quoted as lowered
        _flag_cells(problems, label, pd.DataFrame({"timestampIssues": lowered()}),
                    unreliable, "timestampIssues",
                    Text("the camera clock was unreliable; kept, and flagged in effort and "
                         "maps"), action="flagged")
    return out


def _clock_issues(values: pd.Series) -> tuple[np.ndarray, np.ndarray, Callable]:
    """Read ``timestampIssues``: where it says true (true, 1, yes in any case), where it
    is none of Camtrap DP's booleans (nor empty), and a call giving the text lowered.
    Each distinct value is read once (a survey writes two or three)."""
    words, codes = _distinct(values)
    lowered = pc.utf8_lower(words)
    # a missing value takes the last place: not true, and odd
    unreliable = np.append(_is_in(lowered, ("true", "1", "yes")), False)
    odd = np.append(~_is_in(pc.utf8_trim_whitespace(lowered),
                            ("true", "false", "1", "0", "yes", "no", "")), True)
    return (unreliable[codes], odd[codes],
            lambda: pd.Series(pd.array(lowered, dtype="str").take(codes, allow_fill=True),
                              index=values.index))


#: A package of fewer bytes is small: it is read and checked on one thread (its checks
#: are short passes that hold the interpreter, and two threads taking turns were slower
#: than one: the demo 148 ms on two, 132 ms on one; 12 MB as fast on either; 23 MB a
#: fifth faster on two), and the memory it frees is not given back between stages (a
#: few MB, reused at once).
_SMALL = 16 * 2**20


class _AtOnce:
    """An executor that runs what it is given at once, on the calling thread."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def submit(self, call: Callable, *args) -> Future:
        done: Future = Future()
        try:
            done.set_result(call(*args))
        except Exception as exc:  # given back by result(), as a pool's would be
            done.set_exception(exc)
        return done


def _pool_for(size: int) -> ThreadPoolExecutor | _AtOnce:
    """A second thread for the checks of a package of ``size`` bytes, or none."""
    return ThreadPoolExecutor(max_workers=1) if size >= _SMALL else _AtOnce()


def _beside(pool: ThreadPoolExecutor | None, check: Callable, *args) -> Callable:
    """Start ``check(found, *args)`` on the pool's thread (at once without a pool); the
    returned call waits for it and gives ``(found, result)``.

    The checks of a large table are whole-column passes in Arrow and numpy, which let go
    of the interpreter while they run, so a second core takes half of them. Each check
    gathers its problems in a list of its own, put in the usual order afterwards: the
    list a reader returns does not depend on which check finished first.
    """
    found: list[Problem] = []
    if pool is None:
        result = check(found, *args)
        return lambda: (found, result)
    future = pool.submit(check, found, *args)
    return lambda: (found, future.result())


#: The checks made block by block, in the order their problems are listed (after the
#: duplicate IDs and unknown deployments, which need the whole table).
_BLOCK_CHECKS = ("eventStart", "eventEnd", "backwards", "observationLevel", "observationType",
                 "count")


def _observation_block(frame: pd.DataFrame, label: str, found: dict[str, list[Problem]],
                       first: int = 0) -> tuple[pd.DataFrame, bool]:
    """One block of observations.csv (table rows ``first`` on) checked and parsed: times
    to instants and offsets, counts to integers, the columns of few values to categories.
    Problems go to ``found[check]`` (see :data:`_BLOCK_CHECKS`). Also whether the text of
    eventStart can be written again from its instants and offsets."""
    start, start_off, again = _parse_times(found["eventStart"], label, frame, "eventStart",
                                           first)
    end, end_off, _ = _parse_times(found["eventEnd"], label, frame, "eventEnd", first)
    backwards = (end < start).fillna(False).to_numpy()
    _flag_cells(found["backwards"], label, frame, backwards, "eventEnd",
                Text("the event ends before it starts"), first=first)
    _flag_cells(found["observationLevel"], label, frame,
                _not_one_of(frame["observationLevel"], _LEVELS), "observationLevel",
                Text("must be 'event' or 'media'"), first=first)
    _flag_cells(found["observationType"], label, frame,
                _not_one_of(frame["observationType"], _OBSERVATION_TYPES),
                "observationType", Text("must be one of {values}",
                                        values=", ".join(sorted(_OBSERVATION_TYPES))),
                first=first)
    out = frame.copy()
    out["eventStart"], out["eventStart_offset"] = start, start_off
    out["eventEnd"], out["eventEnd_offset"] = end, end_off
    for field in ("scientificName", "lifeStage", "sex", "individualID", "eventID"):
        if field not in out:
            out[field] = ""
    if "count" in out:
        count, bad, huge = _counts(out["count"])
        _flag_cells(found["count"], label, out, bad, "count",
                    Text("must be a whole number of 1 or more"), first=first)
        _flag_cells(found["count"], label, out, huge, "count",
                    Text("too large to be a count"), first=first)
        out["count"] = count
    else:
        out["count"] = pd.array([pd.NA] * len(out), dtype="Int64")
    # the text of these columns is let go with the block: a few values each, held once
    # (put in sorted order when the blocks are joined)
    for field in CATEGORY_COLUMNS:
        if field in out and not isinstance(out[field].dtype, pd.CategoricalDtype):
            out[field] = out[field].astype("category")
    return out, again


def _counts(text: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """The counts as whole numbers (missing where empty or refused) and where they are
    refused: not a whole number of 1 or more, or more than a 64-bit integer holds
    (1e20). A column holds a few distinct counts, each read once, whatever its rows."""
    words, codes = _distinct(text)
    # a missing value takes the last place: no number, and refused (as text it is none)
    number = np.append(_floats(words), np.nan)
    blank = np.append(pc.equal(pc.utf8_trim_whitespace(words), "").to_numpy(
        zero_copy_only=False), False)
    missing = np.isnan(number)
    whole = missing | (number == np.floor(number))
    bad = (missing & ~blank) | (number < 1) | ~whole
    # beyond 2**63 no integer column holds it (the cast raised an error, stopping the load)
    huge = ~missing & (np.abs(number) >= 2.0**63)
    # a refused count (1.5) stops the load; it must not stop the check of the others
    held = np.where(whole & ~huge, number, np.nan)
    count = pd.Series(held[codes], index=text.index).astype("Int64")
    return count, bad[codes], (huge & ~bad)[codes]


def _not_one_of(values: pd.Series, allowed: set[str]) -> np.ndarray:
    """True where the text, trimmed, is none of ``allowed``; a category column is checked
    by its few values, not row by row."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        return ~_is_in(pc.utf8_trim_whitespace(_arrow(values)), allowed)
    names = pd.Series(values.cat.categories, dtype="str")
    bad = np.append(~_is_in(pc.utf8_trim_whitespace(_arrow(names)), allowed), True)
    return bad[values.cat.codes.to_numpy()]  # code -1 (missing) takes the last: refused


def _read_observations(path: Path, paths: dict[str, Path], problems: list[Problem],
                       tracker: Progress, pool: ThreadPoolExecutor | None = None
                       ) -> tuple[pd.DataFrame, list[tuple[int, pd.Series | None]],
                                  list[Problem], Callable] | None:
    """observations.csv read, checked and parsed block by block (see _observation_block).

    A file of :data:`_STREAM_FROM` bytes or more is never held as text: each block of
    about :data:`_BLOCK` bytes is turned into its final columns before the next is read;
    a smaller one is read at once and checked as one block. Returns the table (as
    :func:`_observation_block` gives it, with any extra columns), the text of
    ``eventStart`` as written, block by block (quoted by later checks, see
    :func:`_written_text`), the blocks' problems in the order of :data:`_BLOCK_CHECKS`
    and the check of repeated or empty observation IDs (see :func:`_beside`: started on
    ``pool`` as soon as the IDs are read); None when the file cannot be read (the reason
    in ``problems``).
    """
    label = path.name
    found: dict[str, list[Problem]] = {check: [] for check in _BLOCK_CHECKS}
    if path.exists() and path.stat().st_size >= _STREAM_FROM:
        header = _header(path, "observations", problems)
        if header is None or not _header_usable(header, "observations", label, problems):
            return None
        unique = None  # the IDs are whole only when the pieces are joined
        try:
            blocks, written = _blocks_of(path, header, label, found, tracker)
        except pa.ArrowInvalid as exc:
            problems.append(_read_error(label, exc))
            return None
    else:
        frame = _read_table(path, "observations", problems, tracker)
        if frame is None:
            return None
        header = list(frame.columns)
        # the IDs are checked on the second core while this one checks the rest
        unique = _beside(pool, _check_unique, label, frame, "observationID")
        blocks, written = [_observation_block(frame, label, found)[0]], [(len(frame),
                                                                          frame["eventStart"])]
    table = _joined(blocks, header)
    del blocks
    _give_back(tracker.total_bytes)
    if unique is None:
        unique = _beside(pool, _check_unique, label, table, "observationID")
    # extra columns stand after the file's own, before the parsed ones (as they always did)
    merged = _extra_columns(table, "observations", paths, problems)
    if merged is not table:
        own = [c for c in table.columns if c in header]
        extra = [c for c in merged.columns if c not in table.columns]
        table = merged[own + extra + [c for c in table.columns if c not in header]]
    return table, written, [p for check in _BLOCK_CHECKS for p in found[check]], unique


def _blocks_of(path: Path, header: list[str], label: str, found: dict[str, list[Problem]],
               tracker: Progress) -> tuple[list[pd.DataFrame], list[tuple[int, pd.Series | None]]]:
    """The blocks of a large observations file, each checked and parsed as it is read,
    and the rows of each with the written text of its eventStart, None where that text
    can be written again (see :func:`_written_text`)."""
    blocks, written, first = [], [], 0
    for batch, size in _batches(path, header):
        tracker.read(path.name, batch.num_rows, size)
        frame = _pandas_frame(batch)
        del batch
        block, again = _observation_block(frame, label, found, first)
        blocks.append(block)
        written.append((len(frame), None if again else frame["eventStart"]))
        first += len(frame)
    if not blocks:  # a header and nothing else
        frame = pa.table({name: pa.array([], pa.large_string()) for name in header}).to_pandas()
        written.append((0, frame["eventStart"]))
        blocks.append(_observation_block(frame, label, found)[0])
    return blocks, written


def _batches(path: Path, header: list[str]):
    """The rows of a CSV file as tables of about :data:`_BLOCK` bytes each, with the bytes
    each took.

    A file with no quotation mark has no line break inside a value, so it is cut at line
    ends and each piece read by pyarrow on every core; any other file goes through
    pyarrow's streaming reader, which reads on one core.
    """
    convert, parse = _text_options(path, header, "observations")
    if parse.newlines_in_values:
        reader = pacsv.open_csv(path, convert_options=convert, parse_options=parse,
                                read_options=pacsv.ReadOptions(block_size=_BLOCK))
        left = path.stat().st_size
        for batch in reader:
            yield _prepared(pa.Table.from_batches([batch])), min(_BLOCK, left)
            left = max(left - _BLOCK, 0)
        return
    names = pacsv.ReadOptions(column_names=header)

    def read(piece: bytes, size: int) -> tuple[pa.Table, int]:
        return _prepared(pacsv.read_csv(pa.py_buffer(piece), read_options=names,
                                        parse_options=parse, convert_options=convert)), size

    # the next piece is read (on every core, the interpreter let go) while this one is
    # checked: two pieces at most are held at a time
    with ThreadPoolExecutor(max_workers=1) as reader:
        waiting = None
        for piece, size in _pieces(path):
            ahead = reader.submit(read, piece, size)
            del piece
            if waiting is not None:
                yield waiting.result()
            waiting = ahead
        if waiting is not None:
            yield waiting.result()


def _prepared(table: pa.Table) -> pa.Table:
    """A block as read, less its optional columns empty in every row (never made, as in a
    whole read)."""
    return table.drop_columns(_empty_standard(table, "observations"))


#: How the observations' columns of few values are read (see :func:`_text_options`).
_ENCODED = pa.dictionary(pa.int32(), pa.large_string())


def _pieces(path: Path):
    """The rows of a CSV file without line breaks in values, after its header, in pieces
    of about :data:`_BLOCK` bytes that end at a line end, each with the bytes of the file
    it stands for (the first also the header's).

    The pieces are views of the file mapped into memory, not copies: the reader takes
    its bytes from the page cache, and no piece is allocated and filled here. The pages
    of the pieces before the last one given are let go from this process as each new one
    is given (:func:`_batches` holds two at most; a page let go too early is only read
    again from the cache), so the file does not count in the process's memory. The map
    itself goes with the last piece (which may still be read on another thread when the
    rows run out, so it is not closed here).
    """
    with path.open("rb") as handle:
        data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    start = data.find(b"\n") + 1  # after the header, read already
    if not start:
        return
    view, header, end_of_file = memoryview(data), start, len(data)
    previous = dropped = 0
    while start < end_of_file:
        end = min(start + _BLOCK, end_of_file)
        if end < end_of_file:  # more follows: the piece ends at its last line end
            cut = data.rfind(b"\n", start, end) + 1
            # a line longer than a piece is taken whole, to its line end
            end = cut if cut > start else (data.find(b"\n", end) + 1 or end_of_file)
        done = previous - previous % mmap.PAGESIZE
        if _DONTNEED is not None and done > dropped:
            data.madvise(_DONTNEED, dropped, done - dropped)
            dropped = done
        yield view[start:end], end - start + header
        header, previous, start = 0, start, end


#: Where the system lets a process give back mapped pages of a file (not on Windows).
_DONTNEED = getattr(mmap, "MADV_DONTNEED", None) if hasattr(mmap.mmap, "madvise") else None


def _give_back(package_bytes: int) -> None:
    """Return the memory freed so far to the system, in the load of a package of
    ``package_bytes`` that is not small (see :data:`_SMALL`).

    Between the stages of a large load both allocators keep what was freed (Arrow's for
    the next read, the C library's in its heap): at 100x the demo that held the process
    at 1.7 GB where the tables took 1.2 GB. Each call takes a few milliseconds.
    """
    if package_bytes < _SMALL:
        return
    pa.default_memory_pool().release_unused()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _joined(blocks: list[pd.DataFrame], header: list[str]) -> pd.DataFrame:
    """The blocks as one table, columns in the order a whole read gives them: the header's
    (less the optional ones empty throughout), then the parsed ones added."""
    if len(blocks) == 1:
        return blocks[0]
    present = {c for block in blocks for c in block.columns}
    added = [c for c in blocks[0].columns if c not in header]
    order = [c for c in header if c in present] + added
    table = pd.DataFrame(index=pd.RangeIndex(sum(len(block) for block in blocks)))
    for name in order:
        parts = [block[name] if name in block else pd.Series("", index=block.index,
                                                              dtype="str")
                 for block in blocks]
        # each column leaves the blocks as it is joined: the whole table is never held
        # twice, only one column of it
        for block in blocks:
            if name in block:
                del block[name]
        if name in CATEGORY_COLUMNS:
            parts = [pd.Categorical.from_codes(
                part.cat.codes, categories=pd.Index(part.cat.categories, dtype="str"))
                if isinstance(part.dtype, pd.CategoricalDtype) else
                pd.Categorical(part) for part in parts]
            table[name] = union_categoricals(parts, sort_categories=True)
        else:
            table[name] = pd.concat(parts, ignore_index=True)
        del parts
    # set one by one, the columns are not stacked into blocks (a copy of the numbers)
    return table


def _media(path: Path, paths: dict[str, Path], problems: list[Problem], deployment_ids,
           tracker: Progress | None = None, root: Path | None = None,
           pool: ThreadPoolExecutor | None = None) -> Callable[[], pd.DataFrame]:
    """The media table, checked like the others (unique IDs, known deployments, times).

    landmap counts nothing from media, so a media table that breaks the standard does not
    stop a load: its problems are listed, the table is kept as read (text unchanged) and
    written back whole. ``timestamp_utc`` and ``timestamp_offset`` are added for
    selections. The file is read at once; its checks run on ``pool`` (at once without
    one), and the returned call waits for them, adds the problems and gives the table.
    """
    found: list[Problem] = []
    frame = _extra_columns(_read_table(path, "media", found, tracker), "media", paths, found)
    checked = _beside(pool, _checked_media, path.name, frame, path, deployment_ids, root)

    def table() -> pd.DataFrame:
        more, out = checked()
        _media_problems(problems, path.name, found + more)
        return out

    return table


def _checked_media(found: list[Problem], label: str, frame: pd.DataFrame | None, path: Path,
                   deployment_ids, root: Path | None) -> pd.DataFrame:
    if frame is None:
        frame = _raw_text(path)
    else:
        _check_unique(found, label, frame, "mediaID")
        unknown = ~_is_in(frame["deploymentID"], deployment_ids)
        _flag_cells(found, label, frame, unknown, "deploymentID",
                    Text("refers to a deployment that is not in deployments.csv"))
        when, offset, _ = _parse_times(found, label, frame, "timestamp")
        frame = frame.assign(timestamp_utc=when, timestamp_offset=offset)
        _check_media_values(found, label, frame)
        if root is not None:
            _check_media_paths(found, label, frame, root)
    return frame


def _media_problems(problems: list[Problem], label: str, found: list[Problem]) -> None:
    if found:
        problems.extend(dataclasses.replace(p, action="flagged") for p in found)
        problems.append(Problem(label, None, None, None, "kept", Text(
            "the media table does not follow Camtrap DP ({n} problems above); it is kept "
            "as read and written back with every row", n=len(found))))


#: Frictionless' default spellings of a boolean, as Camtrap DP's schema reads them.
_BOOLEAN_TEXT = ("true", "True", "TRUE", "1", "false", "False", "FALSE", "0")


def _check_media_values(found: list[Problem], label: str, frame: pd.DataFrame) -> None:
    """Booleans, capture methods and media types of the media table, column by column."""
    for field, required in (("filePublic", True), ("favorite", False)):
        if field in frame:
            _flag_cells(found, label, frame, _per_value(frame[field], lambda v, r=required: (
                v.strip() not in _BOOLEAN_TEXT and (v.strip() != "" or r))), field,
                Text("must be true or false"))
    if "captureMethod" in frame:
        _flag_cells(found, label, frame, _per_value(frame["captureMethod"], lambda v: (
            v not in ("", "activityDetection", "timeLapse"))), "captureMethod",
            Text("must be activityDetection or timeLapse"))
    if "fileMediatype" in frame:
        _flag_cells(found, label, frame, _per_value(frame["fileMediatype"], lambda v: (
            _MEDIA_TYPE.fullmatch(v) is None)), "fileMediatype",
            Text("must be a media type such as image/jpeg or video/mp4"))


_MEDIA_TYPE = re.compile(r"(image|video|audio)/[\w.+-]+")


def _per_value(values: pd.Series, test: Callable[[str], bool]) -> np.ndarray:
    """``test`` of each row's text (missing as ""), made once per distinct value: a
    column of a few values (booleans, media types) takes a few calls whatever its rows,
    and no pass of pandas' text methods (each a fixed cost on a small table)."""
    words, codes = _distinct(pc.fill_null(_arrow(values), ""))
    verdict = np.array([bool(test(v)) for v in words.to_pylist()], dtype=bool)
    return verdict[codes]


def _distinct(values: pd.Series | pa.Array | pa.ChunkedArray) -> tuple[pa.Array, np.ndarray]:
    """The distinct texts of a column and each row's place among them, -1 where the value
    is missing: a check judges each distinct text once and spreads the verdict to the
    rows (appending the verdict of a missing value last, which -1 picks)."""
    coded = pc.dictionary_encode(_whole(_arrow(values)))
    return coded.dictionary, pc.fill_null(coded.indices, -1).to_numpy(zero_copy_only=False)


def _check_media_paths(found: list[Problem], label: str, frame: pd.DataFrame,
                       root: Path) -> None:
    """Each local file's path must lead inside the package (remote ones are not fetched).

    Whole-column text tests find empty, absolute and ``..`` paths and other URL schemes;
    one walk of the package folder finds the symbolic links whose target lies outside,
    and the paths through them. No file is opened or looked up one by one (a package may
    list a million pictures). A file that is simply not there is not a problem of the
    table (a package is often shared without its pictures): the Data page lists those
    with :func:`landmap.media.media_table`, which gives the same reasons
    (:func:`landmap.media.media_path`)."""
    if "filePath" not in frame:
        return
    # Arrow's text kernels, one pass each (no pandas accessor's fixed cost); the text is
    # trimmed, so a "$" of the patterns below never meets a trailing line break, where
    # Arrow's patterns and Python's would differ
    text = pc.utf8_trim_whitespace(pc.fill_null(_arrow(frame["filePath"]), ""))
    lower = pc.utf8_lower(text)
    path = pc.replace_substring(text, "\\", "/")

    def where(arr) -> np.ndarray:
        return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=bool)

    empty = where(pc.equal(text, ""))
    remote = where(pc.starts_with(lower, "http://")) | where(pc.starts_with(lower, "https://"))
    scheme = ~remote & (where(pc.match_substring(lower, "://"))
                        | where(pc.starts_with(lower, "file:"))
                        | where(pc.starts_with(lower, "data:")))
    local = ~remote & ~scheme & ~empty
    absolute = local & (where(pc.starts_with(path, "/"))
                        | where(pc.match_substring_regex(path, r"^[^/]*:")))
    outside = local & ~absolute & where(pc.match_substring_regex(path, r"(?:^|/)\.\.(?:/|$)"))
    links = _links_out_of(root)
    if links:
        plain = pd.Series(path.to_pylist(), dtype="str").str.replace(
            r"^(?:\./)+", "", regex=True).str.replace(r"/+", "/", regex=True)
        through = np.zeros(len(frame), dtype=bool)
        for link in links:
            through |= ((plain == link) | plain.str.startswith(link + "/")).to_numpy()
        outside |= local & ~absolute & through
    for mask, reason in (
            (empty, Text("the file path is empty")),
            (scheme, Text("only paths inside the package or http(s) addresses are read")),
            (absolute, Text("an absolute path: media must lie inside the package folder")),
            (outside, Text("the path leads outside the package folder"))):
        _flag_cells(found, label, frame, mask, "filePath", reason)


def _links_out_of(root: Path) -> list[str]:
    """Symbolic links inside ``root`` whose target lies outside it (paths relative to
    ``root``, with "/"), found in one walk that follows no link."""
    base = Path(root).resolve()
    out, folders = [], [base]
    while folders:
        # the entry's own type comes with the listing: no look-up per file
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_symlink():
                    if not Path(entry.path).resolve().is_relative_to(base):
                        out.append(Path(entry.path).relative_to(base).as_posix())
                elif entry.is_dir(follow_symlinks=False):
                    folders.append(Path(entry.path))
    return sorted(out)


def _raw_text(path: Path) -> pd.DataFrame:
    """A CSV file as text columns, for a table kept but not checked (empty if unreadable)."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError, OSError):
        return pd.DataFrame()


#: Resources landmap reads itself; the descriptor's others are carried through unread.
_READ = ("deployments", "observations", "media", "individuals",
         "deployments-extra-columns", "observations-extra-columns", "media-extra-columns")
#: The ID column of each standard table, the key of its extra columns.
_KEYS = {"deployments": "deploymentID", "observations": "observationID", "media": "mediaID"}


def _extra_columns(frame: pd.DataFrame | None, kind: str, paths: dict[str, Path],
                   problems: list[Problem]) -> pd.DataFrame | None:
    """A standard table with its extra columns put back (see :func:`write_camtrapdp`):
    the official schemas allow no column beyond the standard's, so a table's own columns
    travel in a ``<table>-extra-columns`` resource keyed by the table's ID."""
    name = f"{kind}-extra-columns"
    if frame is None or name not in paths:
        return frame
    found: list[Problem] = []
    extra = _read_table(paths[name], name, found)
    key = _KEYS[kind]
    label = paths[name].name
    if extra is None or key not in extra or extra[key].duplicated().any():
        problems.extend(dataclasses.replace(p, action="flagged") for p in found)
        problems.append(Problem(label, None, key, None, "flagged", Text(
            "not readable as extra columns by {key} (one row per ID); left out",
            key=key)))
        return frame
    extra = extra[[key] + [c for c in extra.columns if c != key and c not in frame]]
    lost = ~extra[key].isin(frame[key]).to_numpy()
    _flag_cells(problems, label, extra, lost, key,
                Text("no row of {table} has this ID; its extra columns are left out",
                     table=f"{kind}.csv"), action="flagged")
    return frame.merge(extra, on=key, how="left", validate="many_to_one").fillna(
        {c: "" for c in extra.columns})
#: The largest file of an unread resource carried through to the export.
_KEPT_FILE_LIMIT = 64 * 2**20


def _unread_files(paths: dict[str, Path], folder: Path, descriptor: dict,
                  problems: list[Problem]) -> dict[str, bytes]:
    """The bytes of the resources landmap does not read, to write back unchanged."""
    files = {}
    for resource in descriptor.get("resources", []):
        if not isinstance(resource, dict) or resource.get("name") in _READ:
            continue
        path = paths.get(resource.get("name"))
        if path is None:
            continue  # inline data stay in the descriptor
        relative = path.relative_to(folder).as_posix()
        if not path.is_file():
            problems.append(Problem("datapackage.json", None, "path", relative, "kept",
                                    Text("the file of this resource is missing; the "
                                         "resource is left out of exports")))
        elif path.stat().st_size > _KEPT_FILE_LIMIT:
            problems.append(Problem(relative, None, None, None, "kept", Text(
                "larger than {mb} MB: not carried through to exports", mb=64)))
        else:
            files[relative] = path.read_bytes()
    return files


#: The standard's columns of each table a reader may leave out when they are empty.
_STANDARD = {"deployments": DEPLOYMENT_FIELDS, "observations": OBSERVATION_FIELDS}
# Columns the analyses read even when a package leaves them empty.
_ALWAYS = {"deploymentID", "locationID", "locationName", "latitude", "longitude",
           "deploymentStart", "deploymentEnd", "timestampIssues", "deploymentTags",
           "observationID", "eventID", "eventStart", "eventEnd", "observationLevel",
           "observationType", "scientificName", "count", "lifeStage", "sex", "individualID",
           "observationComments"}


def _drop_empty(frame: pd.DataFrame, standard: list[str]) -> pd.DataFrame:
    """Leave out optional standard columns that are empty in every row.

    Each empty text column of a few million rows still costs tens of MB; the writer puts
    every standard column back (empty) on export, and unknown extra columns are always kept.
    """
    empty = [c for c in standard if c in frame and c not in _ALWAYS and _blank(frame[c])]
    return frame.drop(columns=empty) if empty else frame


def _blank(values: pd.Series) -> bool:
    """True for a text or category column holding nothing but empty text."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        # categories are distinct: blank when there are none, or the one is ""
        names = values.cat.categories
        return not values.hasnans and (len(names) == 0 or (len(names) == 1
                                                           and names[0] == ""))
    return pd.api.types.is_string_dtype(values) and _all_empty(values)


def _individuals(frame, label, problems) -> pd.DataFrame:
    _check_unique(problems, label, frame, "individualID")
    out = frame.copy()
    for field in INDIVIDUAL_FIELDS:
        if field not in out:
            out[field] = ""
    return out


def read_camtrapdp(
    path: str | Path,
    boundaries: Boundaries | None = None,
    *,
    progress: Callable[[LoadStep], None] | None = None,
) -> Survey:
    """Read a Camtrap DP 1.0 package into a :class:`~landmap.survey.Survey`.

    Parameters
    ----------
    path : str or Path
        The package folder, or its ``datapackage.json``.
    boundaries : Boundaries, optional
        Layers used to assign each station a country; the bundled ones by default.
    progress : callable, optional
        Called with a :class:`~landmap.io.progress.LoadStep` as the files are read (every
        16 MB) and checked, for a progress bar.

    Returns
    -------
    Survey
        Deployments as a GeoDataFrame of station points (EPSG:4326), the observations of
        one level only (``event`` when a package holds both levels), individuals,
        metadata and boundaries. Deployments with ``timestampIssues`` and observations of
        the level not counted are kept and listed in ``survey.problems``.

    Raises
    ------
    DataError
        Listing every missing required field, unparsable date, coordinate out of range,
        duplicate ID or unknown deploymentID, each with its file, row and field.

    Examples
    --------
    >>> from landmap.demo import DEMO_DIR
    >>> survey = read_camtrapdp(DEMO_DIR)
    >>> survey.observation_level
    'event'
    >>> read_camtrapdp("/nonexistent")
    Traceback (most recent call last):
    ...
    landmap.io.validate.DataError: 1 problem in the input:
    - /nonexistent: no datapackage.json here; a Camtrap DP package is a folder holding one
    """
    with _memory_given_back(), _no_cycle_collection():
        return _read_package(Path(path), boundaries, progress)


_GC_LOCK = threading.Lock()
_GC_LOADS = 0
_GC_WAS_ON = True


@contextlib.contextmanager
def _no_cycle_collection():
    """Within, Python's collector of reference cycles does not run. A load makes
    thousands of short-lived objects (frames, arrays, problem rows) and frees them as it
    goes; the collector still walked every object of the process several times per
    load (3 ms of a 100 ms load of the demo, more in a dashboard holding more). Cycles
    made meanwhile are collected after. Loads at the same time share the setting (the
    first one in turns the collector off, the last one out restores it)."""
    global _GC_LOADS, _GC_WAS_ON
    with _GC_LOCK:
        if _GC_LOADS == 0:
            _GC_WAS_ON = gc.isenabled()
            gc.disable()
        _GC_LOADS += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_LOADS -= 1
            if _GC_LOADS == 0 and _GC_WAS_ON:
                gc.enable()


def _read_package(path: Path, boundaries: Boundaries | None,
                  progress: Callable[[LoadStep], None] | None) -> Survey:
    folder = path.parent if path.name == "datapackage.json" else path
    descriptor_path = folder / "datapackage.json"
    if not descriptor_path.exists():
        raise DataError([Problem(str(folder), None, None, None, "refused",
                                 Text("no datapackage.json here; a Camtrap DP package is "
                                      "a folder holding one"))])
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError([Problem("datapackage.json", None, None, None, "refused",
                                 Text("not valid JSON ({error})", error=str(exc)))]
                        ) from None
    problems: list[Problem] = []
    if not isinstance(descriptor, dict):
        raise DataError([Problem("datapackage.json", None, None, None, "refused",
                                 Text("not a Camtrap DP descriptor: the file must hold a "
                                      "JSON object"))])
    paths = _resource_paths(folder, descriptor, problems)
    for kind in ("deployments", "observations"):
        if kind not in paths:
            problems.append(Problem("datapackage.json", None, None, kind, "refused",
                                    Text("the package has no '{kind}' resource",
                                         kind=kind)))
    if any(p.action == "refused" for p in problems):
        raise DataError(problems)
    tracker = Progress(progress, total_bytes=sum(
        paths[k].stat().st_size for k in ("deployments", "observations", "individuals",
                                          "media") if k in paths and paths[k].is_file()))
    label = paths["observations"].name
    with _pool_for(tracker.total_bytes) as pool:
        # the bundled layers (read from disk once per process) are read on the pool's
        # thread, idle while the deployments are read here
        layers = pool.submit(load_boundaries) if boundaries is None else None
        dep_raw = _extra_columns(_read_table(paths["deployments"], "deployments", problems,
                                             tracker), "deployments", paths, problems)
        # the deployments are checked on the pool's thread while the observations are read
        checked = (_beside(pool, lambda found, raw: _deployments(
            raw, paths["deployments"].name, found), dep_raw) if dep_raw is not None else None)
        # only the IDs are needed here: the table as read (all text) goes when its check
        # ends, not after the observations (at 100x the demo it holds 250 MB)
        dep_ids = dep_raw["deploymentID"] if dep_raw is not None else None
        del dep_raw
        _give_back(tracker.total_bytes)
        read = _read_observations(paths["observations"], paths, problems, tracker, pool)
        ind_raw = (_read_table(paths["individuals"], "individuals", problems, tracker)
                   if "individuals" in paths else pd.DataFrame(columns=INDIVIDUAL_FIELDS))
        if dep_ids is None or read is None or ind_raw is None:
            raise DataError(problems)
        observations, written, block_problems, unique = read
        # read with the other files, checked on the pool's thread after the deployments
        # (its problems are listed after theirs, as always)
        media_problems: list[Problem] = []
        media_table = (_media(paths["media"], paths, media_problems, dep_ids,
                              tracker, root=folder, pool=pool)
                       if "media" in paths else lambda: pd.DataFrame())
        tracker.stage("checking", 0.0)
        # the deployment of each observation, looked up once for every check that needs it
        at = _positions_of(observations["deploymentID"], dep_ids)
        tracker.stage("checking", 0.2)
        unknown: list[Problem] = []
        _flag_cells(unknown, label, observations, at < 0, "deploymentID",
                    Text("refers to a deployment that is not in deployments.csv"))
        found, deployments = checked()
        del dep_ids, checked
        repeated, _ = unique()
        media = media_table()
        problems.extend(found + repeated + unknown + block_problems)
        tracker.stage("checking", 0.7)
        individuals = _individuals(ind_raw, paths.get("individuals", Path("individuals.csv")).name,
                                   problems)
        problems.extend(media_problems)
        tracker.stage("checking", 0.8)
        errors = [p for p in problems if p.action == "refused"]
        if errors:
            raise DataError(errors)
        # the stations' points and countries are made on the second core while the
        # observations are finished here (the layers were read there before)
        # (the coordinates taken here: the table gains columns meanwhile)
        lon, lat = (deployments[c].to_numpy(float, copy=True) for c in ("longitude", "latitude"))
        points = pool.submit(lambda: _points(*_places(lon, lat), boundaries if layers is None
                                             else layers.result()))

        # local dates and hours follow the camera's clock: its deployment's offset
        # (filled in place: at 100x the demo each array of it is 22 MB, at the load's peak)
        local = deployments["deploymentStart_offset"].to_numpy()[at]
        unknown = at < 0
        if unknown.any():  # no deployment: the observation's own offset
            local[unknown] = observations["eventStart_offset"].to_numpy()[unknown]
        observations["local_offset"] = local.astype(observations["eventStart_offset"].dtype,
                                                    copy=False)
        del local, unknown
        differs = (observations["local_offset"] != observations["eventStart_offset"]).to_numpy()
        if differs.any():
            shown = sorted({_offset_text(m) for m in observations.loc[differs, "local_offset"]})
            problems.append(Problem(paths["observations"].name, None, "eventStart",
                                    None, "kept",
                                    Text("{n} observations are written with another UTC offset "
                                         "than their deployment; their local dates and hours use "
                                         "the deployment's ({offsets})", n=int(differs.sum()),
                                         offsets=", ".join(shown))))
        _plausible(observations, written, deployments, at, label, problems)
        del written
        _give_back(tracker.total_bytes)
        levels = set(observations["observationLevel"].unique())
        level = "event" if "event" in levels or not levels else "media"
        if len(levels) > 1:
            aside = (observations["observationLevel"] != level).to_numpy()
            problems.append(Problem(paths["observations"].name, None, "observationLevel", "media",
                                    "kept", Text("media-level observations kept aside: {n}; "
                                                 "animals are counted from event level only",
                                                 n=int(aside.sum()))))
        at_level = (observations["observationLevel"] == level).to_numpy()
        # most packages hold one level: then the table is used as it is, not copied
        counted = _drop_empty(observations if at_level.all() else
                              observations[at_level].reset_index(drop=True), OBSERVATION_FIELDS)
        # the category columns (made block by block) are put in order on the second core
        # while effort and points are computed here (they read none of those columns)
        held = pool.submit(_with_categories, counted)
        aside = (observations.iloc[:0] if at_level.all() else observations[~at_level]
                 ).reset_index(drop=True)
        # the other level is carried as text, as the other kept tables are (none is made
        # empty at once: a category column's cast costs as much without rows)
        for column in CATEGORY_COLUMNS:  # (a frame's astype passes over every column)
            if column in aside:
                aside[column] = (aside[column].astype("str") if len(aside) else
                                 pd.Series([], dtype="str", index=aside.index))
        kept = Kept(observations=aside, media=media,
                    files=_unread_files(paths, folder, descriptor, problems))

        # effort stops at a failed camera's last photograph (of any level, species or none)
        deployments["effort_end"] = effort_end(deployments, observations, deployment_rows=at)
        cut = deployments["effort_end"] < deployments["deploymentEnd"]
        if cut.any():
            lost = float(((deployments["deploymentEnd"] - deployments["effort_end"])[cut]
                          / pd.Timedelta(days=1)).sum())
            problems.append(Problem(paths["deployments"].name, None, "deploymentTags", FAILED_TAG,
                                    "kept", Text("{n} deployments tagged 'failed' count until "
                                                 "their last photograph: {days} camera-days "
                                                 "after it are not effort",
                                                 n=int(cut.sum()), days=f"{lost:,.1f}")))
        boundaries = boundaries if layers is None else layers.result()
        deployments = _drop_empty(deployments, DEPLOYMENT_FIELDS)
        stations = _with_points(deployments, *points.result())
        _far_away(stations, paths["deployments"].name, boundaries, problems)
        tracker.stage("checking", 1.0)
        survey = Survey(
            deployments=stations,
            observations=held.result(),
            individuals=individuals,
            metadata=descriptor,
            boundaries=boundaries,
            source=str(folder),
            observation_level=level,
            problems=problems,
            kept=kept,
        )
        # the deployment rows the checks found: the stations are the deployments' rows
        return _know_deployment_rows(survey, at if at_level.all() else at[at_level])


# --------------------------------------------------------------------------- writing
def _csv(frame: pd.DataFrame, fields: list[str], path: Path) -> None:
    out = frame.reindex(columns=fields + [c for c in frame.columns if c not in fields])
    out.to_csv(path, index=False, lineterminator="\n")


def _standard_csv(frame: pd.DataFrame, kind: str, fields: list[str], folder: Path
                  ) -> dict | None:
    """Write a standard table with the standard's columns only; its other columns go to
    a ``<kind>-extra-columns`` table keyed by the table's ID (the official schemas allow
    no extra column; Camtrap DP's FAQ advises a custom table with a foreign key).
    Returns that table's resource, if any."""
    key = _KEYS[kind]
    extra = [c for c in frame.columns if c not in fields]
    frame.reindex(columns=fields).to_csv(folder / f"{kind}.csv", index=False,
                                         lineterminator="\n")
    if not extra or key not in frame:
        return None
    name = f"{kind}-extra-columns"
    frame[[key, *extra]].to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
    return {"name": name, "path": f"{name}.csv", "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "description": f"Columns of {kind}.csv that are not Camtrap DP fields, by {key}.",
            "schema": {"fields": [{"name": c, "type": "string"} for c in [key, *extra]],
                       "primaryKey": key,
                       "foreignKeys": [{"fields": key, "reference": {
                           "resource": kind, "fields": key}}]}}


def write_camtrapdp(
    folder: str | Path,
    deployments: pd.DataFrame,
    observations: pd.DataFrame,
    metadata: dict,
    individuals: pd.DataFrame | None = None,
    extra_resources: dict[str, pd.DataFrame] | None = None,
    media: pd.DataFrame | None = None,
    carried: list[dict] | None = None,
    files: dict[str, bytes] | None = None,
) -> Path:
    """Write tables of text and numbers as a Camtrap DP 1.0 package.

    Timestamps must already be text with offsets (see :func:`format_timestamps`);
    columns are written in the standard's order. The official schemas allow no other
    column, so a table's own columns go to a ``<table>-extra-columns`` resource keyed by
    the table's ID, which :func:`read_camtrapdp` puts back.

    Parameters
    ----------
    folder : str or Path
        Created if missing; existing package files are overwritten.
    deployments, observations : pandas.DataFrame
    metadata : dict
        Descriptor properties (name, title, contributors, project, ...). The profile
        and the resource list are filled in here.
    individuals : pandas.DataFrame, optional
        Written as the ``individuals`` resource.
    extra_resources : dict of name -> DataFrame, optional
        Further tables, written as ``<name>.csv`` and listed in the descriptor.
    media : pandas.DataFrame, optional
        The media table; the standard requires the resource, so without one an empty
        table (the header only) is written.
    carried : list of dict, optional
        Descriptor entries of resources carried through unread (another programme's own
        tables), listed after landmap's; their files come from ``files``.
    files : dict of str -> bytes, optional
        The files of the carried resources, by their path in the package, written
        byte for byte.

    Returns
    -------
    Path
        The ``datapackage.json`` written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    extra_columns = [_standard_csv(deployments, "deployments", DEPLOYMENT_FIELDS, folder),
                     _standard_csv(pd.DataFrame(columns=MEDIA_FIELDS) if media is None
                                   else media, "media", MEDIA_FIELDS, folder),
                     _standard_csv(observations, "observations", OBSERVATION_FIELDS, folder)]
    resources = [
        {"name": "deployments", "path": "deployments.csv", "profile": "tabular-data-resource",
         "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
         "schema": _SCHEMA.format("deployments")},
        {"name": "media", "path": "media.csv", "profile": "tabular-data-resource",
         "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
         "schema": _SCHEMA.format("media")},
        {"name": "observations", "path": "observations.csv", "profile": "tabular-data-resource",
         "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
         "schema": _SCHEMA.format("observations")},
    ]
    resources += [r for r in extra_columns if r is not None]
    tables = dict(extra_resources or {})
    if individuals is not None:
        tables = {"individuals": individuals, **tables}
    for name, table in tables.items():
        fields = INDIVIDUAL_FIELDS if name == "individuals" else list(table.columns)
        _csv(table, fields, folder / f"{name}.csv")
        resources.append({"name": name, "path": f"{name}.csv", "profile": "tabular-data-resource",
                          "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                          "schema": {"fields": [{"name": c, "type": "string"}
                                                for c in table.columns]}})
    written = {r["name"] for r in resources}
    for entry in carried or []:
        if entry.get("name") in written:
            continue
        resources.append(entry)
    for relative, content in (files or {}).items():
        target = folder / relative
        if _outside(folder.resolve(), relative) is not None or target.name == "datapackage.json":
            raise ValueError(f"files: {relative!r} would be written outside the package")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    descriptor = {"profile": PROFILE, **metadata, "resources": resources}
    target = folder / "datapackage.json"
    target.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    return target

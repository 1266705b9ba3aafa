"""Spreadsheet tables as a survey: a stations table and a records table, as camtrapR has them.

The stations table has one row per camera deployment (``Station``, coordinates, set-up
and retrieval dates, optional problem periods ``Problem1_from``/``Problem1_to`` ...);
the records table one row per photographed animal (``Station``, date and time,
``Species``, optionally ``Individual``). Column names differ between programmes, so the
caller maps them (:func:`guess_columns` proposes a mapping), chooses how dates are
written and the time zone the cameras were set to.

Conventions, stated once: a date without a time stands for noon local time (camtrapR
counts set-up and retrieval days as half days); a problem period takes the camera out of
service from its first to its last moment, so a station with problems becomes several
deployments. Every row that cannot be used is reported with its file, row and field; the
load is refused until the tables are fixed, never quietly trimmed.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from dataclasses import replace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from landmap.i18n import N_, Text
from landmap.io.camtrapdp import format_timestamps, read_camtrapdp, write_camtrapdp
from landmap.io.validate import DataError, Problem
from landmap.survey import Survey

__all__ = ["DATE_FORMATS", "FIELD_LABELS", "RECORD_FIELDS", "STATION_FIELDS", "guess_columns",
           "read_csv_text", "survey_from_tables"]

#: Our fields of a stations table and the column names they are guessed from.
STATION_FIELDS = {
    "station": ["station", "stationid", "locationid", "location", "site", "trap", "trapid",
                "camerastation"],
    "latitude": ["latitude", "lat", "decimallatitude"],
    "longitude": ["longitude", "lon", "long", "lng", "decimallongitude"],
    "x": ["utmx", "x", "easting", "utme", "xcoord"],
    "y": ["utmy", "y", "northing", "utmn", "ycoord"],
    "setup": ["setupdate", "setup", "datesetup", "deploymentstart", "start", "startdate"],
    "retrieval": ["retrievaldate", "retrieval", "dateretrieval", "pickupdate", "pickup",
                  "deploymentend", "end", "enddate"],
}
#: Our fields of a records table and the column names they are guessed from.
RECORD_FIELDS = {
    "station": STATION_FIELDS["station"],
    "datetime": ["datetimeoriginal", "datetime", "timestamp", "eventstart", "datetimeimage"],
    "date": ["date", "dateoriginal"],
    "time": ["time", "timeoriginal"],
    "species": ["species", "scientificname", "speciesname", "taxon"],
    "individual": ["individual", "individualid", "animalid", "indivualid", "id"],
    "count": ["count", "number", "n", "groupsize"],
    "sex": ["sex"],
    "life_stage": ["lifestage", "age", "agestage"],
}
#: What each field is called on the page.
FIELD_LABELS = {"station": N_("Station"), "latitude": N_("Latitude"),
                "longitude": N_("Longitude"), "x": N_("x (easting)"), "y": N_("y (northing)"),
                "setup": N_("Set-up date"), "retrieval": N_("Retrieval date"),
                "datetime": N_("Date and time"), "date": N_("Date (if time is separate)"),
                "time": N_("Time (if separate)"), "species": N_("Species"),
                "individual": N_("Individual ID"), "count": N_("Count"), "sex": N_("Sex"),
                "life_stage": N_("Life stage")}
_REQUIRED_STATION = ("station", "setup", "retrieval")
# The required fields as a sentence names them ("choose the column holding the station").
_FIELD_WORDS = {"station": N_("station"), "setup": N_("setup"), "retrieval": N_("retrieval"),
                "species": N_("species")}
_REQUIRED_RECORD = ("station", "species")
#: How dates may be written: label -> strptime format (None: ISO 8601 or EXIF, guessed).
DATE_FORMATS = {
    N_("ISO 8601 (2021-06-01 22:15:00) or camera EXIF (2021:06:01 22:15:00)"): None,
    N_("day.month.year (01.06.2021 22:15)"): "%d.%m.%Y",
    N_("day/month/year (01/06/2021 22:15)"): "%d/%m/%Y",
    N_("month/day/year (06/01/2021 22:15)"): "%m/%d/%Y",
}
_PROBLEM = re.compile(r"^problem(\d+)_?(from|to)$", re.IGNORECASE)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def guess_columns(columns, kind: str) -> dict[str, str | None]:
    """Our field -> the user's column that most likely holds it (``None`` if none does).

    Examples
    --------
    >>> guess_columns(["Station", "utm_x", "utm_y", "Setup_date", "Retrieval_date"],
    ...               "stations")["x"]
    'utm_x'
    >>> guess_columns(["Station", "Species", "DateTimeOriginal"], "records")["individual"]
    """
    fields = STATION_FIELDS if kind == "stations" else RECORD_FIELDS
    keyed = {_key(c): c for c in columns}
    return {f: next((keyed[s] for s in synonyms if s in keyed), None)
            for f, synonyms in fields.items()}


def read_csv_text(data: bytes, name: str) -> pd.DataFrame:
    """A spreadsheet export as a table of text: UTF-8 (with or without BOM), the delimiter
    (comma, semicolon or tab) found from the header line.

    Examples
    --------
    >>> read_csv_text("Station;Setup\\nA;2021-01-01\\n".encode(), "s.csv").columns.tolist()
    ['Station', 'Setup']
    >>> try:
    ...     read_csv_text("Station,Setup\\nСтанция,1\\n".encode("cp1251"), "s.csv")
    ... except DataError as error:
    ...     print(error.problems[0].message[:40])
    the file is not UTF-8 text (byte 0xd1 at
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError([Problem(name, None, None, None, "refused",
                                 Text("the file is not UTF-8 text (byte {byte} at position "
                                      "{position}); save it from the spreadsheet as "
                                      "'CSV UTF-8'", byte=f"{data[exc.start]:#04x}",
                                      position=exc.start))]) from None
    if not text.strip():
        raise DataError([Problem(name, None, None, None, "refused",
                                 Text("the file is empty"))])
    header = text.splitlines()[0]
    delimiter = max([",", ";", "\t"], key=header.count)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                            skipinitialspace=True, quoting=csv.QUOTE_MINIMAL)
    except (pd.errors.ParserError, ValueError) as exc:
        raise DataError([Problem(name, None, None, None, "refused",
                                 Text("not a readable table ({detail})",
                                      detail=str(exc).splitlines()[0]))]
                        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


# ----------------------------------------------------------------------------- parsing
def _zone(timezone: str) -> ZoneInfo:
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise DataError([Problem(Text("time zone"), None, None, timezone, "refused",
                                 Text("not a time zone name (e.g. Asia/Vladivostok)"))]
                        ) from None


def _parse_dates(values: pd.Series, fmt: str | None, timezone: str
                 ) -> tuple[pd.Series, pd.Series, np.ndarray, np.ndarray]:
    """Local date-times -> (UTC instants, offsets in minutes, bad mask, date-only mask)."""
    text = values.astype(str).str.strip()
    own_offset = text.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$", regex=True) & text.str.contains(
        "T|:", regex=True) & ~text.str.fullmatch(r"\d{4}:\d\d:\d\d \d\d:\d\d(:\d\d)?")
    date_only = ~text.str.contains(r"\d{1,2}:\d{2}", regex=True)
    if fmt is None:
        normal = text.str.replace(r"^(\d{4}):(\d\d):(\d\d)", r"\1-\2-\3", regex=True)
        normal = normal.str.replace(r"^(\d\d)\.(\d\d)\.(\d{4})", r"\3-\2-\1", regex=True)
        local = pd.to_datetime(normal.where(~own_offset & (text != "")), format="ISO8601",
                               errors="coerce")
        ambiguous = text.str.contains(r"^\d{1,2}/\d{1,2}/\d{2,4}", regex=True)
        local[ambiguous] = pd.NaT
    else:
        local = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
        for suffix in ("", " %H:%M", " %H:%M:%S"):
            missing = local.isna() & ~own_offset
            local[missing] = pd.to_datetime(text[missing], format=fmt + suffix, errors="coerce")
    local = local.where(~date_only, local.dt.normalize() + pd.Timedelta(hours=12))
    zone = _zone(timezone)
    instants = local.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT").dt.tz_convert(
        "UTC")
    offsets = pd.Series([int(t.utcoffset().total_seconds() // 60) if pd.notna(t) else 0
                         for t in local.dt.tz_localize(zone, ambiguous="NaT",
                                                       nonexistent="NaT")],
                        index=text.index)
    if own_offset.any():
        given = pd.to_datetime(text.where(own_offset), format="ISO8601", utc=True,
                               errors="coerce")
        minutes = text[own_offset].str.extract(r"([+-])(\d\d):?(\d\d)$")
        signs = np.where(minutes[0] == "-", -1, 1)
        offsets[own_offset] = (signs * (minutes[1].fillna(0).astype(int) * 60
                                        + minutes[2].fillna(0).astype(int))).to_numpy()
        instants[own_offset] = given[own_offset]
    bad = (instants.isna() & (text != "")).to_numpy()
    return instants, offsets, bad, date_only.to_numpy()


def _numbers(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.astype(str).str.strip().str.replace(",", ".", regex=False),
                         errors="coerce")


def _problem(problems, file, row, field, value, message, action="refused"):
    problems.append(Problem(file, row, field, None if value is None else str(value), action,
                            message))


# ----------------------------------------------------------------------------- stations
def _doubtful_metres(x, y, rows, name, x_field, y_field, frame, problems) -> None:
    """x/y in a projected CRS that are plainly not metres of it: degrees (latitude and
    longitude typed into the x/y columns), or easting and northing swapped (a UTM northing
    runs to millions of metres, an easting stays under a million)."""
    degrees = (x.abs() <= 180) & (y.abs() <= 90)
    swapped = ~degrees & (x.abs() >= 1_000_000) & (y.abs() < 1_000_000)
    for i in np.flatnonzero(degrees.to_numpy()):
        _problem(problems, name, int(rows[i]), x_field, frame[x_field].iloc[i],
                 Text("looks like degrees, not metres of the chosen CRS: use the latitude "
                      "and longitude columns for degrees"))
    for i in np.flatnonzero(swapped.to_numpy()):
        _problem(problems, name, int(rows[i]), x_field, frame[x_field].iloc[i],
                 Text("x looks like a northing and y like an easting: the two columns "
                      "look swapped"))


def _station_rows(frame, name, mapping, date_format, timezone, crs, problems):
    n = len(frame)
    rows = np.arange(n) + 2

    def column(field):
        return mapping.get(field)

    for field in _REQUIRED_STATION:
        if not column(field) or column(field) not in frame:
            _problem(problems, name, None, field, column(field),
                     Text("choose the column holding the {field}",
                          field=Text(_FIELD_WORDS[field])))
    has_lonlat = column("latitude") in frame and column("longitude") in frame
    has_xy = column("x") in frame and column("y") in frame
    if not (has_lonlat or has_xy):
        _problem(problems, name, None, "latitude", None,
                 Text("choose the coordinate columns: latitude and longitude, or x and y "
                      "with their CRS"))
    if problems:
        return None
    station = frame[column("station")].str.strip()
    for i in np.flatnonzero((station == "").to_numpy()):
        _problem(problems, name, int(rows[i]), column("station"), "",
                 Text("the station is empty"))
    if has_lonlat:
        lat, lon = _numbers(frame[column("latitude")]), _numbers(frame[column("longitude")])
        lat_field, lon_field = column("latitude"), column("longitude")
    else:
        try:
            source = CRS.from_user_input(crs)
        except (CRSError, TypeError):
            _problem(problems, name, None, column("x"), crs,
                     Text("x/y coordinates need their CRS (an EPSG code such as 32652)"))
            return None
        x, y = _numbers(frame[column("x")]), _numbers(frame[column("y")])
        if source.is_projected:
            _doubtful_metres(x, y, rows, name, column("x"), column("y"), frame, problems)
        lon_arr, lat_arr = Transformer.from_crs(source, "EPSG:4326", always_xy=True
                                                ).transform(x.to_numpy(), y.to_numpy())
        lat, lon = pd.Series(lat_arr, index=frame.index), pd.Series(lon_arr, index=frame.index)
        lat_field, lon_field = column("y"), column("x")
    for values, field, lo, hi in ((lat, lat_field, -90, 90), (lon, lon_field, -180, 180)):
        text = frame[field]
        for i in np.flatnonzero(values.isna().to_numpy()):
            _problem(problems, name, int(rows[i]), field, text.iloc[i], Text("not a number"))
        for i in np.flatnonzero(((values < lo) | (values > hi)).to_numpy()):
            swapped = has_lonlat and field == lat_field and -90 <= lon.iloc[i] <= 90
            message = (Text("out of range: must lie between {lo} and {hi} degrees; latitude "
                            "and longitude look swapped", lo=lo, hi=hi) if swapped else
                       Text("out of range: must lie between {lo} and {hi} degrees", lo=lo,
                            hi=hi))
            _problem(problems, name, int(rows[i]), field, text.iloc[i], message)
    # the same row twice would count its effort twice: kept, and named
    repeated = frame.duplicated(keep="first").to_numpy()
    for i in np.flatnonzero(repeated):
        _problem(problems, name, int(rows[i]), column("station"), station.iloc[i],
                 Text("the same row as an earlier one (pasted twice?); kept, so its "
                      "trap-nights count twice"), action="flagged")
    times = {}
    for field in ("setup", "retrieval"):
        t, off, bad, _ = _parse_dates(frame[column(field)], date_format, timezone)
        _report_dates(problems, name, rows, column(field), frame[column(field)], bad,
                      date_format)
        empty = (frame[column(field)].str.strip() == "").to_numpy()
        for i in np.flatnonzero(empty):
            _problem(problems, name, int(rows[i]), column(field), "",
                     Text("the set-up date is empty") if field == "setup" else
                     Text("the retrieval date is empty"))
        times[field] = (t, off)
    backwards = (times["retrieval"][0] < times["setup"][0]).fillna(False).to_numpy()
    for i in np.flatnonzero(backwards):
        _problem(problems, name, int(rows[i]), column("retrieval"),
                 frame[column("retrieval")].iloc[i], Text("retrieval before set-up"))
    periods = _problem_periods(frame, name, rows, date_format, timezone, times, problems)
    return pd.DataFrame({"station": station, "latitude": lat, "longitude": lon,
                         "setup": times["setup"][0], "setup_offset": times["setup"][1],
                         "retrieval": times["retrieval"][0],
                         "retrieval_offset": times["retrieval"][1], "row": rows}), periods


def _report_dates(problems, name, rows, field, text, bad, date_format):
    hint = (Text("an ISO 8601 date, e.g. 2021-06-01 22:15:00") if date_format is None
            else Text("the chosen format {format}", format=date_format))
    for i in np.flatnonzero(bad):
        value = str(text.iloc[i])
        if date_format is None and re.match(r"^\d{1,2}/\d{1,2}/\d{2,4}", value):
            message = Text("day/month order is ambiguous: choose the date format")
        else:
            message = Text("not a date and time (expected {hint}; impossible dates are "
                           "refused)", hint=hint)
        _problem(problems, name, int(rows[i]), field, value, message)


def _problem_periods(frame, name, rows, date_format, timezone, times, problems):
    """Out-of-service periods per stations-table row: {row index: [(from, to), ...]}."""
    pairs = {}
    for column in frame.columns:
        found = _PROBLEM.match(_key(column).replace("from", "_from").replace("to", "_to"))
        if found:
            pairs.setdefault(int(found[1]), {})[found[2].lower()] = column
    periods: dict[int, list] = {}
    for number, ends in sorted(pairs.items()):
        if set(ends) != {"from", "to"}:
            _problem(problems, name, None, next(iter(ends.values())), None,
                     Text("problem period {number} needs both a _from and a _to column",
                          number=number))
            continue
        start, _, bad_start, _ = _parse_dates(frame[ends["from"]], date_format, timezone)
        end, _, bad_end, _ = _parse_dates(frame[ends["to"]], date_format, timezone)
        _report_dates(problems, name, rows, ends["from"], frame[ends["from"]], bad_start,
                      date_format)
        _report_dates(problems, name, rows, ends["to"], frame[ends["to"]], bad_end, date_format)
        given_from = (frame[ends["from"]].str.strip() != "").to_numpy()
        given_to = (frame[ends["to"]].str.strip() != "").to_numpy()
        for i in np.flatnonzero(given_from != given_to):
            field = ends["to"] if given_from[i] else ends["from"]
            _problem(problems, name, int(rows[i]), field, "",
                     Text("problem period {number} has only one end", number=number))
        for i in np.flatnonzero(given_from & given_to & ~bad_start & ~bad_end):
            a, b = start.iloc[i], end.iloc[i]
            setup, retrieval = times["setup"][0].iloc[i], times["retrieval"][0].iloc[i]
            if b < a:
                _problem(problems, name, int(rows[i]), ends["to"], frame[ends["to"]].iloc[i],
                         Text("problem period {number} ends before it starts",
                              number=number))
            elif pd.notna(setup) and pd.notna(retrieval) and (a < setup or b > retrieval):
                _problem(problems, name, int(rows[i]), ends["from"],
                         frame[ends["from"]].iloc[i],
                         Text("problem period {number} lies outside set-up to retrieval",
                              number=number))
            else:
                periods.setdefault(i, []).append((a, b))
    return periods


def _deployments(stations: pd.DataFrame, periods: dict) -> pd.DataFrame:
    """One deployment per working stretch of each stations-table row."""
    rows = []
    for i, s in enumerate(stations.itertuples(index=False)):
        cuts = sorted(periods.get(i, []))
        starts = [s.setup] + [b for _, b in cuts]
        ends = [a for a, _ in cuts] + [s.retrieval]
        for k, (a, b) in enumerate(zip(starts, ends, strict=True), start=1):
            if b <= a:
                continue  # a problem period touching set-up or retrieval leaves no stretch
            rows.append({"deploymentID": f"{s.station}-r{s.row}-{k}", "locationID": s.station,
                         "locationName": s.station, "latitude": s.latitude,
                         "longitude": s.longitude, "deploymentStart": a,
                         "deploymentStart_offset": s.setup_offset, "deploymentEnd": b,
                         "deploymentEnd_offset": s.retrieval_offset, "row": s.row})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- records
def _records(frame, name, mapping, date_format, timezone, deployments, problems):
    rows = np.arange(len(frame)) + 2
    for field in _REQUIRED_RECORD:
        if not mapping.get(field) or mapping[field] not in frame:
            _problem(problems, name, None, field, mapping.get(field),
                     Text("choose the column holding the {field}",
                          field=Text(_FIELD_WORDS[field])))
    has_datetime = mapping.get("datetime") in frame
    if not has_datetime and mapping.get("date") not in frame:
        _problem(problems, name, None, "datetime", None,
                 Text("choose the column holding the date and time (or a date and a time "
                      "column)"))
    if problems:
        return None
    if has_datetime:
        text, field = frame[mapping["datetime"]], mapping["datetime"]
    else:
        field = mapping["date"]
        text = frame[field].str.strip()
        if mapping.get("time") in frame:
            text = text + " " + frame[mapping["time"]].str.strip()
    when, offset, bad, date_only = _parse_dates(text, date_format, timezone)
    _report_dates(problems, name, rows, field, text, bad, date_format)
    for i in np.flatnonzero(date_only & ~bad & (text.str.strip() != "").to_numpy()):
        _problem(problems, name, int(rows[i]), field, text.iloc[i],
                 Text("the record has a date but no time of day"))
    for i in np.flatnonzero((text.str.strip() == "").to_numpy()):
        _problem(problems, name, int(rows[i]), field, "", Text("the date and time are empty"))
    station = frame[mapping["station"]].str.strip()
    known = set(deployments["locationID"]) if len(deployments) else set()
    unknown = ~station.isin(known).to_numpy()
    for i in np.flatnonzero(unknown):
        _problem(problems, name, int(rows[i]), mapping["station"], station.iloc[i],
                 Text("the station is not in the stations table"))
    deployment = _match_deployments(station, when, deployments)
    outside = ~unknown & ~bad & deployment.isna().to_numpy()
    for i in np.flatnonzero(outside):
        _problem(problems, name, int(rows[i]), field, text.iloc[i],
                 Text("taken when station {station} was not working (before set-up, "
                      "after retrieval or in a problem period)", station=station.iloc[i]))
    count = pd.Series("1", index=frame.index)
    if mapping.get("count") in frame:
        count = frame[mapping["count"]].str.strip()
        number = pd.to_numeric(count, errors="coerce")
        for i in np.flatnonzero((number.isna() | (number < 1) | (number % 1 != 0)).to_numpy()):
            _problem(problems, name, int(rows[i]), mapping["count"], count.iloc[i],
                     Text("must be a whole number of 1 or more"))
    species = frame[mapping["species"]].str.strip()

    def optional(field):
        return frame[mapping[field]].str.strip() if mapping.get(field) in frame else ""

    ids = [f"rec-{r}" for r in rows]
    return pd.DataFrame({
        "observationID": ids, "deploymentID": deployment.fillna("").to_numpy(), "eventID": ids,
        "eventStart": when, "eventStart_offset": offset, "eventEnd": when,
        "eventEnd_offset": offset, "observationLevel": "event",
        "observationType": np.where(species.str.lower().isin(["", "blank", "empty", "none"]),
                                    "blank", "animal"),
        "scientificName": species.where(~species.str.lower().isin(["blank", "empty", "none"]),
                                        ""),
        "count": count, "individualID": optional("individual"), "sex": optional("sex"),
        "lifeStage": optional("life_stage"), "classificationMethod": "human",
    })


def _match_deployments(station: pd.Series, when: pd.Series, deployments: pd.DataFrame
                       ) -> pd.Series:
    found = pd.Series(pd.NA, index=station.index, dtype="object")
    if not len(deployments):
        return found
    for location, group in deployments.groupby("locationID"):
        mine = (station == location).to_numpy() & when.notna().to_numpy()
        if not mine.any():
            continue
        times = when[mine]
        for d in group.itertuples(index=False):
            inside = ((times >= d.deploymentStart) & (times <= d.deploymentEnd)).to_numpy()
            free = found[mine].isna().to_numpy()
            found.loc[times.index[inside & free]] = d.deploymentID
    return found


# ----------------------------------------------------------------------------- survey
def survey_from_tables(stations: pd.DataFrame, records: pd.DataFrame, *,
                       station_columns: dict[str, str | None],
                       record_columns: dict[str, str | None],
                       timezone: str = "Asia/Vladivostok", date_format: str | None = None,
                       crs: str | None = None, names: tuple[str, str] = ("stations.csv",
                                                                           "records.csv")
                       ) -> Survey:
    """A survey from a camtrapR-style stations table and records table.

    Parameters
    ----------
    stations, records : pandas.DataFrame
        The tables as text (see :func:`read_csv_text`).
    station_columns, record_columns : dict
        Our field -> the user's column (see :func:`guess_columns`).
    timezone : str, default "Asia/Vladivostok"
        The time zone the cameras' clocks were set to (IANA name); values that carry
        their own UTC offset keep it.
    date_format : str, optional
        A strptime date format (``"%d.%m.%Y"``); ``None`` reads ISO 8601 and camera EXIF
        dates and refuses ambiguous ``01/02/2021``.
    crs : str, optional
        The CRS of x/y coordinates (``"EPSG:32652"``), when the table has no lat/lon.
    names : (str, str)
        File names to report problems under.

    Raises
    ------
    DataError
        With every problem of both tables (file, row as the spreadsheet numbers it, field,
        value, what is wrong).

    Examples
    --------
    >>> st = pd.DataFrame({"Station": ["A"], "lat": ["43.1"], "lon": ["131.4"],
    ...                    "Setup_date": ["2021-01-01"], "Retrieval_date": ["2021-03-01"],
    ...                    "Problem1_from": ["2021-02-01"], "Problem1_to": ["2021-02-10"]})
    >>> rec = pd.DataFrame({"Station": ["A"], "Species": ["Panthera pardus orientalis"],
    ...                     "DateTimeOriginal": ["2021:01:15 03:20:00"]})
    >>> s = survey_from_tables(st, rec, station_columns=guess_columns(st.columns, "stations"),
    ...                        record_columns=guess_columns(rec.columns, "records"))
    >>> s.deployments["deploymentID"].tolist(), str(s.observations["eventStart"][0])
    (['A-r2-1', 'A-r2-2'], '2021-01-14 17:20:00+00:00')
    """
    station_file, record_file = names
    problems: list[Problem] = []
    parsed = _station_rows(stations, station_file, station_columns, date_format, timezone, crs,
                           problems)
    station_problems = list(problems)
    problems.clear()
    refused = any(p.action == "refused" for p in station_problems)
    deployments = _deployments(*parsed) if parsed and not refused else pd.DataFrame(
        columns=["locationID"])
    observations = _records(records, record_file, record_columns, date_format, timezone,
                            deployments, problems)
    problems = station_problems + problems
    if any(p.action == "refused" for p in problems):
        raise DataError([p for p in problems if p.action == "refused"])
    survey = _as_survey(deployments, observations, names)
    return replace(survey, problems=[*problems, *survey.problems])


def _as_survey(deployments: pd.DataFrame, observations: pd.DataFrame,
               names: tuple[str, str]) -> Survey:
    """Write the tables as a Camtrap DP package and read it back, so a survey from
    spreadsheets passes the same checks (and has the same columns) as any package."""
    dep = deployments.drop(columns="row").copy()
    for column in ("deploymentStart", "deploymentEnd"):
        dep[column] = format_timestamps(dep[column], dep.pop(f"{column}_offset"))
    dep["timestampIssues"] = "false"
    obs = observations.copy()
    for column in ("eventStart", "eventEnd"):
        obs[column] = format_timestamps(obs[column], obs.pop(f"{column}_offset"))
    ids = sorted(set(obs["individualID"]) - {""})
    individuals = pd.DataFrame({"individualID": ids})
    with tempfile.TemporaryDirectory(prefix="landmap-") as folder:
        write_camtrapdp(folder, dep, obs, {"name": "spreadsheet-tables",
                                           "title": f"{names[0]} + {names[1]}"}, individuals)
        survey = read_camtrapdp(folder)
    return replace(survey, source=Text("{stations} + {records} (tables)", stations=names[0],
                                       records=names[1]))

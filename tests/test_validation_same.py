"""The validating load gives the same problems, row by row, whatever makes it fast.

``fixtures/validation_before.json`` holds what the reader reported for two packages
(one refused, one that loads with findings) before the checks were rewritten as one
vectorised pass per column (issue 25). The packages are built here from a list of bad
values, at 1x and 10x the rows (each copy with its own IDs), so that a check that only
goes wrong past a chunk size or a cache size is caught too. Regenerate the fixture only
on purpose: ``python -m tests.test_validation_same``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from landmap.io.camtrapdp import _to_float, parse_timestamps, read_camtrapdp
from landmap.io.validate import DataError
from tests.conftest import _csv, dep, obs

FIXTURE = Path(__file__).parent / "fixtures" / "validation_before.json"

#: Timestamps of every shape a programme has sent us, good and bad.
STAMPS = [
    "2021-01-10T02:00:00+10:00", "2021-01-10T02:00:00Z", "2021-01-10T02:00:00-03:30",
    "2021-01-10T02:00:00.5+10:00", "2021-01-10T02:00:00+1000", "2021-01-10 02:00:00+10:00",
    " 2021-01-10T02:00:00+10:00 ", "2021-01-10T02:00:00", "2021-02-30T02:00:00+10:00",
    "2021-02-29T02:00:00+10:00", "2020-02-29T02:00:00+10:00", "1900-02-29T02:00:00+10:00",
    "2000-02-29T02:00:00+10:00", "2021-13-01T02:00:00+10:00", "2021-00-10T02:00:00+10:00",
    "2021-01-00T02:00:00+10:00", "2021-01-10T25:00:00+10:00", "2021-01-10T24:00:00+10:00",
    "2021-01-10T02:60:00+10:00", "2021-01-10T02:00:61+10:00", "2021-01-10T02:00:00+14:00",
    "2021-01-10T02:00:00+10:00junk", "", "not a date", "2021-1-10T02:00:00+10:00",
    "2021-04-31T23:59:59+08:00", "2021-12-31T23:59:59+08:00", "2021-01-10t02:00:00+10:00",
    "٢٠٢١-01-10T02:00:00+10:00", "2021-01-10T02:00:00+10:0", "2021-01-10T02:00:00+10:00Z",
]
#: Timestamps the reader accepts, for the package that loads.
GOOD = [*STAMPS[:7], "2020-02-29T02:00:00+10:00", "2000-02-29T02:00:00+10:00",
        "2021-01-10T02:00:00+14:00", "2021-12-31T23:59:59+08:00"]


def _refused_rows(copy: int):
    """Deployments and observations with one bad value of each kind per row."""
    c = f"c{copy}-"
    deps = [dep(1, deploymentID=c + "d1"), dep(2, deploymentID=c + "d1"),
            dep(3, deploymentID=" "), dep(4, deploymentID=c + "d4", latitude="131.4",
                                          longitude="43.1"),
            dep(5, deploymentID=c + "d5", latitude="x"), dep(6, deploymentID=c + "d6",
                                                             longitude="200"),
            dep(7, deploymentID=c + "d7", deploymentEnd="2020-01-01T00:00:00+10:00"),
            dep(8, deploymentID=c + "d8", timestampIssues="maybe"),
            dep(9, deploymentID=c + "d9", timestampIssues="TRUE")]
    deps += [dep(10 + i, deploymentID=f"{c}s{i}", deploymentStart=s, deploymentEnd=s)
             for i, s in enumerate(STAMPS)]
    observations = [obs(1, observationID=c + "o1", deploymentID=c + "d1"),
                    obs(2, observationID=c + "o1", deploymentID=c + "d1"),
                    obs(3, observationID="", deploymentID=c + "nowhere"),
                    obs(4, observationID=c + "o4", deploymentID=c + "d1",
                        eventEnd="2021-01-01T00:00:00+10:00"),
                    obs(5, observationID=c + "o5", deploymentID=c + "d1",
                        observationLevel="frame", observationType="tiger"),
                    obs(6, observationID=c + "o6", deploymentID=c + "d1", count="1.5"),
                    obs(7, observationID=c + "o7", deploymentID=c + "d1", count="0"),
                    obs(8, observationID=c + "o8", deploymentID=c + "d1", count="two")]
    observations += [obs(20 + i, observationID=f"{c}t{i}", deploymentID=c + "d1",
                         eventStart=s, eventEnd=s) for i, s in enumerate(STAMPS)]
    return deps, observations


def _loaded_rows(copy: int):
    """Rows that load, with findings: odd offsets, flagged clocks, events out of span."""
    c = f"c{copy}-"
    deps = [dep(1, deploymentID=c + "d1", deploymentStart="2021-01-01T00:00:00+10:00",
                deploymentEnd="2021-12-31T00:00:00+10:00"),
            dep(2, deploymentID=c + "d2", timestampIssues="yes"),
            dep(3, deploymentID=c + "d3", timestampIssues="sometimes", latitude="60.0")]
    observations = [obs(i, observationID=f"{c}g{i}", deploymentID=c + "d1", eventStart=s,
                        eventEnd=s) for i, s in enumerate(GOOD)]
    observations += [obs(90, observationID=c + "late", deploymentID=c + "d2",
                         eventStart="2022-06-01T00:00:00+10:00",
                         eventEnd="2022-06-01T00:00:01+10:00"),
                     obs(91, observationID=c + "nameless", deploymentID=c + "d2",
                         scientificName=" ")]
    return deps, observations


def _package(folder: Path, rows, copies: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    deps, observations = [], []
    for copy in range(copies):
        d, o = rows(copy)
        deps += d
        observations += o
    (folder / "deployments.csv").write_text(_csv(deps), encoding="utf-8")
    (folder / "observations.csv").write_text(_csv(observations), encoding="utf-8")
    (folder / "datapackage.json").write_text(json.dumps({"name": "t", "resources": [
        {"name": "deployments", "path": "deployments.csv"},
        {"name": "observations", "path": "observations.csv"}]}), encoding="utf-8")
    return folder


def _report(folder: Path) -> dict:
    """Everything a reader tells: each problem, and the parsed times of what loaded."""
    try:
        survey = read_camtrapdp(folder)
    except DataError as error:
        problems, times = error.problems, None
    else:
        problems = survey.problems
        o = survey.observations
        times = {"eventStart": o["eventStart"].astype(str).tolist(),
                 "eventStart_offset": o["eventStart_offset"].astype(int).tolist(),
                 "local_offset": o["local_offset"].astype(int).tolist(),
                 "deploymentStart": survey.deployments["deploymentStart"].astype(str).tolist()}
    return {"problems": [[p.file, p.row, p.field, p.value, p.action, str(p.message)]
                         for p in problems], "times": times}


def _written(folder: Path, row: int, field: str) -> str:
    """The text of one cell of observations.csv (row as a spreadsheet numbers it)."""
    table = pd.read_csv(folder / "observations.csv", dtype=str, keep_default_na=False)
    return table[field].iloc[row - 2]


CASES = [(name, copies) for name in ("refused", "loaded") for copies in (1, 10)]
ROWS = {"refused": _refused_rows, "loaded": _loaded_rows}


def _in_pieces(monkeypatch, size: int) -> None:
    """Make every observations file be read in pieces of ``size`` bytes, as a file of
    millions of rows is (see ``landmap.io.camtrapdp._read_observations``)."""
    import landmap.io.camtrapdp as reader

    monkeypatch.setattr(reader, "_STREAM_FROM", 0)
    monkeypatch.setattr(reader, "_BLOCK", size)


@pytest.mark.parametrize("way", ["whole", "in pieces", "IDs counted in groups"])
@pytest.mark.parametrize(("name", "copies"), CASES)
def test_every_problem_is_the_one_reported_before(tmp_path, monkeypatch, name, copies, way):
    """Read whole; read in pieces of 2,000 bytes (about a dozen rows: problems in rows on
    both sides of the cuts, row numbers counted across pieces); and with the IDs counted
    group by group, as a column of a million IDs is (see landmap._arrow.distinct_count)."""
    if way == "in pieces":
        _in_pieces(monkeypatch, 2000)
    if way == "IDs counted in groups":
        import landmap._arrow

        monkeypatch.setattr(landmap._arrow, "_GROUPED_FROM", 0)
    expected = json.loads(FIXTURE.read_text(encoding="utf-8"))[f"{name} x{copies}"]
    found = _report(_package(tmp_path / name, ROWS[name], copies))
    assert len(found["problems"]) == len(expected["problems"])
    for got, want in zip(found["problems"], expected["problems"], strict=True):
        if want[5].startswith("outside its deployment's span"):
            # Changed on purpose: the value quoted is the text of the file, as for every
            # other problem, not the UTC instant in the column's print precision.
            written = _written(tmp_path / name, want[1], want[2])
            assert want[3].startswith(str(pd.Timestamp(written).tz_convert("UTC"))[:19])
            want = [*want[:3], written, *want[4:]]
        assert got == want
    assert found["times"] == expected["times"]


def test_the_cases_cover_every_kind_of_bad_value():
    """The fixture is no empty promise: each check fired, at 10x as often as at 1x."""
    cases = json.loads(FIXTURE.read_text(encoding="utf-8"))
    messages = " | ".join(p[5] for name in ("refused x1", "loaded x1")
                          for p in cases[name]["problems"])
    for expected in ("duplicate ID", "the ID is empty", "not a date-time with a UTC offset",
                     "refers to a deployment that is not", "latitude and longitude look",
                     "not a number", "out of range", "ends before it starts",
                     "must be 'event' or 'media'", "must be one of",
                     "must be a whole number", "not true or false", "outside its deployment",
                     "without a species", "another UTC offset", "far from the mapped"):
        assert expected in messages, expected
    bad_times = [p for p in cases["refused x1"]["problems"]
                 if p[2] == "eventStart" and p[5].startswith("not a date-time")]
    assert len(bad_times) == 19  # of the 31 stamps, 12 load (pandas reads "2021-1-10")
    for name in ("refused", "loaded"):
        once = len(cases[f"{name} x1"]["problems"])
        assert len(cases[f"{name} x10"]["problems"]) >= 10 * once - 10


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        FIXTURE.write_text(json.dumps({
            f"{name} x{copies}": _report(_package(Path(tmp) / f"{name}{copies}", ROWS[name],
                                                  copies))
            for name, copies in CASES}, ensure_ascii=False, indent=0), encoding="utf-8")
    print(FIXTURE, FIXTURE.stat().st_size)


def _one_by_one(values: list[str]):
    """Each value parsed alone beside a ``Z`` stamp (20 bytes), so that no column is of
    the 25-byte form that has a faster path of its own."""
    pairs = [parse_timestamps(pd.Series([v, "2021-01-10T02:00:00Z"])) for v in values]
    return ([p[0].iloc[0] for p in pairs], [int(p[1].iloc[0]) for p in pairs],
            [bool(p[2][0]) for p in pairs])


def _among_good_stamps(odd: list[str]):
    """``odd`` spread among 100,000 good stamps and parsed as one column: where they lie,
    the column's offsets and bad rows, and what each gives parsed alone (whose instants
    the column's must equal)."""
    column = ["2021-06-01T22:15:00+10:00"] * 100_000
    where = np.linspace(1, len(column) - 1, len(odd)).astype(int)
    for i, s in zip(where, odd, strict=True):
        column[i] = s
    instants, offsets, bad = parse_timestamps(pd.Series(column))
    want = _one_by_one(odd)
    got = instants.iloc[where].reset_index(drop=True)
    assert got.equals(pd.Series(want[0], dtype=got.dtype))
    return where, offsets, bad, want


def test_a_column_of_25_byte_stamps_parses_as_each_stamp_alone():
    """Cameras write every stamp in 25 bytes (``2021-06-01T22:15:00+10:00``): such a column
    is read as whole integers at fixed places. Each 25-byte stamp of the list, good or
    bad, is put among 100,000 good ones (past Arrow's chunks and numpy's buffers) and
    must come out as when it is parsed alone."""
    odd = [s for s in STAMPS if len(s.encode()) == 25] + [
        "2021-01-10T02:00:60+10:00", "1677-01-10T02:00:00+10:00", "2262-05-10T02:00:00+10:00",
        "2261-12-31T02:00:00+10:00", "1678-01-10T02:00:00-10:00", "2021-01-10X02:00:00+10:00",
        "2021-01-10T02:00:00*10:00", "2021-01-10T02:00:00+10-00", "2021-01-10T02:00:0a+10:00",
        "2021-01-10T02:00:00+1a:00", "2021-01-10T02:00:00+10:0/", "2021-01-10T02:00:00-00:30",
        "2021-01-10T02:00:00+23:59", "2021-01-10T02:00:00+24:00", "2021-01-10T02:00:00+99:99"]
    assert len(odd) >= 25 and all(len(s.encode()) == 25 for s in odd)
    where, offsets, bad, want = _among_good_stamps(odd)
    assert offsets.iloc[where].tolist() == want[1]
    assert bad[where].tolist() == want[2]
    assert not bad[np.setdiff1d(np.arange(len(bad)), where)].any()
    assert offsets.iloc[0] == 600
    # the same values, found bad by both ways: the year out of a nanosecond clock, a
    # leap second, a 24-hour offset, no offset sign
    assert want[2][odd.index("1677-01-10T02:00:00+10:00")]
    assert want[2][odd.index("2021-01-10T02:00:60+10:00")]
    assert want[2][odd.index("2021-01-10T02:00:00+24:00")]
    assert want[1][odd.index("2021-01-10T02:00:00-00:30")] == -30
    assert not want[2][odd.index("2261-12-31T02:00:00+10:00")]


def test_numbers_read_alike_whether_or_not_a_column_holds_text():
    """Coordinates and counts: a column of numbers and blanks is cast in one pass, a column
    holding anything else is matched against the number pattern first. A value is read
    alike both ways ("nan" and "inf" are no numbers of a table either way)."""
    values = ["1", "-2.5", "+3", ".5", "1.", "1e3", "1E-2", " 4 ", "", "nan", "inf", "-inf",
              "NaN", "Infinity", "0x10", "1,5", "1e", "+", ".", "1_000", "00012", "-0"]
    alone = [_to_float(pd.Series([v, "not a number"])).iloc[0] for v in values]
    together = [_to_float(pd.Series([v, "7"])).iloc[0] for v in values]
    np.testing.assert_array_equal(alone, together)
    assert together[:8] == [1.0, -2.5, 3.0, 0.5, 1.0, 1000.0, 0.01, 4.0]
    assert np.isnan(together[8:16]).all()


def test_a_line_break_inside_a_quoted_value_is_read(tmp_path):
    """Files with no quotation mark are split between the cores; a quoted comment that
    holds a line break is still one value of one row."""
    folder = _package(tmp_path / "p", _loaded_rows, 1)
    assert '"' not in (folder / "deployments.csv").read_text(encoding="utf-8")
    plain = read_camtrapdp(folder)
    rows = [dep(1, deploymentID="c0-d1", deploymentStart="2021-01-01T00:00:00+10:00",
                deploymentEnd="2021-12-31T00:00:00+10:00",
                deploymentComments="camera moved,\nthen back"),
            dep(2, deploymentID="c0-d2", deploymentComments="")]
    (folder / "deployments.csv").write_text(_csv(rows), encoding="utf-8")
    assert '"camera moved,\nthen back"' in (folder / "deployments.csv").read_text()
    survey = read_camtrapdp(folder)
    assert survey.deployments["deploymentID"].tolist() == ["c0-d1", "c0-d2"]
    assert survey.deployments["deploymentComments"].tolist() == ["camera moved,\nthen back", ""]
    assert len(survey.observations) == len(plain.observations)


def test_columns_empty_in_every_row(tmp_path):
    """An optional column empty in every row is left out as soon as it is read (it would
    cost memory through the checks); a required one is kept and each row reported."""
    folder = _package(tmp_path / "p", _loaded_rows, 1)
    survey = read_camtrapdp(folder)
    assert "bboxX" not in survey.observations and "cameraHeight" not in survey.deployments
    rows = [obs(i, observationID=f"o{i}", deploymentID="c0-d1", eventEnd="", bboxX="")
            for i in range(3)]
    (folder / "observations.csv").write_text(_csv(rows), encoding="utf-8")
    with pytest.raises(DataError) as error:
        read_camtrapdp(folder)
    assert [(p.row, p.field) for p in error.value.problems] == [
        (2, "eventEnd"), (3, "eventEnd"), (4, "eventEnd")]


def test_a_column_all_of_the_usual_form_is_cast_as_read():
    """When every stamp has the usual form the column is cast as it was read (neither
    trimmed nor copied); a day its month lacks, hour 24 or 25, a 24-hour offset are
    still found, as when each stamp is parsed alone."""
    odd = ["2021-02-30T02:00:00+10:00", "2021-13-01T02:00:00+10:00",
           "2021-01-10T24:00:00+10:00", "2021-01-10T25:00:00+10:00",
           "2021-01-10T02:00:00+24:00", "2020-02-29T02:00:00-09:30",
           "2021-04-31T23:59:59+08:00", "2021-00-10T02:00:00+10:00"]
    where, offsets, bad, want = _among_good_stamps(odd)
    assert bad[where].tolist() == want[2] == [True] * 5 + [False, True, True]
    assert offsets.iloc[where[5]] == -570
    assert bad.sum() == 7


def test_every_offset_is_read_from_its_digits_as_python_reads_it():
    """A column of the usual form in every offset a clock can show (quarter hours from
    -12:00 to +14:00, and -00:00), mixed row by row: the offsets (read from the bytes'
    digits) and the instants are those Python's own ISO 8601 reader gives each value
    alone (an independent reader, exact)."""
    from datetime import UTC, datetime

    zones = [f"{'-' if m < 0 else '+'}{abs(m) // 60:02d}:{abs(m) % 60:02d}"
             for m in range(-12 * 60, 14 * 60 + 1, 15)] + ["-00:00"]
    stamps = [f"20{10 + i % 15:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}T"
              f"{i % 24:02d}:{i % 60:02d}:{(7 * i) % 60:02d}{zones[(5 * i) % len(zones)]}"
              for i in range(20_000)]
    assert all(len(s) == 25 for s in stamps)
    instants, offsets, bad = parse_timestamps(pd.Series(stamps, dtype="str"))
    assert not bad.any()
    parsed = [datetime.fromisoformat(s) for s in stamps]
    assert offsets.tolist() == [int(t.utcoffset().total_seconds() // 60) for t in parsed]
    want = pd.Series([t.astimezone(UTC).replace(tzinfo=None) for t in parsed])
    assert (instants.dt.tz_convert(None).to_numpy() == want.to_numpy()).all()
    assert sorted(set(offsets)) == list(range(-720, 841, 15))


def test_a_column_of_few_values_read_as_categories_can_be_empty_throughout(tmp_path):
    """The observations' columns of few values are read as categories; an optional one
    empty in every row (``classificationMethod``) is left out like any other, the ones
    every table carries (``sex``) stay as empty text, and one holding values keeps them
    row by row in sorted categories."""
    folder = _package(tmp_path / "p", _loaded_rows, 1)
    rows = [obs(i, observationID=f"o{i}", deploymentID="c0-d1", classificationMethod="",
                sex="", scientificName="Panthera pardus orientalis" if i % 2 else "Sus scrofa")
            for i in range(6)]
    (folder / "observations.csv").write_text(_csv(rows), encoding="utf-8")
    survey = read_camtrapdp(folder)
    assert "classificationMethod" not in survey.observations
    assert survey.observations["sex"].tolist() == [""] * 6
    names = survey.observations["scientificName"]
    assert isinstance(names.dtype, pd.CategoricalDtype)
    assert names.tolist() == ["Sus scrofa", "Panthera pardus orientalis"] * 3
    assert list(names.cat.categories) == ["Panthera pardus orientalis", "Sus scrofa"]


def _survey_and_problems(folder: Path):
    try:
        survey = read_camtrapdp(folder)
    except DataError as error:
        return None, [str(p) for p in error.problems]
    return survey, [str(p) for p in survey.problems]


@pytest.mark.parametrize("size", [2**16, 2**20])
def test_the_demo_read_in_pieces_is_the_demo_read_whole(monkeypatch, size):
    from landmap.demo import DEMO_DIR

    whole, whole_problems = _survey_and_problems(DEMO_DIR)
    _in_pieces(monkeypatch, size)
    pieces, piece_problems = _survey_and_problems(DEMO_DIR)
    assert piece_problems == whole_problems and len(whole_problems) == 112
    for table in ("observations", "deployments", "individuals"):
        pd.testing.assert_frame_equal(getattr(pieces, table), getattr(whole, table))
    assert len(pieces.observations) == 27584
    assert pieces.observations["scientificName"].cat.categories.is_monotonic_increasing


def test_one_thread_or_two_read_the_same(monkeypatch):
    """A small package is checked on one thread, a large one on two (the checks then
    finish in whatever order): the problems, their order and the tables are the same."""
    import landmap.io.camtrapdp as reader
    from landmap.demo import DEMO_DIR

    monkeypatch.setattr(reader, "_SMALL", 2**62)
    one, one_problems = _survey_and_problems(DEMO_DIR)
    monkeypatch.setattr(reader, "_SMALL", 0)
    two, two_problems = _survey_and_problems(DEMO_DIR)
    assert two_problems == one_problems and len(one_problems) == 112
    for table in ("observations", "deployments", "individuals"):
        pd.testing.assert_frame_equal(getattr(two, table), getattr(one, table))
    pd.testing.assert_frame_equal(two.kept.media, one.kept.media)
    assert len(one.kept.media) == 369 and len(one.deployments) == 12511


def test_a_quoted_file_read_in_pieces_keeps_its_line_breaks(tmp_path, monkeypatch):
    """A file with quotation marks may hold a line break inside a value: it is read by
    pyarrow's streaming reader, which knows where a quoted value ends."""
    folder = _package(tmp_path / "p", _loaded_rows, 10)
    table = pd.read_csv(folder / "observations.csv", dtype=str, keep_default_na=False)
    table.loc[::7, "observationComments"] = "two lines,\nin one value"
    table.to_csv(folder / "observations.csv", index=False, lineterminator="\r\n")
    whole, whole_problems = _survey_and_problems(folder)
    _in_pieces(monkeypatch, 4096)
    pieces, piece_problems = _survey_and_problems(folder)
    assert piece_problems == whole_problems and whole_problems
    pd.testing.assert_frame_equal(pieces.observations, whole.observations)
    comments = pieces.observations["observationComments"]
    assert (comments == "two lines,\nin one value").sum() == len(table[::7])


def test_pieces_cut_at_line_ends_whatever_the_lines(tmp_path, monkeypatch):
    """Lines longer than a piece, a last line without a line break, Windows line ends and
    blank lines: the rows and their numbers are those of a whole read."""
    folder = _package(tmp_path / "p", _loaded_rows, 1)
    table = pd.read_csv(folder / "observations.csv", dtype=str, keep_default_na=False)
    long_id = "e" + "x" * 900  # longer than the 256-byte pieces below
    table.loc[3, "eventID"] = long_id
    lines = table.to_csv(index=False, lineterminator="\n").splitlines()
    (folder / "observations.csv").write_bytes(
        "\r\n".join([*lines[:6], "", *lines[6:]]).encode())  # no final line end
    whole, whole_problems = _survey_and_problems(folder)
    _in_pieces(monkeypatch, 256)
    pieces, piece_problems = _survey_and_problems(folder)
    assert piece_problems == whole_problems and whole_problems
    pd.testing.assert_frame_equal(pieces.observations, whole.observations)
    assert len(pieces.observations) == len(table)
    assert pieces.observations["eventID"].iloc[3] == long_id


def test_a_clock_reset_quotes_the_time_as_written_in_pieces_kept_or_not(make_package,
                                                                         monkeypatch):
    """A piece whose eventStart is all of the usual form does not keep its text: a row
    outside its deployment then quotes the time written again from its instant and
    offset. That must be the file's text, in those pieces and in the others ("-00:00",
    "Z", fractions of a second), row numbers counted across the pieces."""
    late = ["2021-06-01T08:00:00+10:00", "2021-06-01T08:00:00-00:00", "2021-06-01T08:00:00Z",
            "2021-06-01T08:00:00.250+10:00", "2020-06-01T23:59:59+09:30"]
    rows = [obs(i) for i in range(400)]
    # each odd time sits in a piece of its own (about a dozen rows per 1,500 bytes)
    where = {30 + 80 * k: stamp for k, stamp in enumerate(late)}
    for i, stamp in where.items():
        rows[i]["eventStart"] = rows[i]["eventEnd"] = stamp
    folder = make_package(deployments=[dep()], observations=rows)
    whole, whole_problems = _survey_and_problems(folder)
    _in_pieces(monkeypatch, 1500)
    import landmap.io.camtrapdp as reader

    kept = []
    blocks_of = reader._blocks_of

    def spy(*args, **kwargs):
        blocks, written = blocks_of(*args, **kwargs)
        kept.extend(text is not None for _, text in written)
        return blocks, written

    monkeypatch.setattr(reader, "_blocks_of", spy)
    pieces, piece_problems = _survey_and_problems(folder)
    assert piece_problems == whole_problems
    pd.testing.assert_frame_equal(pieces.observations, whole.observations)
    found = {p.row - 2: p.value for p in pieces.problems
             if p.field == "eventStart" and "outside its deployment" in str(p.message)}
    assert found == where
    # the usual pieces (the first and the "+09:30" one among them) kept no text
    assert len(kept) > 20 and not kept[0] and kept.count(True) == 3

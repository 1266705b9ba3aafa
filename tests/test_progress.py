"""Progress of a long load: the rows read, the stages, and the line a user reads."""

import json
import re

import pytest

import landmap.io.camtrapdp as camtrapdp
import landmap.io.progress as progress
from landmap.demo import DEMO_DIR
from landmap.i18n import language
from landmap.io.camtrapdp import read_camtrapdp
from landmap.io.progress import LoadStep, Progress, ProgressBar
from landmap.io.sources import CACHE_ENV, load_survey


def _rows(folder, name):
    with open(folder / name, encoding="utf-8") as handle:
        return sum(1 for _ in handle) - 1  # the demo has no line breaks inside values


def test_a_step_reads_in_every_language():
    step = LoadStep("reading", rows=1_500_000, total=3_000_000, done=0.5, seconds=3.0,
                    file="observations.csv")
    assert step.text() == ("Reading observations.csv: 1,500,000 of about 3,000,000 rows, "
                           "500,000 rows/s")
    ru, zh = step.text(language("ru")), step.text(language("zh"))
    assert "observations.csv" in ru and "Чтение" in ru and "500" in ru
    assert "observations.csv" in zh and "读取" in zh
    assert LoadStep("caching", 10, 10, 0.0, 4.0).text(language("ru")).startswith("Запись")


def test_the_bar_moves_through_the_stages_in_order():
    shares = [LoadStep(stage, 0, 0, done, 1.0).share
              for stage, done in [("reading", 0), ("reading", 1), ("checking", 0.5),
                                  ("checking", 1), ("caching", 0), ("caching", 1)]]
    assert shares == pytest.approx([0.0, 0.6, 0.775, 0.95, 0.95, 1.0])


def test_the_rows_expected_follow_the_bytes_read():
    """1,000 rows in the first quarter of the bytes: about 4,000 in all."""
    steps = []
    tracker = Progress(steps.append, total_bytes=4_000)
    tracker.read("observations.csv", 1_000, 1_000)
    tracker.read("observations.csv", 1_000, 1_000)
    assert [(s.rows, s.total, s.done) for s in steps] == [(1_000, 4_000, 0.25),
                                                         (2_000, 4_000, 0.5)]


def test_a_short_load_shows_nothing_and_a_long_one_at_most_every_quarter_second():
    lines = []
    bar = ProgressBar(lambda share, line: lines.append(line))
    for seconds in (0.5, 1.9, 2.0, 2.1, 2.2, 2.3):
        bar(LoadStep("checking", 7, 7, 0.5, seconds))
    assert len(lines) == 2 and lines[0] == "Checking: 7 rows"


def test_a_package_read_in_blocks_reports_every_row_and_loads_the_same(monkeypatch):
    monkeypatch.setattr(camtrapdp, "_BLOCK", 256 * 1024)
    monkeypatch.setattr(camtrapdp, "_STREAM_FROM", 0)
    steps = []
    survey = read_camtrapdp(DEMO_DIR, progress=steps.append)
    plain = read_camtrapdp(DEMO_DIR)
    reading = [s for s in steps if s.stage == "reading"]
    expected = sum(_rows(DEMO_DIR, f"{n}.csv")
                   for n in ("deployments", "observations", "individuals", "media"))
    assert len(reading) > 10
    assert [s.rows for s in reading] == sorted(s.rows for s in reading)
    assert reading[-1].rows == expected and reading[-1].done == pytest.approx(1.0)
    assert {s.file for s in reading} == {"deployments.csv", "observations.csv",
                                         "individuals.csv", "media.csv"}
    assert [s.stage for s in steps].index("checking") == len(reading)
    shares = [s.share for s in steps]
    assert shares == sorted(shares) and shares[-1] == pytest.approx(0.95)
    assert survey.observations.equals(plain.observations)
    assert survey.deployments.drop(columns="geometry").equals(
        plain.deployments.drop(columns="geometry"))


def test_writing_the_cache_is_a_stage_and_a_current_cache_reports_nothing(tmp_path,
                                                                          monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    first, again = [], []
    load_survey(DEMO_DIR, progress=first.append)
    load_survey(DEMO_DIR, progress=again.append)
    assert [s.stage for s in first][-1] == "caching"
    assert again == []


def test_the_command_says_how_far_a_load_is_on_stderr_only(monkeypatch, capsys, tmp_path):
    from landmap.cli import main

    monkeypatch.setattr(progress, "SHOW_AFTER", 0.0)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    assert main(["summary", str(DEMO_DIR), "--format", "json", "--year", "2021"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["years"] == [2021, 2021]
    lines = err.splitlines()
    line = re.compile(r"^ *\d+% (Reading [\w.]+: [\d,]+ of about [\d,]+ rows, [\d,]+ rows/s"
                      r"|Checking: [\d,]+ rows|Writing the cache: [\d,]+ rows)$")
    assert all(line.match(text) for text in lines), lines
    assert "Reading deployments.csv:" in lines[0]


def test_a_small_file_is_read_whole_and_reported_once_with_its_rows():
    steps = []
    read_camtrapdp(DEMO_DIR, progress=steps.append)
    reading = [(s.file, s.rows) for s in steps if s.stage == "reading"]
    dep = _rows(DEMO_DIR, "deployments.csv")
    obs = _rows(DEMO_DIR, "observations.csv")
    assert reading[:2] == [("deployments.csv", dep), ("observations.csv", dep + obs)]

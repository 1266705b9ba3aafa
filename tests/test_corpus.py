"""The corpus of hostile and malformed inputs (tests/corpus.py): each case, run through the
Data page's calls in a child process with a time and a memory limit, ends as it must:
refused with a message naming the file, loaded with a named note, or loaded unchanged;
never a traceback, never a file from outside the package."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.corpus import CASES, SENTINEL

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def outcomes() -> dict[str, dict]:
    """Every case's outcome: one child process for the corpus, forked per case."""
    run = subprocess.run([sys.executable, "-m", "tests.corpus"], cwd=ROOT, text=True,
                         capture_output=True, timeout=1800, check=False)
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert lines, run.stderr[-3000:]
    return {line.pop("name"): line for line in lines}


def test_the_corpus_covers_at_least_sixty_inputs_of_every_kind():
    kinds = {case.kind for case in CASES}
    assert len(CASES) >= 60 and kinds == {"upload", "server", "tables", "layer"}
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_input_ends_as_it_must(outcomes, case):
    got = outcomes[case.name]
    assert got["outcome"] in ("refused", "loaded"), got  # no crash, time or memory out
    assert SENTINEL not in json.dumps(got)
    problems = got["problems"]
    if case.outcome == "refused":
        assert got["outcome"] == "refused", got
        assert any(p["action"] == "refused" for p in problems), problems
    else:
        assert got["outcome"] == "loaded", got
        assert not any(p["action"] == "refused" for p in problems), problems
    if case.outcome == "loaded" and not case.text:
        assert problems == [], problems
    if case.outcome != "loaded" or case.text:
        # the message names the file (the row and field where given) and says why
        assert any(case.file in p["file"] and case.text in p["message"]
                   and (case.row is None or p["row"] == case.row)
                   and (case.field is None or p["field"] == case.field)
                   for p in problems), problems
        assert all(p["file"] for p in problems), problems
    for key, value in case.counts:
        assert got["counts"][key] == value, got["counts"]

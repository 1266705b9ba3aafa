"""Shared fixtures: the demo survey, the boundary layers and a builder of tiny packages."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from landmap.boundaries import load_boundaries
from landmap.demo import DEMO_DIR, load_demo

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def boundaries():
    return load_boundaries()


@pytest.fixture(scope="session")
def demo():
    return load_demo()


@pytest.fixture(scope="session")
def demo_summary() -> pd.DataFrame:
    """The simulator's own per-year counts, written beside the package."""
    return pd.read_csv(DEMO_DIR / "simulation_summary.csv").set_index("year")


def _csv(rows: list[dict]) -> str:
    return pd.DataFrame(rows).to_csv(index=False, lineterminator="\n")


def dep(i: int = 1, **kw) -> dict:
    """A deployment row near Kedrovaya Pad (Russia, +10:00)."""
    row = {"deploymentID": f"d{i}", "locationID": f"L{i}", "latitude": "43.1",
           "longitude": "131.45", "deploymentStart": "2021-01-01T12:00:00+10:00",
           "deploymentEnd": "2021-03-01T12:00:00+10:00", "timestampIssues": "false"}
    row.update(kw)
    return row


def obs(i: int = 1, **kw) -> dict:
    """An event-level leopard observation row."""
    row = {"observationID": f"o{i}", "deploymentID": "d1", "eventID": f"e{i}",
           "eventStart": "2021-01-10T02:00:00+10:00", "eventEnd": "2021-01-10T02:00:30+10:00",
           "observationLevel": "event", "observationType": "animal",
           "scientificName": "Panthera pardus orientalis", "count": "1",
           "individualID": "Leo 1F", "sex": "female", "lifeStage": "adult"}
    row.update(kw)
    return row


@pytest.fixture
def make_package(tmp_path):
    """Write a small Camtrap DP package from row dicts (or raw text) and return its folder."""

    def make(deployments=None, observations=None, individuals=None, raw=None,
             descriptor=None) -> Path:
        folder = tmp_path / "pkg"
        folder.mkdir(exist_ok=True)
        resources = [{"name": "deployments", "path": "deployments.csv"},
                     {"name": "observations", "path": "observations.csv"}]
        tables = {"deployments": [dep()] if deployments is None else deployments,
                  "observations": [obs()] if observations is None else observations}
        if individuals is not None:
            tables["individuals"] = individuals
            resources.append({"name": "individuals", "path": "individuals.csv"})
        for name, rows in tables.items():
            (folder / f"{name}.csv").write_text(_csv(rows), encoding="utf-8")
        for name, content in (raw or {}).items():
            target = folder / name
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        desc = descriptor if descriptor is not None else {"name": "t", "resources": resources}
        (folder / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
        return folder

    return make

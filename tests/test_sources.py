"""The Parquet cache gives the same survey as the CSV files, and follows their changes."""

import shutil

import pandas as pd
import pytest

from landmap.demo import DEMO_DIR
from landmap.io.camtrapdp import read_camtrapdp
from landmap.io.sources import CACHE_ENV, cache_dir, load_survey
from landmap.io.validate import DataError
from landmap.survey import headline


@pytest.fixture
def package(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    folder = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, folder)
    return folder


def test_cache_gives_the_same_survey(package):
    fresh = load_survey(package)
    assert (cache_dir(package) / "fingerprint.json").exists()
    cached = load_survey(package)
    pd.testing.assert_frame_equal(cached.observations, fresh.observations)
    pd.testing.assert_frame_equal(pd.DataFrame(cached.deployments.drop(columns="geometry")),
                                  pd.DataFrame(fresh.deployments.drop(columns="geometry")))
    assert cached.deployments.geometry.equals(fresh.deployments.geometry)
    assert cached.problems == fresh.problems
    assert cached.metadata == fresh.metadata
    assert headline(cached.filter(years=(2021, 2021))) == \
        headline(fresh.filter(years=(2021, 2021)))


def test_changed_package_is_read_again(package):
    load_survey(package)
    obs = pd.read_csv(package / "observations.csv", dtype=str, keep_default_na=False)
    obs.iloc[:100].to_csv(package / "observations.csv", index=False)
    assert len(load_survey(package).observations) == 100


def test_invalid_package_is_never_cached(package):
    load_survey(package)
    (package / "deployments.csv").write_text("deploymentID\nd1\n")
    with pytest.raises(DataError, match="field 'latitude': a required column is missing"):
        load_survey(package)
    assert not (cache_dir(package) / "fingerprint.json").exists()


def test_originals_are_untouched(package):
    before = {p.name: p.read_bytes() for p in package.iterdir()}
    load_survey(package)
    load_survey(package)
    assert {p.name: p.read_bytes() for p in package.iterdir()} == before
    assert read_camtrapdp(package).observation_level == "event"

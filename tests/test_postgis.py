"""PostGIS as a data source: a real PostgreSQL server started for these tests.

The harness runs Debian's PostgreSQL binaries on a temporary folder (a Unix socket in the
folder, no TCP port, no Docker). ``python3 tasks.py test`` installs the packages, so CI
always runs these tests; elsewhere they are skipped with the packages to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
import shapely

from landmap.border import crossings_by_individual
from landmap.home_range import home_ranges
from landmap.i18n import Text, language
from landmap.io import postgis
from landmap.io.postgis import current_version, export_package, load_survey_into, read_survey
from landmap.io.validate import problems_frame
from landmap.survey import headline

_BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
_POSTGIS = sorted(Path("/usr/share/postgresql").glob("*/extension/postgis.control"))
pytestmark = pytest.mark.skipif(
    not (_BINARIES and _POSTGIS),
    reason="needs PostgreSQL with PostGIS: apt-get install postgresql postgis "
           "postgresql-postgis (python3 tasks.py test installs them)")


def _as_postgres(cmd: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; the Debian package made a 'postgres' user.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """A fresh PostgreSQL + PostGIS server; yields a libpq URL to a database in it."""
    bin_dir = _BINARIES[-1].parent
    folder = tmp_path_factory.mktemp("pg")
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        folder.chmod(0o755)
        for parent in folder.parents:  # the server must reach its folder
            if parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o011)
    subprocess.run(_as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust",
                                 "-U", "landmap", "--no-sync"]), check=True,
                   capture_output=True)
    log = folder / "server.log"
    subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log),
                                 "-w", "-o", f"-k {folder} -c listen_addresses='' "
                                             "-c fsync=off", "start"]), check=True,
                   capture_output=True)
    url = f"postgresql://landmap@/postgres?host={folder}"
    try:
        yield url
    finally:
        subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast",
                                     "stop"]), capture_output=True)


@pytest.fixture(scope="module")
def loaded(database, demo):
    started = time.perf_counter()
    version = load_survey_into(database, demo)
    print(f"\nload of the demo into PostGIS: {time.perf_counter() - started:.2f} s")
    return database, version


def test_database_gives_back_the_survey_that_was_loaded(loaded, demo):
    url, _ = loaded
    back = read_survey(url)
    for table in ("deployments", "observations", "individuals"):
        a, b = getattr(demo, table), getattr(back, table)
        assert list(b.columns) == list(a.columns), table
        assert b.dtypes.astype(str).tolist() == a.dtypes.astype(str).tolist(), table
        pd.testing.assert_frame_equal(pd.DataFrame(b), pd.DataFrame(a), check_exact=True)
    assert back.deployments.geometry.equals(demo.deployments.geometry)
    assert back.metadata == demo.metadata and back.problems == demo.problems
    # the findings keep their templates, so a report from the database can be translated
    assert back.problems and all(isinstance(p.message, Text) for p in back.problems)
    assert (problems_frame(back.problems, language("ru"))
            .equals(problems_frame(demo.problems, language("ru"))))
    assert back.observation_level == demo.observation_level
    for layer in ("countries", "border", "parks"):
        a, b = getattr(demo.boundaries, layer), getattr(back.boundaries, layer)
        assert b.geometry.geom_equals_exact(a.geometry, tolerance=0).all(), layer
        assert b.drop(columns="geometry").equals(a.drop(columns="geometry")), layer


def test_pages_numbers_are_the_same_from_either_source(loaded, demo):
    url, _ = loaded
    back = read_survey(url)
    for years in ((2013, 2024), (2021, 2021)):
        a, b = demo.filter(years=years), back.filter(years=years)
        assert headline(b) == headline(a)
    a, b = demo.filter(years=(2021, 2021)), back.filter(years=(2021, 2021))
    ranges_a, ranges_b = home_ranges(a, levels=(95,)), home_ranges(b, levels=(95,))
    assert ranges_b["area_km2"].equals(ranges_a["area_km2"])  # NaN where no range
    assert list(shapely.to_wkb(ranges_b.geometry.to_numpy())) == \
        list(shapely.to_wkb(ranges_a.geometry.to_numpy()))
    pd.testing.assert_frame_equal(crossings_by_individual(b, ranges=ranges_b),
                                  crossings_by_individual(a, ranges=ranges_a))


@pytest.mark.parametrize(("years", "individuals"), [((2019, 2019), None),
                                                    (None, ["Leo 16F", "Leo 23F"]),
                                                    ((2016, 2018), ["Leo 16F"])])
def test_filters_in_the_database_equal_filters_in_memory(loaded, demo, years, individuals):
    url, _ = loaded
    cut = read_survey(url, years=years, individuals=individuals)
    full = demo.filter(years=years, individuals=individuals)
    assert headline(cut) == headline(full)
    assert cut.observations["observationID"].tolist() == \
        full.observations["observationID"].tolist()
    assert cut.deployments["deploymentID"].tolist() == full.deployments["deploymentID"].tolist()


def test_a_failed_load_leaves_the_database_as_it_was(loaded, demo):
    url, version = loaded
    before = current_version(url)
    small = demo.filter(years=(2013, 2013))
    with pytest.raises(RuntimeError, match="stopped on purpose after observations"):
        load_survey_into(url, small, fail_after="observations")
    assert current_version(url) == before
    assert headline(read_survey(url)) == headline(demo)
    with postgis.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'landmap' AND "
                    "tablename LIKE %s", (f"%_v{version + 1}",))
        assert cur.fetchone()[0] == 0  # no partial tables left behind


def test_loading_again_is_idempotent_and_readers_keep_reading(loaded, demo):
    url, _ = loaded
    seen, errors = [], []
    done = threading.Event()

    def reader():
        while not done.is_set():
            try:
                seen.append(headline(read_survey(url, years=(2021, 2021))))
            except Exception as exc:
                errors.append(exc)

    readers = [threading.Thread(target=reader) for _ in range(2)]
    for t in readers:
        t.start()
    time.sleep(0.5)
    load_survey_into(url, demo)  # the same package again, while two sessions read
    load_survey_into(url, demo)
    time.sleep(0.5)
    done.set()
    for t in readers:
        t.join(timeout=60)
    assert errors == []
    assert len(seen) >= 4
    assert set(seen) == {headline(demo.filter(years=(2021, 2021)))}
    assert headline(read_survey(url)) == headline(demo)
    with postgis.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM landmap.versions")
        assert cur.fetchone()[0] == 2  # the current version and the one before


def test_export_writes_the_package_back(loaded, demo, tmp_path):
    from landmap.io.camtrapdp import read_camtrapdp
    from landmap.io.conformance import check_package

    url, _ = loaded
    export_package(url, tmp_path / "out")
    back = read_camtrapdp(tmp_path / "out")
    assert headline(back) == headline(demo)
    assert check_package(tmp_path / "out") == []


def test_command_line_load_and_missing_database(database, tmp_path, capsys, monkeypatch):
    from landmap.demo import DEMO_DIR

    assert postgis.main(["load", str(DEMO_DIR), "--database", database]) == 0
    assert "deployments" in capsys.readouterr().out
    monkeypatch.delenv(postgis.DATABASE_ENV, raising=False)
    with pytest.raises(SystemExit):
        postgis.main(["export", str(tmp_path)])
    assert "no database" in capsys.readouterr().err


def test_dashboard_pages_show_the_same_from_the_database(loaded, monkeypatch):
    """The same pages, run once on the files and once on the database (chosen by
    configuration), show the same headline, tables and titles."""
    from streamlit.testing.v1 import AppTest

    from landmap.app import signin
    from landmap.app.serve import legacy_pages_off
    from tests.conftest import ROOT

    url, _ = loaded
    legacy_pages_off()
    monkeypatch.setattr(signin, "_local_client", lambda: True)
    seen = {}
    for source in ("files", "database"):
        if source == "database":
            monkeypatch.setenv(postgis.DATABASE_ENV, url)
        shown = []
        for page in ("pages/overview.py", "pages/cross_border.py", "pages/home_ranges.py"):
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
            at.query_params["years"] = "2021-2021"
            at.run()
            at.switch_page(page).run()
            assert not at.exception, (source, page, at.exception)
            shown.append(([t.value for t in at.title], [(m.label, m.value) for m in at.metric],
                          [d.value.to_csv() for d in at.dataframe]))
        seen[source] = shown
    assert seen["database"] == seen["files"]


def test_unreachable_database_gets_a_message(monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    from landmap.app import signin
    from landmap.app.serve import legacy_pages_off
    from tests.conftest import ROOT

    legacy_pages_off()
    monkeypatch.setattr(signin, "_local_client", lambda: True)
    monkeypatch.setenv(postgis.DATABASE_ENV, f"postgresql://nobody@/none?host={tmp_path}")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert "The camera-trap data (PostGIS database) cannot be used" in at.error[0].value
    assert "the database cannot be read" in at.error[0].value


def test_media_other_level_rows_and_own_resources_survive_the_database(database, tmp_path,
                                                                        make_package):
    """A database of its own (the module's database keeps the demo as current)."""
    import psycopg

    from landmap.io.camtrapdp import read_camtrapdp
    from tests.test_round_trip import (
        instants,
        media_rows,
        official_errors,
        per_species,
        write_rich_package,
    )

    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("CREATE DATABASE round_trip")
    url = database.replace("/postgres?", "/round_trip?")
    survey = read_camtrapdp(write_rich_package(make_package))
    load_survey_into(url, survey)
    back = read_survey(url)
    assert per_species(back) == per_species(survey)
    assert instants(back) == instants(survey)
    assert media_rows(back) == media_rows(survey)
    assert back.kept.files == survey.kept.files
    assert read_survey(url, years=(2022, 2022)).kept.media["mediaID"].tolist() == ["m4"]
    export_package(url, tmp_path / "out")
    assert official_errors(tmp_path / "out") == []
    assert (tmp_path / "out" / "weather.csv").read_bytes() == survey.kept.files["weather.csv"]

"""The ``landmap`` command: the numbers the Overview shows, exports a GIS opens, and one
line (never a traceback) for every mistake."""

import io
import json
import subprocess
import sys
import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from landmap.app import signin
from landmap.app.serve import legacy_pages_off
from landmap.border import crossings_by_individual
from landmap.cli import main
from landmap.demo import DEMO_DIR
from landmap.home_range import home_ranges
from landmap.io.conformance import check_package
from landmap.io.sources import CACHE_ENV
from tests.conftest import ROOT, dep, obs

#: Keys of ``landmap summary --format json`` promised in the README (a stable interface).
HEADLINE_KEYS = {"stations", "trap_nights", "flagged_trap_nights", "detections", "individuals",
                 "effort_unit"}
YEARLY_KEYS = {"year", "individuals", "females", "males", "adults", "subadults",
               "new_individuals", "last_seen", "females_with_cubs", "cubs",
               "sex_ratio_m_per_f", "russia", "china", "both", "russia_only", "china_only",
               "share_both", "stations", "trap_nights", "effort_unit"}
PARK_KEYS = {"park_id", "distance_km", "cell_km", "measured", "park_km2", "covered_km2",
             "share", "stations", "cells_without_camera", "gap_km2", "reason"}


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path_factory.getbasetemp() / "cli-cache"))


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _summary(capsys, *argv) -> dict:
    code, out, err = _run(capsys, "summary", str(DEMO_DIR), "--format", "json", *argv)
    assert code == 0, err
    return json.loads(out)


def test_summary_2021_shows_what_the_overview_shows(capsys, monkeypatch):
    result = _summary(capsys, "--year", "2021")
    monkeypatch.setattr(signin, "_local_client", lambda: True)
    legacy_pages_off()
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.query_params["years"] = "2021-2021"
    app.run()
    assert not app.exception
    shown = {m.label: m.value for m in app.metric}
    h = result["headline"]
    assert shown == {"Camera stations": f"{h['stations']:,}",
                     "Trap-nights": f"{h['trap_nights']:,.0f}",
                     "Leopard detections": f"{h['detections']:,}",
                     "Individuals": f"{h['individuals']:,}"}
    assert (h["stations"], h["detections"], h["individuals"]) == (550, 1362, 131)
    assert result["years"] == [2021, 2021]
    assert [row["year"] for row in result["yearly"]] == [2021]


def test_summary_keys_are_the_documented_ones(capsys):
    result = _summary(capsys, "--year", "2020-2021")
    assert set(result) == {"title", "years", "species", "headline", "yearly", "park_coverage"}
    assert set(result["headline"]) == HEADLINE_KEYS
    assert all(set(row) == YEARLY_KEYS for row in result["yearly"])
    assert set(result["park_coverage"]) == PARK_KEYS - {"reason"}  # "reason": unmeasured
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### `landmap summary --format json`"):]
    section = section[:section.index("\n### ", 5)]
    missing = [k for k in HEADLINE_KEYS | YEARLY_KEYS | PARK_KEYS if f"`{k}`" not in section]
    assert missing == []


def test_summary_gives_the_park_coverage_the_trap_density_page_shows(capsys, monkeypatch,
                                                                       demo):
    """2021 of the demo: 99.9 % of the park within 3 km of a camera and 18 park cells of
    5 km without one, as the page shows them and the API computes them."""
    from landmap.effort import coverage, coverage_gaps

    park = _summary(capsys, "--year", "2021")["park_coverage"]
    s = demo.filter(years=(2021, 2021))
    covered, gaps = coverage(s), coverage_gaps(s)
    assert park["measured"] is True and park["park_id"] == "land-of-the-leopard"
    assert park["share"] == round(covered["share"], 4)
    assert park["cells_without_camera"] == len(gaps) == 18
    assert park["gap_km2"] == round(gaps["area_km2"].sum(), 1)
    assert park["park_km2"] == round(covered["park_km2"], 1) == 2650.0
    monkeypatch.setattr(signin, "_local_client", lambda: True)
    legacy_pages_off()
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.query_params["years"] = "2021-2021"
    app.run()
    app.switch_page("pages/trap_density.py").run()
    shown = {m.label: m.value for m in app.metric}
    assert shown["Park within 3 km of a camera"] == f"{park['share']:.1%}" == "99.9%"
    assert shown["Park cells with no camera"] == "18"


def test_a_package_far_from_the_park_has_its_coverage_refused_with_the_reason(
        capsys, make_package, tmp_path):
    folder = make_package(deployments=[dep(1, latitude="51.07", longitude="4.47")],
                          observations=[obs(1, scientificName="Vulpes vulpes",
                                            individualID="")])
    reason = ("no station of the selection lies within 20 km of Land of the Leopard National "
              "Park: the park's coverage by cameras is not measured")
    code, out, _ = _run(capsys, "summary", str(folder), "--format", "json")
    assert code == 0
    assert json.loads(out)["park_coverage"] == {
        "park_id": "land-of-the-leopard", "distance_km": 3.0, "cell_km": 5.0,
        "measured": False, "reason": reason}
    code, out, _ = _run(capsys, "summary", str(folder))
    assert f"park coverage: {reason}" in out
    code, _, err = _run(capsys, "export", str(folder), "--what", "gaps", "--output",
                        str(tmp_path / "gaps.geojson"))
    assert code == 1 and err.strip() == f"landmap: {reason}"
    assert not (tmp_path / "gaps.geojson").exists()


def test_export_gaps_writes_the_park_cells_without_a_camera(capsys, tmp_path, demo):
    from landmap.effort import coverage_gaps

    out = tmp_path / "gaps.geojson"
    code, _, err = _run(capsys, "export", str(DEMO_DIR), "--what", "gaps", "--year", "2021",
                        "--output", str(out))
    assert code == 0, err
    written = gpd.read_file(out)
    exact = coverage_gaps(demo.filter(years=(2021, 2021)))
    assert sorted(written["cell_id"]) == sorted(exact["cell_id"])
    assert written["area_km2"].sum() == pytest.approx(exact["area_km2"].sum(), abs=0.01)
    assert set(written["location_precision"]) == {"locations generalised to 5 km"}
    code, _, err = _run(capsys, "export", str(DEMO_DIR), "--what", "gaps", "--cell-km", "1",
                        "--output", str(tmp_path / "fine.csv"))
    assert code == 2 and "finer than the location precision" in err


def test_yearly_table_matches_the_simulators_own_counts(capsys, demo_summary):
    # simulation_summary.csv is written from the simulator's state, not from the CSV files
    rows = pd.DataFrame(_summary(capsys)["yearly"]).set_index("year")
    truth = demo_summary
    assert rows.index.tolist() == list(range(2013, 2025))
    assert rows["stations"].tolist() == truth["stations"].tolist()
    assert rows["trap_nights"].tolist() == pytest.approx(truth["trap_nights"].tolist(),
                                                         abs=0.01)
    assert rows["individuals"].tolist() == truth["individuals"].tolist()
    assert rows["russia"].tolist() == truth["individuals_russia"].tolist()
    assert rows["china"].tolist() == truth["individuals_china"].tolist()
    assert rows["both"].tolist() == truth["individuals_both"].tolist()
    assert (rows["russia_only"] + rows["china_only"] + rows["both"]).tolist() == \
        rows["individuals"].tolist()


def test_summary_of_one_individual_and_as_csv(capsys):
    code, out, _ = _run(capsys, "summary", str(DEMO_DIR), "--year", "2021", "--individual",
                        "Leo 16F", "--format", "csv")
    assert code == 0
    table = pd.read_csv(io.StringIO(out))
    assert table.loc[0, "individuals"] == 1
    assert table.loc[0, "females"] == 1 and table.loc[0, "males"] == 0


def test_summary_table_reads_like_a_report(capsys):
    code, out, _ = _run(capsys, "summary", str(DEMO_DIR), "--year", "2021")
    assert code == 0
    assert ("camera stations 550 · trap-nights 180,727 (camera-days) · leopard detections "
            "1,362") in out
    assert "russia_only" in out and "females_with_cubs" in out


def test_export_ranges_keep_exact_areas_and_outlines_between_cell_centres(capsys, tmp_path, demo):
    out = tmp_path / "ranges.geojson"
    code, _, err = _run(capsys, "export", str(DEMO_DIR), "--what", "ranges", "--year", "2021",
                        "--individual", "Leo 16F", "--output", str(out))
    assert code == 0, err
    written = gpd.read_file(out)
    exact = home_ranges(demo.filter(years=(2021, 2021), individuals=["Leo 16F"]))
    assert sorted(written["area_km2"].round(3)) == sorted(exact["area_km2"].round(3))
    assert set(written["location_precision"]) == {"locations generalised to 5 km"}
    assert written.geometry.is_valid.all()
    vertices = written.to_crs("EPSG:32652").geometry.get_coordinates().to_numpy()
    # every vertex lies on a line joining two 5 km cell centres, x or y (within a metre:
    # reprojection round trip)
    r = np.mod(vertices - 2500, 5000)
    assert (np.minimum(r, 5000 - r) < 1.0).any(axis=1).all()


def test_export_effort_crossings_and_package(capsys, tmp_path, demo):
    grid = tmp_path / "grid.csv"
    assert _run(capsys, "export", str(DEMO_DIR), "--what", "effort", "--year", "2021",
                "--cell-km", "10", "--output", str(grid))[0] == 0
    cells = pd.read_csv(grid)
    assert cells["stations"].sum() == 550
    crossings = tmp_path / "crossings.json"
    assert _run(capsys, "export", str(DEMO_DIR), "--what", "crossings", "--year", "2021",
                "--output", str(crossings))[0] == 0
    s = demo.filter(years=(2021, 2021))
    table = crossings_by_individual(s, ranges=home_ranges(s, levels=(95,)))
    rows = json.loads(crossings.read_text(encoding="utf-8"))
    assert len(rows) == len(table)
    assert sum(r["status"] == "both" for r in rows) == int((table["status"] == "both").sum())
    package = tmp_path / "selection.zip"
    assert _run(capsys, "export", str(DEMO_DIR), "--what", "camtrapdp", "--year", "2021",
                "--output", str(package))[0] == 0
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(package).extractall(unpacked)
    assert check_package(unpacked) == []
    descriptor = json.loads((unpacked / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["coordinatePrecision"] == pytest.approx(0.05)


@pytest.mark.parametrize(("argv", "code", "message"), [
    (["summary", "no/such/package"], 2, "no/such/package: no such file or folder"),
    (["summary", str(DEMO_DIR), "--year", "1999"], 2, "--year 1999: the survey covers "
                                                      "2013-2024"),
    (["summary", str(DEMO_DIR), "--year", "2017", "--year", "2021"], 2,
     "the years must form one span"),
    (["summary", str(DEMO_DIR), "--year", "last"], 2, "--year 'last': give a year"),
    (["summary", str(DEMO_DIR), "--individual", "Leo 999X"], 2,
     "'Leo 999X' not in this survey"),
    (["export", str(DEMO_DIR), "--what", "crossings", "--output", "x.gpkg"], 2,
     "--what crossings cannot be written as gpkg; use csv or json"),
    (["export", str(DEMO_DIR), "--what", "ranges", "--format", "zip", "--output", "x.zip"], 2,
     "--what ranges cannot be written as zip"),
    (["export", str(DEMO_DIR), "--what", "effort", "--cell-km", "1", "--output", "x.csv"], 2,
     "--cell-km 1 is finer than the location precision (5 km)"),
    (["export", str(DEMO_DIR), "--what", "ranges", "--protect", "3", "--output", "x.csv"], 2,
     "--protect '3': use 1, 5 or 10"),
])
def test_bad_use_gets_one_line(capsys, argv, code, message):
    got, out, err = _run(capsys, *argv)
    assert got == code
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert out == ""


def test_an_invalid_package_lists_its_problems(capsys, make_package):
    folder = make_package(deployments=[dep(latitude="95")],
                          observations=[obs(eventStart="yesterday")])
    code, _, err = _run(capsys, "summary", str(folder))
    assert code == 1
    assert "cannot be loaded" in err and "deployments.csv" in err and "observations.csv" in err
    assert "Traceback" not in err


def test_the_installed_command_exits_non_zero_without_a_traceback(tmp_path):
    run = subprocess.run([sys.executable, "-m", "landmap", "summary", str(tmp_path / "none")],
                         capture_output=True, text=True, cwd=tmp_path, check=False)
    assert run.returncode == 2
    assert run.stderr.startswith("landmap: ") and "Traceback" not in run.stderr
    usage = subprocess.run([sys.executable, "-m", "landmap", "frobnicate"],
                           capture_output=True, text=True, check=False)
    assert usage.returncode == 2 and "invalid choice: 'frobnicate'" in usage.stderr


def test_bench_prints_its_table_and_nothing_else(tmp_path):
    run = subprocess.run([sys.executable, "-m", "landmap", "bench", "--scales", "1",
                          "--repeat", "1"], capture_output=True, text=True, cwd=tmp_path,
                         check=False, timeout=600)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""  # no Streamlit warnings: the analyses do not need it
    assert "load + validation from CSV" in run.stdout
    assert "filter change, warm (overview)" in run.stdout
    assert list(tmp_path.iterdir()) == []  # a file only where --output says


def test_demo_command_writes_the_same_package(tmp_path, capsys):
    assert _run(capsys, "demo", "--out", str(tmp_path))[0] == 0
    for name in ("deployments.csv", "observations.csv", "datapackage.json"):
        assert (tmp_path / name).read_bytes() == (DEMO_DIR / name).read_bytes()


def test_postgis_without_a_database_says_what_to_give(capsys, monkeypatch):
    monkeypatch.delenv("LANDMAP_DATABASE_URL", raising=False)
    with pytest.raises(SystemExit) as stop:
        main(["postgis", "load", str(DEMO_DIR)])
    assert stop.value.code == 2
    assert "no database: give --database or set LANDMAP_DATABASE_URL" in capsys.readouterr().err


def test_export_the_years_as_an_animation_and_the_pack_with_a_page_per_year(capsys, tmp_path):
    import shutil
    import subprocess

    from PIL import Image

    from landmap.io.briefing import chromium_path

    if chromium_path() is None or shutil.which("pdfimages") is None:
        pytest.skip("needs Debian's Chromium and poppler-utils")
    gif = tmp_path / "years.gif"
    code, _, err = _run(capsys, "export", str(DEMO_DIR), "--what", "years", "--year",
                        "2020-2021", "--seconds", "0.5", "--output", str(gif))
    assert code == 0, err
    image = Image.open(gif)
    assert image.n_frames == 2 and image.info["duration"] == 500
    pdf = tmp_path / "pack.pdf"
    code, _, err = _run(capsys, "export", str(DEMO_DIR), "--what", "briefing", "--year",
                        "2020-2021", "--each-year", "--output", str(pdf))
    assert code == 0, err
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]
    assert len(images) == 4 + 2  # the four maps and one per year
    code, _, err = _run(capsys, "export", str(DEMO_DIR), "--what", "years", "--year", "2021",
                        "--output", str(gif))
    assert code == 2 and "the selection is one year (2021)" in err


def test_export_the_years_as_a_player_that_plays_offline(capsys, tmp_path):
    import json
    import re

    from landmap import load_boundaries, load_demo
    from landmap.survey import headline
    from tests.conftest import leaked_places, public_places

    out = tmp_path / "years.html"
    code, _, err = _run(capsys, "export", str(DEMO_DIR), "--what", "years", "--year",
                        "2019-2021", "--seconds", "1", "--output", str(out))
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    frames = json.loads(re.search(
        r'<script type="application/json" id="lm-frames">(.*?)</script>', html, re.S).group(1))
    assert [f["label"] for f in frames] == ["2019", "2020", "2021"]
    assert '<option value="1.0" selected>' in html
    demo = load_demo()
    for frame in frames:
        year = int(frame["label"])
        detections = headline(demo.filter(years=(year, year))).detections
        assert f"Amur leopard camera traps, {year}" in frame["html"]
        assert f"({detections:,} in all)" in frame["html"]
        # everything inlined: nothing to fetch from a CDN or from the dashboard
        assert "<script src=" not in frame["html"] and "/app/static" not in frame["html"]
        assert "Locations generalised to 5 km" in frame["html"]
        assert leaked_places(frame["html"], 5, public_places(load_boundaries())) == []


def test_media_lists_what_the_precision_allows_and_writes_clean_pictures(capsys, tmp_path):
    import io
    import json

    from PIL import Image

    from landmap import load_demo
    from landmap.media import media_table

    table = media_table(load_demo()).set_index("mediaID")
    code, out, err = _run(capsys, "media", str(DEMO_DIR), "--individual", "Leo 117F",
                          "--format", "json", "--thumbnails", str(tmp_path / "t"))
    assert code == 0, err
    listed = json.loads(out)
    ids = [f["mediaID"] for f in listed["files"]]
    # generalised (the default): a viewer's rules, no station and no file path
    assert ids and all(table.loc[i, "public"] and not table.loc[i, "people"] for i in ids)
    assert all("station" not in f and "filePath" not in f for f in listed["files"])
    # an event with a favourite first, its frames together
    assert any(f["favorite"] for f in listed["files"][:3])
    assert {f["subject"] for f in listed["files"]} == {"Leo 117F"}
    assert listed["counts"][0]["files"] == len(ids)
    written = sorted(p.stem for p in (tmp_path / "t").iterdir())
    assert written == sorted(ids) and f"wrote {len(ids)} pictures" in err
    picture = (tmp_path / "t" / f"{ids[0]}.jpg").read_bytes()
    assert b"Exif" not in picture and max(Image.open(io.BytesIO(picture)).size) == 360
    code, out, _ = _run(capsys, "media", str(DEMO_DIR), "--year", "2021", "--protect",
                        "exact", "--format", "csv")
    rows = out.splitlines()
    assert rows[0] == ("mediaID,kind,subject,local_time,station,country,favorite,public,"
                       "remote,filePath")
    from landmap.media import photos_of

    every = photos_of(load_demo().filter(years=(2021, 2021)))
    assert len(rows) - 1 == int((every["year"] == 2021).sum()) > 0


def test_export_camtrapdp_with_its_pictures(capsys, tmp_path):
    import zipfile

    out = tmp_path / "p.zip"
    code, _, err = _run(capsys, "export", str(DEMO_DIR), "--what", "camtrapdp", "--year",
                        "2021", "--media-files", "--output", str(out))
    assert code == 0, err
    names = zipfile.ZipFile(out).namelist()
    assert any(n.startswith("media/m") and n.endswith(".jpg") for n in names)

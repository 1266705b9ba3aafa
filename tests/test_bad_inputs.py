"""A corpus of bad inputs: each one gets its own message naming the file (and the row and
field where there is one), and none of them crashes a loader.

The cases cover the three ways data come in: Camtrap DP packages (folders, zips,
uploads), spreadsheet tables (camtrapR style) and boundary layers.
"""

from __future__ import annotations

import io
import json
import stat
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from landmap.io import intake
from landmap.io.camtrapdp import read_camtrapdp
from landmap.io.intake import open_package, package_from_files, safe_unzip
from landmap.io.layers import read_layer
from landmap.io.tables import guess_columns, read_csv_text, survey_from_tables
from landmap.io.validate import DataError
from tests.conftest import dep, obs


def _problems(call) -> list:
    with pytest.raises(DataError) as info:
        call()
    return info.value.problems


def _csv(rows: list[dict], sep: str = ",") -> str:
    return pd.DataFrame(rows).to_csv(index=False, sep=sep, lineterminator="\n")


# ----------------------------------------------------------------------------- packages
PACKAGE_CASES = [
    pytest.param({"raw": {"deployments.csv": _csv([dep()], sep=";")}},
                 ("deployments.csv", 1, None, "separated by ';'"), id="semicolons"),
    pytest.param({"raw": {"deployments.csv": _csv([dep()], sep="\t")}},
                 ("deployments.csv", 1, None, "separated by tabs"), id="tabs"),
    pytest.param({"deployments": [dep(latitude="131.45", longitude="43.1")]},
                 ("deployments.csv", 2, "latitude", "look swapped"), id="swapped-coordinates"),
    pytest.param({"deployments": [dep(deploymentStart="2021-02-30T12:00:00+10:00")]},
                 ("deployments.csv", 2, "deploymentStart", "not a date-time"),
                 id="impossible-date"),
    pytest.param({"observations": [obs(eventStart="yesterday")]},
                 ("observations.csv", 2, "eventStart", "not a date-time"), id="word-for-date"),
    pytest.param({"raw": {"deployments.csv": ""}},
                 ("deployments.csv", None, None, "the file is empty"), id="empty-file"),
    pytest.param({"raw": {"deployments.csv": "deploymentID,latitude,longitude,"
                                             "deploymentStart,deploymentEnd\n"}},
                 ("deployments.csv", None, None, "header but no deployments"),
                 id="header-only"),
    pytest.param({"raw": {"observations.csv": _csv([obs()]).encode("utf-16")}},
                 ("observations.csv", None, None, "not UTF-8"), id="utf16-encoding"),
    pytest.param({"observations": [obs(1), obs(1)]},
                 ("observations.csv", 3, "observationID", "duplicate ID"),
                 id="duplicate-observation-id"),
    pytest.param({"deployments": [dep(deploymentID=" ")]},
                 ("deployments.csv", 2, "deploymentID", "the ID is empty"), id="empty-id"),
    pytest.param({"observations": [obs(observationLevel="sequence")]},
                 ("observations.csv", 2, "observationLevel", "must be 'event' or 'media'"),
                 id="bad-level"),
    pytest.param({"observations": [obs(eventEnd="2021-01-10T01:00:00+10:00")]},
                 ("observations.csv", 2, "eventEnd", "ends before it starts"),
                 id="event-ends-before-start"),
    pytest.param({"deployments": [dep(latitude="")]},
                 ("deployments.csv", 2, "latitude", "not a number"), id="empty-latitude"),
    pytest.param({"observations": [obs(count="0")]},
                 ("observations.csv", 2, "count", "whole number of 1 or more"), id="zero-count"),
    pytest.param({"observations": [obs(count="1e20")]},
                 ("observations.csv", 2, "count", "too large to be a count"), id="huge-count"),
    pytest.param({"observations": [obs(count="-1e20")]},
                 ("observations.csv", 2, "count", "whole number of 1 or more"),
                 id="huge-negative-count"),
]


@pytest.mark.parametrize(("tables", "expected"), PACKAGE_CASES)
def test_bad_package(make_package, tables, expected):
    problems = _problems(lambda: read_camtrapdp(make_package(**tables)))
    file, row, field, text = expected
    assert any(p.file == file and p.row == row and p.field == field and text in p.message
               and p.action == "refused" for p in problems), problems


def test_broken_descriptor_json(make_package):
    folder = make_package()
    (folder / "datapackage.json").write_text("{'resources': [}", encoding="utf-8")
    [problem] = _problems(lambda: read_camtrapdp(folder))
    assert problem.file == "datapackage.json" and "not valid JSON" in problem.message


# ----------------------------------------------------------------------------- archives
def _zip(members: dict[str, bytes], mode: dict[str, int] | None = None,
         flags: dict[str, int] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if mode and name in mode:
                info.external_attr = mode[name] << 16
            archive.writestr(info, data)
    data = bytearray(buffer.getvalue())
    if flags:  # zipfile writes its own flags: set the bit in both headers afterwards
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            at = data.find(signature)
            data[at + offset] |= 0x1
    return bytes(data)


ARCHIVE_CASES = [
    pytest.param(_zip({"../../etc/cron.d/x": b"x"}), "../../etc/cron.d/x", "leads outside",
                 id="path-traversal"),
    pytest.param(_zip({"/etc/passwd": b"x"}), "/etc/passwd", "leads outside",
                 id="absolute-path"),
    pytest.param(_zip({"C:/Windows/x.csv": b"x"}), "C:/Windows/x.csv", "leads outside",
                 id="drive-letter"),
    pytest.param(_zip({"link": b"/etc/passwd"}, mode={"link": stat.S_IFLNK | 0o777}), "link",
                 "symbolic link", id="symlink"),
    pytest.param(_zip({"secret.csv": b"x" * 10}, flags={"secret.csv": 0x1}), "secret.csv",
                 "encrypted", id="encrypted"),
    pytest.param(_zip({"bomb.csv": b"\0" * (30 * 1024 * 1024)}), "bomb.csv", "zip bomb",
                 id="zip-bomb"),
    pytest.param(b"PK\x03\x04 this is not really a zip", None, "not a zip archive",
                 id="not-a-zip"),
]


@pytest.mark.parametrize(("archive", "member", "text"), ARCHIVE_CASES)
def test_hostile_archive_is_refused_before_anything_is_written(tmp_path, archive, member,
                                                                text):
    target = tmp_path / "out"
    target.mkdir()
    problems = _problems(lambda: safe_unzip(archive, target, "upload.zip"))
    assert any(p.file == "upload.zip" and p.field == member and text in p.message
               for p in problems), problems
    assert list(target.iterdir()) == []
    assert not (tmp_path.parent / "etc").exists()


def test_archive_with_too_many_members(tmp_path, monkeypatch):
    monkeypatch.setattr(intake, "MAX_MEMBERS", 10)
    [problem] = _problems(lambda: safe_unzip(_zip({f"f{i}": b"" for i in range(11)}),
                                             tmp_path, "many.zip"))
    assert "holds 11 members; at most 10" in problem.message


def test_archive_expanding_beyond_its_claims_is_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(intake, "MAX_UNPACKED_MB", 1)
    data = _zip({"a.csv": b"a" * 700_000, "b.csv": b"b" * 700_000})
    found = [p.message for p in _problems(lambda: safe_unzip(data, tmp_path, "big.zip"))]
    # letters repeated compress far: the whole-archive ratio check speaks up too
    assert "the archive expands to 1.3 MB; at most 1 MB are unpacked" in found


def test_oversized_upload(monkeypatch):
    monkeypatch.setattr(intake, "MAX_FILE_MB", 0.01)
    [problem] = _problems(lambda: package_from_files([("deployments.csv", b"x" * 20_000)]))
    assert problem.file == "deployments.csv"
    assert problem.message == "the file is 0.02 MB; landmap accepts at most 0.01 MB per file"


def test_zip_without_a_package():
    [problem] = _problems(lambda: open_package(_zip({"notes.txt": b"hello"}), "notes.zip"))
    assert problem.file == "notes.zip" and "no datapackage.json in it" in problem.message


def test_loose_files_without_descriptor():
    [problem] = _problems(lambda: package_from_files([("deployments.csv", b"a,b\n1,2\n"),
                                                      ("observations.csv", b"a\n1\n")]))
    assert "no datapackage.json among the files" in problem.message


def test_folder_that_does_not_exist(tmp_path):
    [problem] = _problems(lambda: open_package(tmp_path / "nowhere"))
    assert problem.message == "no such file or folder"


# ----------------------------------------------------------------------------- tables
STATIONS = [{"Station": "A", "lat": "43.10", "lon": "131.40", "Setup_date": "2021-01-01",
             "Retrieval_date": "2021-03-01", "Problem1_from": "", "Problem1_to": ""},
            {"Station": "B", "lat": "43.05", "lon": "131.30", "Setup_date": "2021-01-02",
             "Retrieval_date": "2021-03-02", "Problem1_from": "2021-02-01",
             "Problem1_to": "2021-02-10"}]
RECORDS = [{"Station": "A", "Species": "Panthera pardus orientalis",
            "DateTimeOriginal": "2021-01-15 03:20:00", "Individual": "Leo 1F"},
           {"Station": "B", "Species": "Panthera pardus orientalis",
            "DateTimeOriginal": "2021-02-15 22:05:00", "Individual": "Leo 1F"}]


def _tables(stations=None, records=None, drop=(), **options):
    st = pd.DataFrame(stations if stations is not None else STATIONS).astype(str)
    rec = pd.DataFrame(records if records is not None else RECORDS).astype(str)
    st_map = guess_columns(st.columns, "stations")
    for field in drop:
        st_map[field] = None
    return survey_from_tables(st, rec, station_columns=st_map,
                              record_columns=guess_columns(rec.columns, "records"), **options)


def _edit(rows, i, **changes):
    rows = [dict(r) for r in rows]
    rows[i].update(changes)
    return rows


TABLE_CASES = [
    pytest.param({"drop": ["setup"]}, ("stations.csv", None, "setup", "choose the column"),
                 id="setup-column-not-chosen"),
    pytest.param({"records": _edit(RECORDS, 1, Station="Z")},
                 ("records.csv", 3, "Station", "not in the stations table"),
                 id="unknown-station"),
    pytest.param({"stations": _edit(STATIONS, 0, Retrieval_date="2020-12-01")},
                 ("stations.csv", 2, "Retrieval_date", "retrieval before set-up"),
                 id="retrieval-before-setup"),
    pytest.param({"stations": _edit(STATIONS, 0, Setup_date="01/02/2021")},
                 ("stations.csv", 2, "Setup_date", "day/month order is ambiguous"),
                 id="ambiguous-date"),
    pytest.param({"stations": _edit(STATIONS, 0, Setup_date="2021-02-30")},
                 ("stations.csv", 2, "Setup_date", "not a date and time"),
                 id="impossible-table-date"),
    pytest.param({"records": _edit(RECORDS, 1, DateTimeOriginal="2021-02-05 10:00:00")},
                 ("records.csv", 3, "DateTimeOriginal", "was not working"),
                 id="record-in-problem-period"),
    pytest.param({"stations": _edit(STATIONS, 0, lat="131.40", lon="43.10")},
                 ("stations.csv", 2, "lat", "look swapped"), id="swapped-table-coordinates"),
    pytest.param({"stations": _edit(STATIONS, 1, Problem1_to="")},
                 ("stations.csv", 3, "Problem1_to", "only one end"),
                 id="problem-period-one-end"),
    pytest.param({"stations": _edit(STATIONS, 1, Problem1_from="2021-04-01",
                                    Problem1_to="2021-04-10")},
                 ("stations.csv", 3, "Problem1_from", "outside set-up to retrieval"),
                 id="problem-period-outside"),
    pytest.param({"records": _edit(RECORDS, 0, DateTimeOriginal="2021-01-15")},
                 ("records.csv", 2, "DateTimeOriginal", "no time of day"),
                 id="record-without-time"),
    pytest.param({"timezone": "Mars/Olympus"},
                 ("time zone", None, None, "not a time zone name"), id="unknown-time-zone"),
]


@pytest.mark.parametrize(("options", "expected"), TABLE_CASES)
def test_bad_tables(options, expected):
    problems = _problems(lambda: _tables(**options))
    file, row, field, text = expected
    assert any(p.file == file and p.row == row and p.field == field and text in p.message
               for p in problems), problems


def test_xy_coordinates_need_their_crs():
    stations = [{k: v for k, v in r.items() if k not in ("lat", "lon")} | {
        "utm_x": "533000", "utm_y": "4772000"} for r in STATIONS]
    problems = _problems(lambda: _tables(stations=stations, crs="not a crs"))
    assert any(p.field == "utm_x" and "need their CRS" in p.message for p in problems)


def test_empty_and_badly_encoded_table_files():
    [empty] = _problems(lambda: read_csv_text(b"  \n", "stations.csv"))
    assert empty.message == "the file is empty"
    [cp1251] = _problems(lambda: read_csv_text("Станция;Дата\n".encode("cp1251"), "st.csv"))
    assert cp1251.file == "st.csv" and "not UTF-8" in cp1251.message


# ----------------------------------------------------------------------------- layers
def _square(x=131.0, y=43.0, d=0.1):
    return shapely.box(x, y, x + d, y + d)


def _shapefile_zip(folder: Path, with_prj: bool = True, with_dbf: bool = True) -> Path:
    layer = gpd.GeoDataFrame({"zone": ["core"]}, geometry=[_square()], crs=4326)
    shp = folder / "zones.shp"
    layer.to_file(shp)
    path = folder / "zones.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for part in folder.glob("zones.*"):
            if part.suffix == ".zip" or (part.suffix == ".prj" and not with_prj) or (
                    part.suffix == ".dbf" and not with_dbf):
                continue
            archive.write(part, part.name)
    return path


def test_layer_without_crs_is_refused(tmp_path):
    path = _shapefile_zip(tmp_path, with_prj=False)
    [problem] = _problems(lambda: read_layer(path))
    assert problem.file == "zones.zip" and "has no CRS" in problem.message


def test_shapefile_without_its_dbf(tmp_path):
    [problem] = _problems(lambda: read_layer(_shapefile_zip(tmp_path, with_dbf=False)))
    assert "comes without its .dbf" in problem.message


def test_geopackage_with_two_layers_needs_a_choice(tmp_path):
    path = tmp_path / "park.gpkg"
    for name in ("core", "buffer"):
        gpd.GeoDataFrame({"n": [1]}, geometry=[_square()], crs=4326).to_file(path, layer=name)
    [problem] = _problems(lambda: read_layer(path))
    assert "holds 2 layers (core, buffer); choose one" in problem.message
    [wrong] = _problems(lambda: read_layer(path, layer="zones"))
    assert wrong.field == "zones" and "no layer 'zones'" in wrong.message


@pytest.mark.parametrize(("name", "content", "text"), [
    ("zones.txt", b"hello", "not a layer file"),
    ("zones.geojson", b'{"type": "FeatureCollection", "features": [', "cannot be read"),
    ("zones.geojson", json.dumps({"type": "FeatureCollection", "features": []}).encode(),
     "no features"),
    ("zones.kml", b"<kml><Document><Placemark>", "cannot be read"),
], ids=["wrong-kind", "truncated-geojson", "no-features", "broken-kml"])
def test_unreadable_layers(tmp_path, name, content, text):
    path = tmp_path / name
    path.write_bytes(content)
    [problem] = _problems(lambda: read_layer(path))
    assert problem.file == name and text in problem.message


def test_broken_geometry_is_repaired_and_reported(tmp_path):
    bowtie = shapely.Polygon([(131, 43), (131.1, 43.1), (131.1, 43), (131, 43.1)])
    path = tmp_path / "zones.geojson"
    gpd.GeoDataFrame({"zone": ["ok", "bowtie", "none"]},
                     geometry=[_square(), bowtie, None], crs=4326).to_file(path)
    layer = read_layer(path)
    assert len(layer.features) == 3  # nothing dropped
    report = {(p.row, p.action) for p in layer.problems}
    assert report == {(2, "repaired"), (3, "kept")}
    assert layer.features.geometry.iloc[:2].is_valid.all()


def test_names_that_look_like_templates_are_shown_as_written_never_run(make_package):
    """A station or animal named like Jinja code reaches every map as text: folium renders
    a map in two passes, and the second used to run such text on the server."""
    from landmap.home_range import home_ranges
    from landmap.io.camtrapdp import read_camtrapdp
    from landmap.maps import home_range_map, overview_map, sightings_map

    evil_station = "{{ 12345*54321 }}"
    evil_animal = "Leo {% if true %}1{% endif %}F"
    deployments = [dep(i, locationID=evil_station if i == 1 else f"L{i}",
                       latitude=f"{43.0 + i / 50:.3f}", longitude=f"{131.3 + i / 40:.3f}")
                   for i in range(1, 7)]
    observations = [obs(i, deploymentID=f"d{i % 6 + 1}", individualID=evil_animal,
                        eventStart=f"2021-01-{10 + i:02d}T02:00:00+10:00",
                        eventEnd=f"2021-01-{10 + i:02d}T02:00:30+10:00") for i in range(12)]
    survey = read_camtrapdp(make_package(deployments=deployments, observations=observations))
    assert evil_animal in survey.leopard_ids()
    ranges = home_ranges(survey)
    for m in (overview_map(survey), sightings_map(survey), home_range_map(survey, ranges)):
        html = m.get_root().render()
        assert "Leo {% if true %}1{% endif %}F" in html  # as written
        assert "670592745" not in html  # 12345*54321 was not computed
    assert evil_station in overview_map(survey).get_root().render()

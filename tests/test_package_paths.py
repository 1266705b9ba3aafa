"""A package may only make landmap read its own files: resource paths that leave it
(absolute, ``..``, links, devices, URLs) are refused by name, and a path typed on the
Data page must lie under the server's data folders. A sentinel file outside every
package checks that nothing of it is read or shown."""

from __future__ import annotations

import io
import json
import os
import zipfile

import pytest

from landmap.demo import DEMO_DIR
from landmap.io.camtrapdp import read_camtrapdp
from landmap.io.intake import (
    DATA_ROOTS_ENV,
    data_roots,
    open_package,
    package_from_files,
    server_package,
)
from landmap.io.validate import DataError
from tests.conftest import _csv, dep, obs

SECRET = "TOP-SECRET-SENTINEL-7f3a"


@pytest.fixture
def sentinel(tmp_path):
    """A CSV outside every package that would load as deployments if it were read."""
    outside = tmp_path / "outside"
    outside.mkdir()
    path = outside / "deployments.csv"
    path.write_text(_csv([dep(locationID=SECRET)]), encoding="utf-8")
    return path


def _package(folder, deployments_path: str, links: dict | None = None):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "observations.csv").write_text(_csv([obs()]), encoding="utf-8")
    for name, target in (links or {}).items():
        (folder / name).symlink_to(target)
    descriptor = {"name": "t", "resources": [
        {"name": "deployments", "path": deployments_path},
        {"name": "observations", "path": "observations.csv"}]}
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return folder


def _refused(call) -> str:
    with pytest.raises(DataError) as caught:
        call()
    text = str(caught.value)
    assert SECRET not in text
    return text


@pytest.mark.parametrize(("path", "reason"), [
    ("ABSOLUTE", "leads out of the package"),
    ("../outside/deployments.csv", "leads out of the package"),
    ("sub/../../outside/deployments.csv", "leads out of the package"),
    ("C:\\data\\deployments.csv", "leads out of the package"),
    ("https://example.org/deployments.csv", "a remote resource"),
    ("/dev/zero", "leads out of the package"),
])
def test_a_resource_path_that_leaves_the_package_is_refused(tmp_path, sentinel, path, reason):
    path = str(sentinel) if path == "ABSOLUTE" else path
    folder = _package(tmp_path / "pkg", path)
    text = _refused(lambda: read_camtrapdp(folder))
    assert "datapackage.json, field 'resources[0].path'" in text
    assert reason in text


def test_a_link_leading_out_is_refused_and_a_device_is_not_a_file(tmp_path, sentinel):
    folder = _package(tmp_path / "pkg", "deployments.csv", {"deployments.csv": sentinel})
    assert "a link leading out of the package" in _refused(lambda: read_camtrapdp(folder))
    (tmp_path / "pkg2").mkdir()
    folder = _package(tmp_path / "pkg2", "deployments.csv")
    (folder / "deployments.csv").mkdir()  # a folder where a table should be
    assert "not a regular file" in _refused(lambda: read_camtrapdp(folder))


def test_a_link_inside_the_package_is_followed(tmp_path):
    folder = _package(tmp_path / "pkg", "tables/deployments.csv")
    (folder / "data").mkdir()
    (folder / "data" / "deployments.csv").write_text(_csv([dep()]), encoding="utf-8")
    (folder / "tables").symlink_to(folder / "data")
    assert read_camtrapdp(folder).deployments["deploymentID"].tolist() == ["d1"]


def test_an_uploaded_descriptor_reads_only_the_uploaded_files(sentinel):
    descriptor = {"name": "t", "resources": [
        {"name": "deployments", "path": str(sentinel)},
        {"name": "observations", "path": "observations.csv"}]}
    files = [("datapackage.json", json.dumps(descriptor).encode()),
             ("observations.csv", _csv([obs()]).encode())]
    assert "leads out of the package" in _refused(lambda: package_from_files(files))


def test_a_zipped_descriptor_reads_only_the_archive(sentinel):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("datapackage.json", json.dumps({"name": "t", "resources": [
            {"name": "deployments", "path": "../" * 12 + str(sentinel).lstrip("/")},
            {"name": "observations", "path": "observations.csv"}]}))
        archive.writestr("observations.csv", _csv([obs()]))
    assert "leads out of the package" in _refused(
        lambda: open_package(buffer.getvalue(), "p.zip"))


@pytest.mark.parametrize("descriptor", [[1, 2], "resources", {"resources": "deployments.csv"}])
def test_a_descriptor_of_the_wrong_shape_is_refused_with_a_message(tmp_path, descriptor):
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    text = _refused(lambda: read_camtrapdp(folder))
    assert "datapackage.json" in text
    assert ("must hold a JSON object" in text) or ("'resources' must be a list" in text)


def test_a_typed_server_path_must_lie_under_the_data_folders(tmp_path, sentinel, monkeypatch):
    monkeypatch.delenv(DATA_ROOTS_ENV, raising=False)
    monkeypatch.delenv("LANDMAP_DATA", raising=False)
    roots = data_roots()
    assert roots == [DEMO_DIR.resolve()]
    for typed in (str(sentinel.parent), str(sentinel), "/etc", f"{DEMO_DIR}/../../.."):
        text = _refused(lambda typed=typed: server_package(typed, roots))
        assert "loads packages only from its data folders" in text
    assert len(server_package(str(DEMO_DIR), roots).deployments) > 0
    # an administrator adds folders by setting or environment
    monkeypatch.setenv(DATA_ROOTS_ENV, os.pathsep.join([str(tmp_path), "/srv/x"]))
    assert [str(r) for r in data_roots()] == [str(tmp_path.resolve()), "/srv/x"]
    assert data_roots({"landmap": {"data_roots": ["/srv/parks"]}}) == [
        type(DEMO_DIR)("/srv/parks").resolve()]


def _zip(members: list[tuple[str, bytes | str]], compression=zipfile.ZIP_STORED) -> bytes:
    import warnings

    buffer = io.BytesIO()
    with warnings.catch_warnings():  # zipfile warns about the duplicate name we want
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buffer, "w", compression) as archive:
            for name, data in members:
                info = zipfile.ZipInfo(name)
                info.compress_type = compression
                archive.writestr(info, data)
    return buffer.getvalue()


def _package_members(prefix: str = "") -> list[tuple[str, str]]:
    return [(f"{prefix}datapackage.json", json.dumps({"name": "t", "resources": [
        {"name": "deployments", "path": "deployments.csv"},
        {"name": "observations", "path": "observations.csv"}]})),
        (f"{prefix}deployments.csv", _csv([dep()])), (f"{prefix}observations.csv", _csv([obs()]))]


@pytest.mark.parametrize(("members", "member", "reason"), [
    ([*_package_members(), ("observations.csv", _csv([obs(2)]))], "observations.csv",
     "two members of this name"),
    ([*_package_members(), ("", "x")], "", "a member without a name"),
    ([*_package_members(), ("a" * 300 + "/x.csv", "x")], "a" * 300 + "/x.csv",
     "name is too long"),
    ([*_package_members(), ("notes", "x"), ("notes/more.txt", "y")], "notes",
     "both a file and a folder"),
])
def test_an_archive_whose_members_clash_is_refused_naming_the_member(members, member, reason):
    with pytest.raises(DataError) as caught:
        open_package(_zip(members), "upload.zip")
    problem = next(p for p in caught.value.problems if reason in p.message)
    assert problem.file == "upload.zip" and problem.field == member


def test_an_archive_with_two_packages_lists_them_and_takes_none():
    members = _package_members("2021/") + _package_members("2022/")
    with pytest.raises(DataError) as caught:
        open_package(_zip(members), "seasons.zip")
    text = str(caught.value)
    assert "the archive holds 2 packages (2021/datapackage.json, 2022/datapackage.json)" \
        in text and "zip one package at a time" in text


def test_many_small_members_that_expand_too_far_are_refused_before_unpacking(tmp_path):
    # 300 members of 100 kB of zeros each: every one is under the per-member check, but
    # the archive as a whole expands about a thousand times.
    members = [*_package_members(), *((f"pad/{i}.csv", "0" * 100_000) for i in range(300))]
    data = _zip(members, zipfile.ZIP_DEFLATED)
    with pytest.raises(DataError) as caught:
        open_package(data, "padded.zip")
    assert "the archive expands" in str(caught.value) and "a zip bomb?" in str(caught.value)


# --- inputs that used to end in a traceback (issue 19) --------------------------------------
def test_a_spreadsheet_saved_csv_with_a_byte_order_mark_and_numeric_ids_loads():
    descriptor = json.dumps({"name": "t", "resources": [
        {"name": "deployments", "path": "deployments.csv"},
        {"name": "observations", "path": "observations.csv"}]}).encode()
    deployments = ("\ufeffdeploymentID,locationID,latitude,longitude,deploymentStart,"
                   "deploymentEnd\n1,7,43.1,131.4,2021-01-01T00:00:00+10:00,"
                   "2021-02-01T00:00:00+10:00\n").encode()
    observations = ("\ufeffobservationID,deploymentID,eventID,eventStart,eventEnd,"
                    "observationLevel,observationType,scientificName\n1,1,1,"
                    "2021-01-05T00:00:00+10:00,2021-01-05T00:00:10+10:00,event,animal,"
                    "Panthera pardus orientalis\n").encode()
    s = package_from_files([("datapackage.json", descriptor), ("deployments.csv", deployments),
                            ("observations.csv", observations)])
    assert s.deployments["deploymentID"].tolist() == ["1"]  # IDs stay text, as written
    assert s.deployments["locationID"].tolist() == ["7"]
    assert len(s.observations) == 1


def test_a_records_table_with_only_its_header_is_a_survey_with_no_detections():
    from landmap.io.tables import guess_columns, read_csv_text, survey_from_tables
    from landmap.survey import headline

    stations = read_csv_text(b"Station,lat,lon,Setup_date,Retrieval_date\n"
                             b"A,43.1,131.4,2021-01-01,2021-02-01\n", "stations.csv")
    records = read_csv_text(b"Station,DateTimeOriginal,Species,Individual\n", "records.csv")
    s = survey_from_tables(stations, records,
                           station_columns=guess_columns(stations, "stations"),
                           record_columns=guess_columns(records, "records"))
    h = headline(s)
    assert (h.stations, h.trap_nights, h.detections) == (1, 31.0, 0)


def test_a_geojson_point_with_nan_is_refused_naming_the_feature(tmp_path):
    from landmap.io.layers import read_layer

    path = tmp_path / "nan.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"a": 1},
         "geometry": {"type": "Point", "coordinates": [131.4, 43.1]}},
        {"type": "Feature", "properties": {"a": 2},
         "geometry": {"type": "Point", "coordinates": [float("nan"), 43.0]}}]}))
    with pytest.raises(DataError) as caught:
        read_layer(path)
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.field) == ("nan.geojson", 2, "geometry")
    assert problem.message == "a coordinate is not a number"


def _tables(stations_csv: bytes, crs=None):
    from landmap.io.tables import guess_columns, read_csv_text, survey_from_tables

    stations = read_csv_text(stations_csv, "stations.csv")
    records = read_csv_text(b"Station,DateTimeOriginal,Species,Individual\n"
                            b"A,2021-01-05 02:00:00,Panthera pardus orientalis,Leo 1F\n",
                            "records.csv")
    return survey_from_tables(stations, records,
                              station_columns=guess_columns(stations, "stations"),
                              record_columns=guess_columns(records, "records"), crs=crs)


@pytest.mark.parametrize(("x", "y", "reason"), [
    ("131.4", "43.1", "looks like degrees, not metres of the chosen CRS"),
    ("4774833", "699375", "the two columns look swapped"),
])
def test_utm_columns_holding_degrees_or_swapped_are_refused(x, y, reason):
    with pytest.raises(DataError) as caught:
        _tables(f"Station,utm_x,utm_y,Setup_date,Retrieval_date\n"
                f"A,{x},{y},2021-01-01,2021-02-01\n".encode(), crs="EPSG:32652")
    [problem] = [p for p in caught.value.problems if p.file == "stations.csv"]
    assert (problem.row, problem.field) == (2, "utm_x")
    assert reason in problem.message


def test_a_station_row_pasted_twice_loads_with_a_note():
    s = _tables(b"Station,lat,lon,Setup_date,Retrieval_date\n"
                b"A,43.1,131.4,2021-01-01,2021-02-01\n"
                b"A,43.1,131.4,2021-01-01,2021-02-01\n")
    assert len(s.deployments) == 2  # kept: nothing is dropped without the user's say
    [note] = [p for p in s.problems if p.action == "flagged" and p.row == 3]
    assert note.file == "stations.csv" and "pasted twice?" in note.message


def test_a_geojson_in_metres_without_crs_is_refused_and_the_zone_offered(tmp_path):
    from landmap.io.layers import read_layer

    path = tmp_path / "zones.geojson"  # UTM 52N metres near Kedrovaya Pad, no "crs" member
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"zone": "core"}, "geometry": {
            "type": "Polygon", "coordinates": [[[699000, 4774000], [704000, 4774000],
                                                [704000, 4779000], [699000, 4774000]]]}}]}))
    with pytest.raises(DataError) as caught:
        read_layer(path)
    [problem] = caught.value.problems
    assert problem.file == "zones.geojson"
    assert "the coordinates are not degrees (up to 4,779,000)" in problem.message
    assert "they fit EPSG:32652 (UTM, metres)" in problem.message

"""Lossless round trip: what landmap reads and does not use comes back on export.

Every export here is validated against the official Camtrap DP 1.0 profile and table
schemas (copies in ``tests/fixtures/camtrap-dp-1.0``, see its SOURCE.md): the descriptor
with jsonschema, the tables (types, constraints, unique and foreign keys) with
frictionless. Then it is read back and compared: counts per species and level, every
instant, every media row, extra columns, descriptor properties, other resources.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import frictionless
import jsonschema
import pandas as pd
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from landmap.io.camtrapdp import read_camtrapdp
from landmap.io.exports import camtrapdp_zip
from landmap.io.sources import load_survey
from landmap.privacy import Precision, protect
from tests.conftest import dep, obs

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "tests" / "fixtures" / "camtrap-dp-1.0"
EXAMPLE = ROOT.parent / "shared" / "reference" / "camtrap-dp-example"
needs_example = pytest.mark.skipif(not EXAMPLE.is_dir(),
                                   reason="the official example sits in ../shared")


# ----------------------------------------------------------------------------- helpers
def _profile_validator() -> jsonschema.Draft4Validator:
    # The official profile writes one reference as "#$defs/version" (a JSON pointer needs
    # "#/$defs/..."): lax validators accept it, jsonschema does not, so it is mended here.
    text = (SCHEMAS / "camtrap-dp-profile.json").read_text().replace('"#$defs/', '"#/$defs/')
    # The profile builds on the Data Package profile, which frictionless checks itself
    # (below), and on GeoJSON, which frictionless ships.
    geojson = json.loads((Path(frictionless.__file__).parent / "assets" / "profiles"
                          / "geojson.json").read_text())
    registry = Registry().with_resources([
        ("https://frictionlessdata.io/schemas/data-package.json", DRAFT4.create_resource({})),
        ("http://json.schemastore.org/geojson.json",
         Resource.from_contents(geojson, default_specification=DRAFT4)),
    ])
    return jsonschema.Draft4Validator(json.loads(text), registry=registry)


def official_errors(folder: Path) -> list[str]:
    """Every way the package in ``folder`` breaks the official Camtrap DP 1.0 schemas."""
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    errors = [f"descriptor: {e.message}" for e in _profile_validator().iter_errors(descriptor)]
    for resource in descriptor["resources"]:
        if isinstance(resource.get("schema"), str):  # the standard's URL: use the copy
            resource["schema"] = json.loads(
                (SCHEMAS / f"{resource['name']}-table-schema.json").read_text())
    descriptor.pop("profile")  # checked above (frictionless would fetch it)
    report = frictionless.Package(descriptor, basepath=str(folder)).validate()
    errors += [f"{task.name}: {e.message}" for task in report.tasks for e in task.errors]
    errors += [f"package: {e.message}" for e in report.errors]
    return errors


def export_to(survey, folder: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(camtrapdp_zip(survey))) as archive:
        archive.extractall(folder)
    return folder


def per_species(survey) -> dict:
    """Rows per (level, observation type, species), of both levels."""
    frames = [survey.observations, survey.kept.observations]
    both = pd.concat([f for f in frames if len(f)], ignore_index=True)
    return both.groupby(["observationLevel", "observationType", "scientificName"]).size(
    ).to_dict()


def instants(survey) -> dict:
    frames = [survey.observations, survey.kept.observations]
    both = pd.concat([f for f in frames if len(f)], ignore_index=True)
    return dict(zip(both["observationID"], zip(both["eventStart"], both["eventEnd"],
                                                strict=True), strict=True))


def media_rows(survey) -> list[tuple]:
    media = survey.kept.media.drop(columns=["timestamp_utc", "timestamp_offset"],
                                   errors="ignore")
    return sorted(map(tuple, media.astype(str).to_numpy().tolist()))


# ----------------------------------------------------------------------------- a package
# of our own, so that CI (which has no ../shared) checks every part of the round trip.
MEDIA = ("mediaID,deploymentID,captureMethod,timestamp,filePath,filePublic,fileName,"
         "fileMediatype,exifData,favorite,mediaComments\n"
         'm1,d1,activityDetection,2021-01-10T02:00:00+10:00,media/m1.jpg,true,m1.jpg,'
         'image/jpeg,"{""GPSLatitude"": 43.1}",true,\n'
         "m2,d1,activityDetection,2021-01-10T02:00:10+10:00,media/m2.jpg,false,m2.jpg,"
         "image/jpeg,,,\n"
         "m3,d1,activityDetection,2021-02-10T05:00:00+10:00,media/m3.jpg,true,m3.jpg,"
         "image/jpeg,,,blank\n"
         "m4,d2,timeLapse,2022-01-05T12:00:00Z,media/m4.jpg,true,m4.jpg,image/jpeg,,,\n")
WEATHER = b"date,snow_cm\r\n2021-01-10,35\r\n2021-02-10,12\r\n"  # CRLF kept as written
SITES = b"site,lat,lon\nridge,43.10,131.45\n"


@pytest.fixture
def rich_package(make_package):
    return write_rich_package(make_package)


def write_rich_package(make_package) -> Path:
    """Two deployments over two years; event- and media-level leopard observations of two
    individuals; media (one not public, one with GPS in its EXIF, a blank); an extra
    column; a programme's own resources (one with coordinates, one inline)."""
    deployments = [dep(1, deploymentEnd="2022-03-01T12:00:00+10:00", cameraModel="Bushnell"),
                   dep(2, latitude="43.2", deploymentStart="2021-12-01T12:00:00+10:00",
                       deploymentEnd="2022-03-01T12:00:00+10:00", cameraModel="Reconyx")]
    observations = [
        obs(1, eventStart="2021-01-10T02:00:00+10:00", eventEnd="2021-01-10T02:00:30+10:00",
            rangerNote="fresh scrape"),
        obs(2, observationLevel="media", mediaID="m1", eventID="e1",
            eventStart="2021-01-10T02:00:00+10:00", eventEnd="2021-01-10T02:00:00+10:00"),
        obs(3, observationLevel="media", mediaID="m2", eventID="e1",
            eventStart="2021-01-10T02:00:10+10:00", eventEnd="2021-01-10T02:00:10+10:00"),
        obs(4, observationLevel="media", mediaID="m3", eventID="e4", observationType="blank",
            scientificName="", individualID="", sex="", lifeStage="", count="",
            eventStart="2021-02-10T05:00:00+10:00", eventEnd="2021-02-10T05:00:00+10:00"),
        obs(5, deploymentID="d2", individualID="Leo 2M", sex="male",
            eventStart="2022-01-05T22:00:00+10:00", eventEnd="2022-01-05T22:01:00+10:00"),
        obs(6, deploymentID="d2", observationLevel="media", mediaID="m4", eventID="e5",
            individualID="Leo 2M", sex="male",
            eventStart="2022-01-05T12:00:00Z", eventEnd="2022-01-05T12:00:00Z"),
    ]
    descriptor = {
        "name": "rich", "title": "A programme's own package", "id": "abc-123",
        "contributors": [{"title": "A. Ranger", "role": "principalInvestigator"}],
        "licenses": [{"name": "CC-BY-4.0", "scope": "data"},
                     {"name": "CC-BY-4.0", "scope": "media"}],
        "project": {"title": "Snow leopards, really", "samplingDesign": "targeted",
                    "captureMethod": ["activityDetection", "timeLapse"],
                    "individualAnimals": True, "observationLevel": ["media", "event"],
                    "acronym": "RICH"},
        "bibliographicCitation": "Ranger A. (2022)",
        "resources": [
            {"name": "deployments", "path": "deployments.csv"},
            {"name": "media", "path": "media.csv"},
            {"name": "observations", "path": "observations.csv"},
            {"name": "weather", "path": "weather.csv", "description": "snow depth"},
            {"name": "sites", "path": "extra/sites.csv"},
            {"name": "tags", "data": [{"tag": "collar", "note": "none fitted"}]},
        ]}
    folder = make_package(deployments=deployments, observations=observations,
                          descriptor=descriptor,
                          raw={"media.csv": MEDIA, "weather.csv": WEATHER})
    (folder / "extra").mkdir()
    (folder / "extra" / "sites.csv").write_bytes(SITES)
    return folder


def test_the_export_keeps_everything_and_validates_against_the_official_schemas(
        rich_package, tmp_path):
    survey = read_camtrapdp(rich_package)
    assert len(survey.observations) == 2 and len(survey.kept.observations) == 4
    assert len(survey.kept.media) == 4
    assert survey.kept.files == {"weather.csv": WEATHER, "extra/sites.csv": SITES}
    out = export_to(survey, tmp_path / "out")
    assert official_errors(out) == []
    # byte for byte: the programme's own files
    assert (out / "weather.csv").read_bytes() == WEATHER
    assert (out / "extra" / "sites.csv").read_bytes() == SITES
    descriptor = json.loads((out / "datapackage.json").read_text())
    names = [r["name"] for r in descriptor["resources"]]
    assert names == ["deployments", "media", "observations", "observations-extra-columns",
                     "weather", "sites", "tags"]
    assert descriptor["resources"][-1]["data"] == [{"tag": "collar", "note": "none fitted"}]
    assert descriptor["resources"][4]["description"] == "snow depth"
    # the official schemas allow no extra column: ours travel keyed by observationID
    assert pd.read_csv(out / "observations-extra-columns.csv", dtype=str,
                       keep_default_na=False).to_dict("records") == [
        {"observationID": "o1", "rangerNote": "fresh scrape"},
        *({"observationID": f"o{i}", "rangerNote": ""} for i in (5, 2, 3, 4, 6))]
    for key in ("title", "id", "contributors", "licenses", "bibliographicCitation"):
        assert descriptor[key] == json.loads((rich_package / "datapackage.json").read_text(
        ))[key]
    assert descriptor["project"]["acronym"] == "RICH"
    assert descriptor["landmap"]["rows"] == {"deployments": 2, "observations": {
        "event": 2, "media": 4}, "media": 4}
    assert descriptor["landmap"]["carried unchanged"] == ["extra/sites.csv", "weather.csv"]
    back = read_camtrapdp(out)
    assert per_species(back) == per_species(survey)
    assert instants(back) == instants(survey)
    assert media_rows(back) == media_rows(survey)
    assert back.kept.files == survey.kept.files
    assert back.observations["rangerNote"].tolist() == ["fresh scrape", ""]
    assert sorted(back.deployments["cameraModel"]) == ["Bushnell", "Reconyx"]
    # media text is written as read: the Z of m4 stays a Z
    assert "2022-01-05T12:00:00Z" in (out / "media.csv").read_text()


def test_a_selection_keeps_its_own_media_and_media_level_rows(rich_package, tmp_path):
    survey = read_camtrapdp(rich_package)
    year = survey.filter(years=2021)
    # by hand: 2021 holds e1 (m1, m2 photographed during it) and the blank m3; m4 is 2022
    assert sorted(year.kept.media["mediaID"]) == ["m1", "m2", "m3"]
    assert sorted(year.kept.observations["observationID"]) == ["o2", "o3", "o4"]
    leo2 = survey.filter(individuals=["Leo 2M"])
    assert leo2.kept.media["mediaID"].tolist() == ["m4"]
    assert leo2.kept.observations["observationID"].tolist() == ["o6"]
    leo1 = survey.filter(individuals=["Leo 1F"])
    # the blank m3 belongs to no animal; m1 and m2 fall within Leo 1F's event e1
    assert sorted(leo1.kept.media["mediaID"]) == ["m1", "m2"]
    out = export_to(leo1, tmp_path / "leo1")
    assert official_errors(out) == []
    back = read_camtrapdp(out)
    assert set(back.observations["individualID"]) == {"Leo 1F"}
    assert sorted(back.kept.media["mediaID"]) == ["m1", "m2"]
    assert json.loads((out / "datapackage.json").read_text())["landmap"]["rows"][
        "observations"] == {"event": 1, "media": 2}


def test_generalised_exports_hold_no_exif_no_private_media_no_coordinate_tables(
        rich_package, tmp_path):
    survey = protect(read_camtrapdp(rich_package), Precision(5))
    out = export_to(survey, tmp_path / "out")
    assert official_errors(out) == []
    media = pd.read_csv(out / "media.csv", dtype=str, keep_default_na=False)
    assert sorted(media["mediaID"]) == ["m1", "m3", "m4"]  # m2 is not public
    assert (media["exifData"] == "").all()  # m1's EXIF held a GPS latitude
    observations = pd.read_csv(out / "observations.csv", dtype=str, keep_default_na=False)
    assert "m2" not in set(observations["mediaID"])
    assert not (out / "extra" / "sites.csv").exists()  # it has lat/lon columns
    assert (out / "weather.csv").read_bytes() == WEATHER
    descriptor = json.loads((out / "datapackage.json").read_text())
    assert descriptor["landmap"]["withheld"] == [
        "1 media-level observations of media not marked public",
        "1 media not marked public (filePublic)", "the media's EXIF data (exifData)",
        "resource 'sites': it has coordinate columns"]
    assert "sites" not in [r["name"] for r in descriptor["resources"]]


def test_the_cache_keeps_the_media_and_resources(rich_package, tmp_path, monkeypatch):
    monkeypatch.setenv("LANDMAP_CACHE", str(tmp_path / "cache"))
    first = load_survey(rich_package)
    again = load_survey(rich_package)  # from the Parquet cache
    assert media_rows(again) == media_rows(first)
    assert instants(again) == instants(first)
    assert again.kept.files == first.kept.files
    assert again.kept.media["timestamp_utc"].equals(first.kept.media["timestamp_utc"])
    assert official_errors(export_to(again.filter(years=2022), tmp_path / "out")) == []


def test_a_media_table_that_breaks_the_standard_is_kept_whole(make_package, tmp_path):
    folder = make_package(raw={"media.csv": "mediaID,note\nm1,first\nm1,again\n"})
    survey = read_camtrapdp(folder)
    flagged = [(p.file, p.field, p.action) for p in survey.problems if p.file == "media.csv"]
    assert ("media.csv", "timestamp", "flagged") in flagged
    assert any("kept as read" in p.message for p in survey.problems)
    assert survey.kept.media.to_dict("records") == [{"mediaID": "m1", "note": "first"},
                                                    {"mediaID": "m1", "note": "again"}]
    out = export_to(survey.filter(years=2021), tmp_path / "out")
    assert pd.read_csv(out / "media.csv", dtype=str)["mediaID"].tolist() == ["m1", "m1"]
    assert pd.read_csv(out / "media-extra-columns.csv", dtype=str)["note"].tolist() == [
        "first", "again"]


def test_the_demo_export_validates(demo, tmp_path):
    out = export_to(demo.filter(years=(2015, 2015), individuals=["Leo 16F"]), tmp_path / "o")
    assert official_errors(out) == []


@needs_example
def test_official_example_round_trip(tmp_path):
    """Camtrap DP's own example: 36 event- and 513 media-level observations, 423 media."""
    survey = read_camtrapdp(EXAMPLE)
    assert official_errors(EXAMPLE) == []  # the harness accepts the standard's own example
    out = export_to(survey, tmp_path / "out")
    assert official_errors(out) == []
    back = read_camtrapdp(out)
    assert len(back.observations) == 36 and len(back.kept.observations) == 513
    assert len(back.kept.media) == 423
    assert per_species(back) == per_species(survey)
    assert instants(back) == instants(survey)
    assert media_rows(back) == media_rows(survey)
    original = pd.read_csv(EXAMPLE / "media.csv", dtype=str, keep_default_na=False)
    written = pd.read_csv(out / "media.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(written, original)  # every media cell as published
    descriptor = json.loads((out / "datapackage.json").read_text())
    source = json.loads((EXAMPLE / "datapackage.json").read_text())
    for key in ("name", "id", "title", "contributors", "sources", "licenses",
                "bibliographicCitation", "project", "coordinatePrecision", "spatial",
                "temporal", "taxonomic", "relatedIdentifiers", "references"):
        assert descriptor.get(key) == source.get(key), key
    # the example's own "individuals" resource (inline data) is carried, not replaced
    assert [r for r in descriptor["resources"] if r["name"] == "individuals"] == [
        r for r in source["resources"] if r["name"] == "individuals"]


@needs_example
def test_official_example_selection_and_viewer_export(tmp_path):
    survey = read_camtrapdp(EXAMPLE)
    females = survey.filter(sex=["female"])
    # by an independent method: media during the female events at their deployment, or
    # pointed to by a female media-level observation
    events = females.observations
    pointed = set(females.kept.observations["mediaID"])
    media = survey.kept.media
    expected = set()
    for row in media.itertuples():
        during = events[(events["deploymentID"] == row.deploymentID)
                        & (events["eventStart"] <= row.timestamp_utc)
                        & (events["eventEnd"] >= row.timestamp_utc)]
        if len(during) or row.mediaID in pointed:
            expected.add(row.mediaID)
    assert set(females.kept.media["mediaID"]) == expected and expected
    viewer = export_to(protect(females, Precision(5)), tmp_path / "viewer")
    assert official_errors(viewer) == []
    written = pd.read_csv(viewer / "media.csv", dtype=str, keep_default_na=False)
    assert (written["filePublic"] == "true").all() and (written["exifData"] == "").all()

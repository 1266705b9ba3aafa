"""A corpus of malformed, unusual and hostile inputs, and what must happen to each.

Every case is made here (no binary is committed) and goes through the calls the Data page
makes: ``package_from_files`` for an upload, ``server_package`` for a path typed on the
server, ``read_csv_text`` + ``guess_columns`` + ``survey_from_tables`` for spreadsheet
tables, ``layer_names`` + ``read_layer`` for a boundary layer. Each runs in a child process
of its own with a time limit and a memory limit (address space), so a case that hangs or
eats the memory fails alone and by name.

Run by ``tests/test_corpus.py``; by hand: ``python -m tests.corpus`` prints one JSON line
per case.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import resource
import signal
import stat
import sys
import tempfile
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

#: Limits for one case: seconds, and address space beyond what the process holds already.
TIME_LIMIT_S = 60
MEMORY_LIMIT_MB = 1500
#: The content of a file outside every package: no outcome may ever show it.
SENTINEL = "SENTINEL-7f3a9c-outside-the-package"


@dataclass(frozen=True)
class Case:
    """One input: how to make it (in a scratch folder) and what must happen.

    ``outcome`` is ``refused`` (nothing loads; a problem names ``file`` and says
    ``text``), ``noted`` (loads; a problem names ``file`` and says ``text``, its action
    not "refused") or ``loaded`` (loads, with no problem at all unless ``text`` is set,
    and the ``counts`` given).
    """

    name: str
    kind: str  # upload | server | tables | layer
    make: Callable[[Path], tuple]
    outcome: str
    file: str = ""
    text: str = ""
    row: int | None = None
    field: str | None = None
    counts: tuple[tuple[str, int], ...] = ()


# ----------------------------------------------------------------------------- material
def _csv(rows: list[dict]) -> str:
    return pd.DataFrame(rows).to_csv(index=False, lineterminator="\n")


def _dep(i=1, **kw) -> dict:
    row = {"deploymentID": f"d{i}", "locationID": f"L{i}", "latitude": "43.1",
           "longitude": "131.45", "deploymentStart": "2021-01-01T12:00:00+10:00",
           "deploymentEnd": "2021-03-01T12:00:00+10:00", "timestampIssues": "false"}
    return row | kw


def _obs(i=1, **kw) -> dict:
    row = {"observationID": f"o{i}", "deploymentID": "d1", "eventID": f"e{i}",
           "eventStart": "2021-01-10T02:00:00+10:00", "eventEnd": "2021-01-10T02:00:30+10:00",
           "observationLevel": "event", "observationType": "animal",
           "scientificName": "Panthera pardus orientalis", "count": "1",
           "individualID": "Leo 1F", "sex": "female", "lifeStage": "adult"}
    return row | kw


def _descriptor(**extra) -> dict:
    resources = [{"name": "deployments", "path": "deployments.csv"},
                 {"name": "observations", "path": "observations.csv"}]
    return {"name": "corpus", "resources": resources} | extra


def _files(deployments=None, observations=None, descriptor=None, **more) -> list:
    """An upload of loose files: datapackage.json and its tables (text or bytes)."""
    files = {"datapackage.json": json.dumps(descriptor or _descriptor()),
             "deployments.csv": _csv(deployments or [_dep()]),
             "observations.csv": _csv(observations if observations is not None else [_obs()])}
    files |= more
    return [(name, data if isinstance(data, bytes) else data.encode("utf-8"))
            for name, data in files.items()]


def _upload(**kw) -> Callable[[Path], tuple]:
    return lambda scratch: (_files(**kw),)


def _with_resource(path, name="deployments") -> dict:
    d = _descriptor()
    d["resources"] = [r | {"path": path} if r["name"] == name else r for r in d["resources"]]
    return d


def _zip(members: list[tuple[str, bytes | str]], mode: dict | None = None,
         encrypted: bool = False, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name)
            info.compress_type = compression
            if mode and name in mode:
                info.external_attr = mode[name] << 16
            archive.writestr(info, data)
    data = bytearray(buffer.getvalue())
    if encrypted:  # zipfile cannot encrypt: set the flag in both headers
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            data[data.find(signature) + offset] |= 0x1
    return bytes(data)


def _package_members(prefix="") -> list[tuple[str, bytes]]:
    return [(prefix + name, data) for name, data in _files()]


def _zipped(members, name="package.zip", **kw) -> Callable[[Path], tuple]:
    return lambda scratch: ([(name, _zip(members, **kw))],)


def _server(make_folder: Callable[[Path], Path], root: str = "root"
            ) -> Callable[[Path], tuple]:
    """A package on the server: ``make_folder`` builds it; the data root is scratch/root."""
    def make(scratch: Path) -> tuple:
        (scratch / root).mkdir(exist_ok=True)
        return (str(make_folder(scratch)), [scratch / root])
    return make


def _folder(scratch: Path, descriptor=None, links: dict | None = None, **tables) -> Path:
    folder = scratch / "root" / "pkg"
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in _files(descriptor=descriptor, **tables):
        (folder / name).write_bytes(data)
    for name, target in (links or {}).items():
        (folder / name).symlink_to(target(scratch) if callable(target) else target)
    return folder


STATIONS = [{"Station": "A", "lat": "43.10", "lon": "131.40", "Setup_date": "2021-01-01",
             "Retrieval_date": "2021-03-01"},
            {"Station": "B", "lat": "43.20", "lon": "131.50", "Setup_date": "2021-01-01",
             "Retrieval_date": "2021-03-01"}]
RECORDS = [{"Station": "A", "Species": "Panthera pardus orientalis",
            "DateTimeOriginal": "2021-01-15 03:20:00", "Individual": "Leo 1F"}]


def _tables(stations=None, records=None, crs=None, stations_text=None, records_text=None
            ) -> Callable[[Path], tuple]:
    def make(scratch: Path) -> tuple:
        st = stations_text if stations_text is not None else _csv(stations or STATIONS)
        rec = records_text if records_text is not None else _csv(
            RECORDS if records is None else records)
        return (st.encode() if isinstance(st, str) else st,
                rec.encode() if isinstance(rec, str) else rec, crs)
    return make


def _edit(rows, i, **changes):
    rows = [dict(r) for r in rows]
    rows[i].update(changes)
    return rows


def _layer(name: str, content: bytes | str | Callable[[Path], Path], layer=None
           ) -> Callable[[Path], tuple]:
    def make(scratch: Path) -> tuple:
        if callable(content):
            return (content(scratch), name, layer)
        path = scratch / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return (path, name, layer)
    return make


def _geojson(features: list, **extra) -> str:
    return json.dumps({"type": "FeatureCollection", "features": features} | extra)


def _feature(geometry: dict, **props) -> dict:
    return {"type": "Feature", "properties": {"name": "zone"} | props, "geometry": geometry}


SQUARE = {"type": "Polygon", "coordinates": [[[131.0, 43.0], [131.2, 43.0], [131.2, 43.2],
                                              [131.0, 43.2], [131.0, 43.0]]]}


def _shapefile(with_prj: bool) -> Callable[[Path], Path]:
    def make(scratch: Path) -> Path:
        import geopandas as gpd
        import shapely

        folder = scratch / "shp"
        folder.mkdir()
        frame = gpd.GeoDataFrame({"name": ["zone"]}, geometry=[shapely.box(131, 43, 131.2, 43.2)],
                                 crs="EPSG:4326")
        frame.to_file(folder / "zone.shp")
        if not with_prj:
            (folder / "zone.prj").unlink()
        target = scratch / "zone.zip"
        with zipfile.ZipFile(target, "w") as archive:
            for part in folder.iterdir():
                archive.write(part, part.name)
        return target
    return make


def _two_layer_gpkg(scratch: Path) -> Path:
    import geopandas as gpd
    import shapely

    target = scratch / "zones.gpkg"
    for layer in ("core", "buffer"):
        gpd.GeoDataFrame({"name": [layer]}, geometry=[shapely.box(131, 43, 131.2, 43.2)],
                         crs="EPSG:4326").to_file(target, layer=layer)
    return target


def _root(scratch: Path) -> Path:
    (scratch / "root").mkdir(exist_ok=True)
    return scratch / "root"


def _link(link: Path, target: Path) -> Path:
    link.symlink_to(target)
    return link


def _mkdir(folder: Path, name: str) -> Path:
    (folder / name).mkdir()
    return folder


def _remove(folder: Path, name: str) -> Path:
    (folder / name).unlink()
    return folder


def _sentinel(scratch: Path) -> Path:
    path = scratch / "secret.csv"
    path.write_text(f"deploymentID,latitude\n{SENTINEL},1\n", encoding="utf-8")
    return path


LEO = "Panthera pardus orientalis"

# ----------------------------------------------------------------------------- the cases
CASES: list[Case] = [
    # --- resource paths: nothing outside the package is read (security) ---------------
    Case("absolute-resource-path", "upload", _upload(descriptor=_with_resource("/etc/passwd")),
         "refused", "datapackage.json", "leads out of the package"),
    Case("dotdot-resource-path", "upload",
         _upload(descriptor=_with_resource("../../../etc/passwd")),
         "refused", "datapackage.json", "leads out of the package"),
    Case("hidden-dotdot-resource-path", "upload",
         _upload(descriptor=_with_resource("sub/../../secret.csv")),
         "refused", "datapackage.json", "leads out of the package"),
    Case("windows-drive-resource-path", "upload",
         _upload(descriptor=_with_resource("C:\\Windows\\win.ini")),
         "refused", "datapackage.json", "leads out of the package"),
    Case("backslash-dotdot-resource-path", "upload",
         _upload(descriptor=_with_resource("..\\..\\secret.csv")),
         "refused", "datapackage.json", "leads out of the package"),
    Case("url-resource-path", "upload",
         _upload(descriptor=_with_resource("https://example.org/deployments.csv")),
         "refused", "datapackage.json", "a remote resource"),
    Case("file-url-resource-path", "upload",
         _upload(descriptor=_with_resource("file:///etc/passwd")),
         "refused", "datapackage.json", "a remote resource"),
    Case("device-resource-path", "upload", _upload(descriptor=_with_resource("/dev/zero")),
         "refused", "datapackage.json", "leads out of the package"),
    Case("resource-path-list-leading-out", "upload",
         _upload(descriptor=_with_resource(["/etc/passwd"])),
         "refused", "datapackage.json", "leads out of the package"),
    Case("extra-resource-leading-out", "upload",
         _upload(descriptor=_descriptor() | {"resources": [
             *_descriptor()["resources"], {"name": "notes", "path": "../secret.csv"}]}),
         "refused", "datapackage.json", "leads out of the package"),
    Case("resource-not-uploaded", "upload", _upload(descriptor=_with_resource("secret.csv")),
         "refused", "secret.csv", "missing from the package"),
    Case("link-leading-out", "server", _server(lambda s: _folder(
        s, descriptor=_with_resource("outside.csv"), links={"outside.csv": _sentinel})),
         "refused", "datapackage.json", "a link leading out"),
    Case("resource-is-a-folder", "server", _server(lambda s: _mkdir(
        _folder(s, descriptor=_with_resource("media")), "media")),
         "refused", "datapackage.json", "not a regular file"),
    Case("server-path-outside-the-data-roots", "server",
         lambda s: (str(_sentinel(s).parent), [_root(s)]),
         "refused", "", "loads packages only from its data folders"),
    Case("server-path-climbing-out-of-a-root", "server",
         lambda s: (str(_root(s) / ".." / ".."), [_root(s)]),
         "refused", "", "loads packages only from its data folders"),
    Case("server-link-out-of-a-root", "server",
         lambda s: (str(_link(_root(s) / "elsewhere", s)), [_root(s)]),
         "refused", "", "loads packages only from its data folders"),
    Case("server-path-that-does-not-exist", "server",
         lambda s: (str(_root(s) / "nothing"), [_root(s)]),
         "refused", "nothing", "no such file or folder"),
    # --- archives -------------------------------------------------------------------
    Case("zip-slip-member", "upload", _zipped([*_package_members(), ("../../evil.csv", b"x")]),
         "refused", "package.zip", "leads outside"),
    Case("absolute-member", "upload", _zipped([*_package_members(), ("/tmp/evil.csv", b"x")]),
         "refused", "package.zip", "leads outside"),
    Case("symlink-member", "upload", _zipped([*_package_members(), ("link", b"/etc/passwd")],
                                            mode={"link": stat.S_IFLNK | 0o777}),
         "refused", "package.zip", "symbolic link"),
    Case("encrypted-member", "upload", _zipped(_package_members(), encrypted=True),
         "refused", "package.zip", "encrypted"),
    Case("zip-bomb-member", "upload",
         _zipped([*_package_members(), ("bomb.csv", b"\0" * (30 * 2**20))]),
         "refused", "package.zip", "zip bomb"),
    Case("many-small-members-expanding-too-far", "upload",
         _zipped([*_package_members(), *((f"pad/{i}.csv", b"\0" * 400_000)
                                         for i in range(300))]),
         "refused", "package.zip", "expands"),
    Case("duplicate-member-names", "upload",
         _zipped([*_package_members(), ("deployments.csv", b"deploymentID\nx\n")]),
         "refused", "package.zip", "two members of this name", field="deployments.csv"),
    Case("empty-member-name", "upload", _zipped([*_package_members(), ("", b"x")]),
         "refused", "package.zip", "without a name"),
    Case("over-long-member-name", "upload",
         _zipped([*_package_members(), ("a" * 300 + "/x.csv", b"x")]),
         "refused", "package.zip", "255"),
    Case("member-both-file-and-folder", "upload",
         _zipped([*_package_members(), ("notes", b"x"), ("notes/a.csv", b"y")]),
         "refused", "package.zip", "both a file and a folder"),
    Case("two-packages-in-one-zip", "upload",
         _zipped([*_package_members("a/"), *_package_members("b/")]),
         "refused", "package.zip", "a/datapackage.json"),
    Case("not-a-zip", "upload", lambda s: ([("package.zip", b"PK\x03\x04 not a zip")],),
         "refused", "package.zip", "not a zip archive"),
    Case("zip-without-a-package", "upload", _zipped([("notes.txt", b"hello")]),
         "refused", "package.zip", "no datapackage.json"),
    Case("packed-in-a-folder", "upload", _zipped(_package_members("my-package/")),
         "loaded", counts=(("deployments", 1), ("observations", 1))),
    Case("loose-files-without-descriptor", "upload",
         lambda s: ([(n, d) for n, d in _files() if n != "datapackage.json"],),
         "refused", "deployments.csv", "no datapackage.json"),
    Case("upload-name-with-folders", "upload",
         lambda s: ([("../../" + n if n == "deployments.csv" else n, d)
                     for n, d in _files()],),
         "loaded", counts=(("deployments", 1),)),
    # --- descriptors ----------------------------------------------------------------
    Case("descriptor-not-json", "upload",
         lambda s: ([("datapackage.json", b"{name: corpus"), *_files()[1:]],),
         "refused", "datapackage.json", "not valid JSON"),
    Case("descriptor-a-list", "upload", lambda s: ([("datapackage.json", b"[1, 2]"),
                                                    *_files()[1:]],),
         "refused", "datapackage.json", "must hold a JSON object"),
    Case("descriptor-resources-a-string", "upload",
         _upload(descriptor={"name": "x", "resources": "deployments.csv"}),
         "refused", "datapackage.json", "must be a list"),
    Case("descriptor-resources-of-numbers", "upload",
         _upload(descriptor={"name": "x", "resources": [1, 2]}),
         "noted", "datapackage.json", "not a resource", field="resources[0]"),
    Case("descriptor-not-utf8", "upload",
         lambda s: ([("datapackage.json", '{"name": "ü"}'.encode("latin-1")),
                     *_files()[1:]],),
         "refused", "datapackage.json", "not valid JSON"),
    Case("descriptor-without-observations", "server", _server(lambda s: _remove(
        _folder(s, descriptor={"name": "x", "resources": [
            {"name": "deployments", "path": "deployments.csv"}]}), "observations.csv")),
         "refused", "datapackage.json", "no 'observations' resource"),
    # --- tables of a package ----------------------------------------------------------
    Case("excel-bom-and-numeric-ids", "upload", lambda s: (_files(
        deployments=[_dep(1, deploymentID="101"), _dep(2, deploymentID="102")],
        observations=[_obs(deploymentID="101")],
        **{"deployments.csv": "\ufeff" + _csv([_dep(1, deploymentID="101"),
                                               _dep(2, deploymentID="102")])}),),
         "loaded", counts=(("deployments", 2), ("observations", 1))),
    Case("observations-header-only", "upload",
         lambda s: (_files(**{"observations.csv": ",".join(_obs()) + "\n"}),),
         "loaded", counts=(("deployments", 1), ("observations", 0))),
    Case("deployments-header-only", "upload",
         lambda s: (_files(**{"deployments.csv": "deploymentID,latitude,longitude,"
                                                 "deploymentStart,deploymentEnd\n"}),),
         "refused", "deployments.csv", "no deployments"),
    Case("semicolon-separated", "upload",
         lambda s: (_files(**{"deployments.csv": _csv([_dep()]).replace(",", ";")}),),
         "refused", "deployments.csv", "separated by ';'"),
    Case("latin-1-text", "upload",
         lambda s: (_files(**{"deployments.csv": _csv([_dep(locationName="Кедровая")])
                              .encode("cp1251")}),),
         "refused", "deployments.csv", "not UTF-8"),
    Case("empty-deployments-file", "upload", lambda s: (_files(**{"deployments.csv": ""}),),
         "refused", "deployments.csv", "empty"),
    Case("binary-garbage-table", "upload",
         lambda s: (_files(**{"observations.csv": bytes(range(256)) * 40}),),
         "refused", "observations.csv", ""),
    Case("missing-required-column", "upload",
         _upload(deployments=[{k: v for k, v in _dep().items() if k != "latitude"}]),
         "refused", "deployments.csv", "required column is missing", field="latitude"),
    Case("latitude-95", "upload", _upload(deployments=[_dep(latitude="95")]),
         "refused", "deployments.csv", "out of range", row=2, field="latitude"),
    Case("coordinate-1e300", "upload", _upload(deployments=[_dep(longitude="1e300")]),
         "refused", "deployments.csv", "out of range", row=2, field="longitude"),
    Case("coordinate-not-a-number", "upload", _upload(deployments=[_dep(latitude="43,1")]),
         "refused", "deployments.csv", "not a number", row=2, field="latitude"),
    Case("latitude-and-longitude-swapped", "upload",
         _upload(deployments=[_dep(latitude="131.45", longitude="43.1")]),
         "refused", "deployments.csv", "look swapped", row=2, field="latitude"),
    Case("swapped-but-both-valid", "upload",
         _upload(deployments=[_dep(latitude="43.1", longitude="43.1")]),
         "noted", "deployments.csv", "far from the mapped region", row=2),
    Case("station-on-another-continent", "upload",
         _upload(deployments=[_dep(latitude="-1.35", longitude="36.8",
                                   deploymentStart="2021-01-01T12:00:00+03:00",
                                   deploymentEnd="2021-03-01T12:00:00+03:00")],
                 observations=[_obs(eventStart="2021-01-10T02:00:00+03:00",
                                    eventEnd="2021-01-10T02:00:30+03:00")]),
         "noted", "deployments.csv", "far from the mapped region"),
    Case("impossible-date", "upload", _upload(observations=[_obs(
        eventStart="2021-02-30T02:00:00+10:00", eventEnd="2021-02-30T02:00:30+10:00")]),
         "refused", "observations.csv", "not a date-time", row=2, field="eventStart"),
    Case("hour-25", "upload", _upload(observations=[_obs(
        eventStart="2021-01-10T25:00:00+10:00")]),
         "refused", "observations.csv", "not a date-time", row=2, field="eventStart"),
    Case("time-without-offset", "upload",
         _upload(deployments=[_dep(deploymentStart="2021-01-01T12:00:00")]),
         "refused", "deployments.csv", "UTC offset", row=2, field="deploymentStart"),
    Case("deployment-ends-before-it-starts", "upload",
         _upload(deployments=[_dep(deploymentEnd="2020-12-01T12:00:00+10:00")]),
         "refused", "deployments.csv", "ends before it starts", row=2),
    Case("duplicate-deployment-id", "upload", _upload(deployments=[_dep(1), _dep(1)]),
         "refused", "deployments.csv", "duplicate ID", row=3, field="deploymentID"),
    Case("empty-deployment-id", "upload", _upload(deployments=[_dep(), _dep(2,
                                                                           deploymentID="")]),
         "refused", "deployments.csv", "the ID is empty", row=3),
    Case("unknown-deployment-in-observations", "upload",
         _upload(observations=[_obs(deploymentID="d9")]),
         "refused", "observations.csv", "not in deployments.csv", row=2),
    Case("count-in-words", "upload", _upload(observations=[_obs(count="two")]),
         "refused", "observations.csv", "whole number", row=2, field="count"),
    Case("count-zero", "upload", _upload(observations=[_obs(count="0")]),
         "refused", "observations.csv", "whole number", row=2, field="count"),
    Case("unknown-observation-level", "upload",
         _upload(observations=[_obs(observationLevel="frame")]),
         "refused", "observations.csv", "'event' or 'media'", row=2),
    Case("unknown-observation-type", "upload",
         _upload(observations=[_obs(observationType="animals")]),
         "refused", "observations.csv", "must be one of", row=2),
    Case("observation-15-months-after-its-deployment", "upload", _upload(observations=[_obs(
        eventStart="2022-06-10T02:00:00+10:00", eventEnd="2022-06-10T02:00:30+10:00")]),
         "noted", "observations.csv", "outside its deployment's span", row=2),
    Case("timestamp-issues-maybe", "upload",
         _upload(deployments=[_dep(timestampIssues="maybe")]),
         "noted", "deployments.csv", "not true or false", row=2, field="timestampIssues"),
    Case("individual-without-species", "upload",
         _upload(observations=[_obs(scientificName="")]),
         "noted", "observations.csv", "without a species", row=2, field="individualID"),
    Case("observations-in-utc", "upload", _upload(observations=[_obs(
        eventStart="2021-01-09T16:00:00Z", eventEnd="2021-01-09T16:00:30Z")]),
         "noted", "observations.csv", "another UTC offset"),
    Case("both-observation-levels", "upload", _upload(observations=[
        _obs(1), _obs(2, observationLevel="media", mediaID="m1", eventID="e1")]),
         "noted", "observations.csv", "media-level observations kept aside: 1",
         counts=(("observations", 1), ("kept_observations", 1))),
    Case("media-table-breaking-the-standard", "upload",
         lambda s: (_files(**{"media.csv": "mediaID\nm1\nm1\n"}),),
         "noted", "media.csv", "does not follow Camtrap DP", counts=(("media", 2),)),
    Case("failed-deployment", "upload", _upload(
        deployments=[_dep(deploymentTags="failed")]),
         "noted", "deployments.csv", "tagged 'failed'"),
    Case("extra-columns-and-resources", "upload", lambda s: (_files(
        deployments=[_dep(habitatNote="oak forest")],
        descriptor=_descriptor() | {"resources": [
            *_descriptor()["resources"], {"name": "weather", "path": "weather.csv"},
            {"name": "inline", "data": [{"a": 1}]}]},
        **{"weather.csv": "date,snow\n2021-01-10,35\n"}),),
         "loaded", counts=(("deployments", 1), ("files", 1))),
    Case("formula-in-a-cell", "upload",
         _upload(deployments=[_dep(locationName="=cmd|' /C calc'!A0")]),
         "loaded", counts=(("deployments", 1),)),
    Case("newline-inside-a-quoted-cell", "upload", _upload(
        observations=[_obs(observationComments="first line\nsecond line")]),
         "loaded", counts=(("observations", 1),)),
    Case("a-megabyte-in-one-cell", "upload", _upload(
        observations=[_obs(observationComments="x" * 2**20)]),
         "loaded", counts=(("observations", 1),)),
    Case("nul-bytes-in-a-table", "upload",
         lambda s: (_files(**{"observations.csv": _csv([_obs()]).replace("Leo 1F",
                                                                          "Leo\0 1F")}),),
         "loaded", counts=(("observations", 1),)),
    Case("ten-thousand-columns", "upload", lambda s: (_files(
        deployments=[_dep() | {f"c{i}": "" for i in range(10_000)}]),),
         "loaded", counts=(("deployments", 1),)),
    # --- spreadsheet tables -----------------------------------------------------------
    Case("tables-good", "tables", _tables(), "loaded",
         counts=(("deployments", 2), ("observations", 1))),
    Case("tables-utm-columns-holding-degrees", "tables", _tables(stations=[
        {"Station": "A", "utm_x": "131.40", "utm_y": "43.10", "Setup_date": "2021-01-01",
         "Retrieval_date": "2021-03-01"}], crs="EPSG:32652"),
         "refused", "stations.csv", "degrees"),
    Case("tables-easting-and-northing-swapped", "tables", _tables(stations=[
        {"Station": "A", "utm_x": "4772000", "utm_y": "533000", "Setup_date": "2021-01-01",
         "Retrieval_date": "2021-03-01"}], crs="EPSG:32652"),
         "refused", "stations.csv", "swapped"),
    Case("tables-station-pasted-twice", "tables", _tables(stations=[*STATIONS, STATIONS[0]]),
         "noted", "stations.csv", "twice"),
    Case("tables-records-header-only", "tables",
         _tables(records_text="Station,Species,DateTimeOriginal,Individual\n"),
         "loaded", counts=(("deployments", 2), ("observations", 0))),
    Case("tables-record-at-an-unknown-station", "tables",
         _tables(records=_edit(RECORDS, 0, Station="Z")),
         "refused", "records.csv", "not in the stations table", row=2),
    Case("tables-impossible-date", "tables",
         _tables(stations=_edit(STATIONS, 0, Setup_date="2021-02-30")),
         "refused", "stations.csv", "not a date", row=2),
    Case("tables-not-utf8", "tables", _tables(stations_text=_csv(STATIONS).encode("utf-16")),
         "refused", "stations.csv", ""),
    Case("tables-empty-file", "tables", _tables(records_text=b""),
         "refused", "records.csv", "empty"),
    # --- boundary layers --------------------------------------------------------------
    Case("layer-good-geojson", "layer", _layer("zone.geojson", _geojson([_feature(SQUARE)])),
         "loaded", counts=(("features", 1),)),
    Case("layer-point-with-nan", "layer", _layer("points.geojson", _geojson([_feature(
        {"type": "Point", "coordinates": [float("nan"), 43.0]})]).replace("NaN", "NaN")),
         "refused", "points.geojson", ""),
    Case("layer-in-metres-without-crs", "layer", _layer("metres.geojson", _geojson([_feature(
        {"type": "Polygon", "coordinates": [[[530000, 4770000], [540000, 4770000],
                                             [540000, 4780000], [530000, 4770000]]]})])),
         "refused", "metres.geojson", "32652"),
    Case("layer-shapefile-without-prj", "layer", _layer("zone.zip", _shapefile(False)),
         "refused", "zone.zip", "CRS"),
    Case("layer-bow-tie-polygon", "layer", _layer("bowtie.geojson", _geojson([_feature(
        {"type": "Polygon", "coordinates": [[[131.0, 43.0], [131.2, 43.2], [131.2, 43.0],
                                             [131.0, 43.2], [131.0, 43.0]]]})])),
         "noted", "bowtie.geojson", "repaired"),
    Case("layer-not-json", "layer", _layer("broken.geojson", "{not json"),
         "refused", "broken.geojson", ""),
    Case("layer-empty-file", "layer", _layer("empty.geojson", b""),
         "refused", "empty.geojson", ""),
    Case("layer-kml-garbage", "layer", _layer("zone.kml", "<kml><Document><Placemark>"),
         "refused", "zone.kml", ""),
    Case("layer-geopackage-two-layers-no-choice", "layer",
         _layer("zones.gpkg", _two_layer_gpkg), "refused", "zones.gpkg", "layer"),
    Case("layer-latitude-95", "layer", _layer("far.geojson", _geojson([_feature(
        {"type": "Point", "coordinates": [131.0, 95.0]})])),
         "refused", "far.geojson", ""),
]


# ----------------------------------------------------------------------------- running
def _call(case: Case, scratch: Path):
    """Make the case's input and pass it through the Data page's calls."""
    from landmap.io.intake import package_from_files, server_package
    from landmap.io.layers import layer_names, read_layer
    from landmap.io.tables import guess_columns, read_csv_text, survey_from_tables

    args = case.make(scratch)
    if case.kind == "upload":
        return package_from_files(args[0])
    if case.kind == "server":
        return server_package(args[0], args[1])
    if case.kind == "tables":
        stations = read_csv_text(args[0], "stations.csv")
        records = read_csv_text(args[1], "records.csv")
        return survey_from_tables(
            stations, records, station_columns=guess_columns(stations.columns, "stations"),
            record_columns=guess_columns(records.columns, "records"), crs=args[2],
            names=("stations.csv", "records.csv"))
    path, name, layer = args
    names = layer_names(path) if str(path).endswith(".gpkg") else []
    # the page offers a choice when a GeoPackage holds several layers; none is made here
    assert len(names) != 1 or layer in (None, names[0])
    return read_layer(path, name, layer)


def _problems(problems) -> list[dict]:
    return [{"file": str(p.file), "row": p.row, "field": p.field,
             "value": None if p.value is None else str(p.value)[:200],
             "action": p.action, "message": str(p.message)} for p in problems]


def run_case(case: Case) -> dict:
    """The outcome of one case, as plain data."""
    from landmap.io.validate import DataError

    with tempfile.TemporaryDirectory(prefix="corpus-") as folder:
        try:
            result = _call(case, Path(folder))
        except DataError as error:
            return {"outcome": "refused", "problems": _problems(error.problems)}
        except Exception:  # the page shows "an error in landmap"
            return {"outcome": "crashed", "error": traceback.format_exc()[-2000:]}
        if hasattr(result, "features"):
            return {"outcome": "loaded", "problems": _problems(result.problems),
                    "counts": {"features": len(result.features)}}
        return {"outcome": "loaded", "problems": _problems(result.problems), "counts": {
            "deployments": len(result.deployments), "observations": len(result.observations),
            "kept_observations": len(result.kept.observations),
            "media": len(result.kept.media), "files": len(result.kept.files)}}


def _limited(case: Case) -> dict:
    """:func:`run_case` in a forked child, within the time and memory limits."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        try:
            with open("/proc/self/status") as status:
                held = next(int(line.split()[1]) for line in status
                            if line.startswith("VmSize")) * 1024
            limit = held + MEMORY_LIMIT_MB * 2**20
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            signal.alarm(TIME_LIMIT_S)
            out = run_case(case)
        except MemoryError:
            out = {"outcome": "out of memory"}
        except BaseException:
            out = {"outcome": "crashed", "error": traceback.format_exc()[-2000:]}
        with os.fdopen(write, "w") as pipe:
            pipe.write(json.dumps(out))
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        text = pipe.read()
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        reason = "over the time limit" if os.WTERMSIG(status) == signal.SIGALRM else (
            f"killed by signal {os.WTERMSIG(status)}")
        return {"outcome": reason}
    return json.loads(text) if text else {"outcome": "no answer"}


def main(names: list[str] | None = None) -> None:
    # imported once here, so that each forked case starts warm
    for module in ("landmap.io.intake", "landmap.io.layers", "landmap.io.tables"):
        importlib.import_module(module)

    for case in CASES:
        if names and case.name not in names:
            continue
        print(json.dumps({"name": case.name} | _limited(case)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])

"""Photos and videos: the media table, its links to observations, paths that stay inside
the package, pictures without metadata, and what viewers may see."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from landmap.io.camtrapdp import read_camtrapdp
from landmap.io.images import ImageProblem, clean_image, thumbnail, thumbnails
from landmap.media import media_links, media_of, media_path, media_table, viewable

EXAMPLE = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / \
    "camtrap-dp-example"


# --- paths -------------------------------------------------------------------------
@pytest.fixture
def package(tmp_path):
    root = tmp_path / "pkg"
    (root / "media").mkdir(parents=True)
    (root / "media" / "a.jpg").write_bytes(b"x")
    (tmp_path / "secret.jpg").write_bytes(b"outside")
    return root


@pytest.mark.parametrize(("value", "reason"), [
    ("", "the file path is empty"),
    ("../secret.jpg", "the path leads outside the package folder"),
    ("media/../../secret.jpg", "the path leads outside the package folder"),
    ("/etc/passwd", "an absolute path: media must lie inside the package folder"),
    ("C:\\photos\\a.jpg", "an absolute path: media must lie inside the package folder"),
    ("file:///etc/passwd", "only paths inside the package or http(s) addresses are read"),
    ("ftp://example.org/a.jpg", "only paths inside the package or http(s) addresses are read"),
    ("media/b.jpg", "no such file in the package"),
])
def test_paths_landmap_will_not_open_are_named(package, value, reason):
    path, problem = media_path(package, value)
    assert path is None and str(problem) == reason


def test_a_symbolic_link_out_of_the_package_is_not_followed(package):
    os.symlink(package.parent / "secret.jpg", package / "media" / "link.jpg")
    assert str(media_path(package, "media/link.jpg")[1]) == \
        "the path leads outside the package folder"
    assert media_path(package, "media/a.jpg") == ((package / "media" / "a.jpg").resolve(), None)
    assert media_path(package, "media\\a.jpg")[0] == (package / "media" / "a.jpg").resolve()
    assert media_path(package, "HTTPS://example.org/a.jpg") == (None, None)  # remote


# --- the demo's media --------------------------------------------------------------
def test_the_demo_media_table(demo):
    m = media_table(demo)
    assert len(m) == 369 and set(m["kind"]) == {"image"}
    assert (m["path_problem"] == "").all() and m["file"].notna().all()
    assert m["public"].sum() == 324 and m["favorite"].sum() == 32
    # every frame of a ranger is of an observation of a person, and never public
    people = m[m["people"]]
    assert len(people) == 12 and not people["public"].any()
    assert m["locationID"].tolist() == demo.deployments.drop_duplicates("deploymentID") \
        .set_index("deploymentID").loc[m["deploymentID"], "locationID"].tolist()


def test_leo_117f_with_her_cubs_in_2021(demo):
    m, links = media_table(demo), media_links(demo)
    obs = demo.observations
    hers = obs.loc[obs["individualID"] == "Leo 117F", "observationID"]
    frames = media_of(m, links, hers)
    in_2021 = frames[frames["timestamp_utc"].dt.year == 2021]
    # three events with cubs, three frames each (a sequence), the middle one a favourite
    assert len(in_2021) == 9
    assert frames["favorite"].iloc[: frames["favorite"].sum()].all()  # favourites first
    cub_events = obs.loc[obs["observationComments"] == "cubs with Leo 117F", "eventID"]
    shown = links[links["mediaID"].isin(in_2021["mediaID"])].merge(obs, on="observationID")
    assert set(shown["eventID"]) <= set(cub_events)
    assert shown.loc[shown["lifeStage"] == "juvenile", "count"].eq(3).all()


def test_the_same_leopard_has_the_same_rosettes_and_another_does_not():
    from landmap.demo_media import _rosettes

    assert np.array_equal(_rosettes("Leo 117F"), _rosettes("Leo 117F"))
    assert not np.allclose(_rosettes("Leo 117F"), _rosettes("Leo 16F"))


def test_demo_frames_say_simulated_and_carry_no_metadata(demo):
    m = media_table(demo)
    first = Image.open(m["file"].iloc[0])
    assert first.size == (384, 216) and len(first.getexif()) == 0
    assert (m["mediaComments"].str.startswith("SIMULATED")).all()


def _naive_links(survey) -> set[tuple[str, str]]:
    """Independent check: every event against every file, in plain Python."""
    media = survey.kept.media
    out = set()
    for obs in survey.observations.itertuples():
        at = media[media["deploymentID"] == obs.deploymentID]
        for medium in at.itertuples():
            if obs.eventStart <= medium.timestamp_utc <= obs.eventEnd:
                out.add((obs.observationID, medium.mediaID))
    for obs in survey.kept.observations.itertuples():
        if isinstance(getattr(obs, "mediaID", None), str) and obs.mediaID:
            out.add((obs.observationID, obs.mediaID))
    return out


def test_links_equal_a_plain_loop_on_the_demo(demo):
    links = media_links(demo)
    assert set(map(tuple, links.to_numpy())) == _naive_links(demo)
    assert not links.duplicated().any()


def test_events_that_overlap_share_their_files():
    from types import SimpleNamespace

    def utc(*texts):
        return pd.to_datetime(list(texts), utc=True)

    observations = pd.DataFrame({
        "observationID": ["o1", "o2", "o3"], "deploymentID": ["d1", "d1", "d2"],
        "eventStart": utc("2021-01-01T10:00:00Z", "2021-01-01T10:00:20Z",
                          "2021-01-01T10:00:00Z"),
        "eventEnd": utc("2021-01-01T10:00:40Z", "2021-01-01T10:02:00Z",
                        "2021-01-01T10:05:00Z"),
        "observationType": "animal"})
    media = pd.DataFrame({"mediaID": ["m1", "m2", "m3", "m4"], "deploymentID": "d1",
                          "timestamp_utc": utc("2021-01-01T10:00:00Z", "2021-01-01T10:00:30Z",
                                               "2021-01-01T10:02:00Z", "2021-01-01T10:02:01Z"),
                          "timestamp_offset": 600})
    s = SimpleNamespace(observations=observations,
                        kept=SimpleNamespace(media=media, observations=pd.DataFrame()))
    got = set(map(tuple, media_links(s).to_numpy()))
    # o1 spans 10:00:00-10:00:40 (m1, m2), o2 10:00:20-10:02:00 (m2, m3: the end is
    # included, m4 a second later is not); o3 is at another camera
    assert got == {("o1", "m1"), ("o1", "m2"), ("o2", "m2"), ("o2", "m3")}
    assert set(map(tuple, media_links(s).to_numpy())) == _naive_links(s)


@pytest.mark.skipif(not (EXAMPLE / "datapackage.json").exists(),
                    reason="the shared copy of Camtrap DP's example is not beside the project")
def test_the_official_example_links_and_media():
    s = read_camtrapdp(EXAMPLE)
    m = media_table(s)
    # 423 files, 413 of them on Agouti's server, 10 as files in the package's media folder
    assert len(m) == 423 and m["remote"].sum() == 413
    assert m.loc[~m["remote"], "path_problem"].eq("").all()
    links = media_links(s)
    assert set(map(tuple, links.to_numpy())) == _naive_links(s)
    # viewers see none of it: the files in the package are of one event with people
    shown = viewable(m, "viewer")
    assert not shown["remote"].any() and not shown["people"].any()
    assert shown["public"].all()


# --- viewers -----------------------------------------------------------------------
def test_viewers_never_get_private_remote_or_human_files(demo):
    m = media_table(demo)
    seen = viewable(m, "viewer")
    assert len(seen) == 324 and seen["public"].all() and not seen["people"].any()
    # a frame with a ranger in it stays hidden even when marked public
    everything_public = viewable(m.assign(public=True), "viewer")
    assert len(everything_public) == len(m) - 12
    assert not everything_public["mediaID"].isin(m.loc[m["people"], "mediaID"]).any()
    assert viewable(m, "viewer", show_viewers=False).empty
    assert len(viewable(m, "analyst")) == len(m)


# --- the reader's checks -----------------------------------------------------------
def _package_with_media(tmp_path, rows: list[dict]) -> Path:
    from landmap.demo import DEMO_DIR

    root = tmp_path / "pkg"
    shutil.copytree(DEMO_DIR, root, ignore=shutil.ignore_patterns("media"))
    (root / "media").mkdir()
    Image.new("RGB", (40, 30)).save(root / "media" / "ok.jpg")
    dep = pd.read_csv(root / "deployments.csv", dtype=str).iloc[0]
    base = {"mediaID": "", "deploymentID": dep["deploymentID"],
            "captureMethod": "activityDetection", "timestamp": dep["deploymentStart"],
            "filePath": "media/ok.jpg", "filePublic": "true", "fileName": "",
            "fileMediatype": "image/jpeg", "exifData": "", "favorite": "", "mediaComments": ""}
    table = pd.DataFrame([{**base, "mediaID": f"x{i}", **row} for i, row in enumerate(rows)])
    table.to_csv(root / "media.csv", index=False)
    return root


def test_media_values_are_read_as_written_whatever_their_spacing_or_script(tmp_path):
    """Each value and what the reader must say of it, worked out by hand from Camtrap DP's
    rules (booleans in Frictionless' spellings, trimmed; a media type of letters, digits
    and .+-_ after image/, video/ or audio/, case as written; capture methods as written;
    paths inside the package). Each distinct value is judged once, so repeated rows must
    come out alike."""
    rows = [
        {"filePublic": " TRUE "}, {"filePublic": "\u00a0True"}, {"filePublic": ""},
        {"filePublic": "yes"}, {"favorite": ""}, {"favorite": " 0"}, {"favorite": "nope"},
        {"captureMethod": ""}, {"captureMethod": " timeLapse"},
        {"fileMediatype": "image/jpé"}, {"fileMediatype": "image/jp g"},
        {"fileMediatype": "IMAGE/JPEG"}, {"fileMediatype": "audio/"},
        {"filePath": "a/b:c"}, {"filePath": "c:x"}, {"filePath": "é/../x"},
        {"filePath": " a/.. "}, {"filePath": "a\\..\\b"}, {"filePath": "Data:xx"},
        {"filePath": "a://b"}, {"filePath": "a/..\nb"}, {"filePath": "..."},
        {"filePublic": "yes"}, {"fileMediatype": "image/jp g"},
    ]
    s = read_camtrapdp(_package_with_media(tmp_path, rows))
    found = sorted((p.row, p.field, str(p.message)) for p in s.problems
                   if p.file == "media.csv" and p.row is not None)
    boolean = "must be true or false"
    media_type = "must be a media type such as image/jpeg or video/mp4"
    outside = "the path leads outside the package folder"
    assert found == [
        (4, "filePublic", boolean), (5, "filePublic", boolean), (8, "favorite", boolean),
        (10, "captureMethod", "must be activityDetection or timeLapse"),
        (12, "fileMediatype", media_type), (13, "fileMediatype", media_type),
        (14, "fileMediatype", media_type),
        (16, "filePath", "an absolute path: media must lie inside the package folder"),
        (17, "filePath", outside), (18, "filePath", outside), (19, "filePath", outside),
        (20, "filePath", "only paths inside the package or http(s) addresses are read"),
        (21, "filePath", "only paths inside the package or http(s) addresses are read"),
        (24, "filePublic", boolean), (25, "fileMediatype", media_type),
    ]
    assert len(s.kept.media) == len(rows)
    assert s.kept.media["filePath"].tolist()[20] == "a/..\nb"  # kept as written


def test_bad_media_rows_are_named_by_row_and_field_and_kept(tmp_path):
    root = _package_with_media(tmp_path, [
        {},
        {"filePublic": "yes"},
        {"favorite": "maybe"},
        {"captureMethod": "motion"},
        {"fileMediatype": "jpeg"},
        {"filePath": "../../etc/passwd"},
        {"filePath": "/etc/passwd"},
        {"filePath": "media/gone.jpg"},
        {"filePath": "https://example.org/a.jpg"},
    ])
    s = read_camtrapdp(root)
    found = {(p.row, p.field, str(p.message)) for p in s.problems if p.file == "media.csv"
             and p.row is not None}
    assert found == {
        (3, "filePublic", "must be true or false"),
        (4, "favorite", "must be true or false"),
        (5, "captureMethod", "must be activityDetection or timeLapse"),
        (6, "fileMediatype", "must be a media type such as image/jpeg or video/mp4"),
        (7, "filePath", "the path leads outside the package folder"),
        (8, "filePath", "an absolute path: media must lie inside the package folder"),
    }
    assert all(p.action == "flagged" for p in s.problems if p.file == "media.csv"
               and p.row is not None)
    assert len(s.kept.media) == 9  # every row kept, written back as read
    m = media_table(s)
    # a file simply absent is not a fault of the table; the media table says it
    assert m["path_problem"].map(str).tolist()[7] == "no such file in the package"
    assert m["public"].tolist() == [True, False] + [True] * 7  # "yes" is not published


# --- pictures ----------------------------------------------------------------------
def _jpeg_with_gps(path: Path, size=(1600, 1200)) -> None:
    exif = Image.Exif()
    exif[0x010F] = "TrailCam"
    exif[0xA431] = "SERIAL-123"  # body serial number
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (43.0, 7.0, 12.5)
    gps[3], gps[4] = "E", (131.0, 22.0, 1.0)
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">GPSLatitude 43.12</x:xmpmeta>'
    Image.new("RGB", size, (120, 140, 90)).save(path, exif=exif, xmp=xmp)


def test_served_pictures_carry_no_gps_serial_or_xmp(tmp_path):
    original = tmp_path / "p.jpg"
    _jpeg_with_gps(original)
    raw = original.read_bytes()
    assert b"SERIAL-123" in raw and b"GPSLatitude" in raw
    for data in (clean_image(original), thumbnail(original, 200, cache=tmp_path / "c")):
        image = Image.open(io.BytesIO(data))
        assert len(image.getexif()) == 0 and "xmp" not in image.info
        assert b"SERIAL-123" not in data and b"GPS" not in data and b"Exif" not in data
    assert Image.open(io.BytesIO(thumbnail(original, 200))).size == (200, 150)


def test_thumbnails_are_cached_outside_the_package_and_renewed_when_the_file_changes(
        tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    photo = package / "p.jpg"
    Image.new("RGB", (800, 600), "red").save(photo)
    cache = tmp_path / "cache"
    first = thumbnail(photo, 100, cache=cache)
    assert list(package.iterdir()) == [photo]  # nothing written beside the photo
    assert thumbnail(photo, 100, cache=cache) == first
    Image.new("RGB", (800, 400), "blue").save(photo)
    os.utime(photo, ns=(photo.stat().st_atime_ns, photo.stat().st_mtime_ns + 10**9))
    assert Image.open(io.BytesIO(thumbnail(photo, 100, cache=cache))).size == (100, 50)


@pytest.mark.parametrize(("make", "reason"), [
    (lambda p: p.write_bytes(b"GIF89a but not really"), "not a picture landmap can show"),
    (lambda p: p.write_bytes(_half_a_jpeg()), "the picture is corrupt or cut short"),
    (lambda p: Image.new("1", (12_000, 10_000)).save(p, "PNG"),
     "too many pixels: not decoded"),
    (lambda p: Image.new("RGB", (16, 16)).save(p, "ICO"),
     "not a picture landmap can show (ICO)"),
    (lambda p: None, "the file cannot be read"),
])
def test_bad_pictures_are_named_never_a_traceback(tmp_path, make, reason):
    path = tmp_path / "bad.img"
    make(path)
    with pytest.raises(ImageProblem) as problem:
        clean_image(path, 200)
    assert str(problem.value.reason) == reason and problem.value.path == path


def _half_a_jpeg() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((640, 480), 60).convert("RGB").save(out, "JPEG")
    return out.getvalue()[: len(out.getvalue()) // 2]


def test_a_file_over_the_size_limit_is_not_opened(tmp_path, monkeypatch):
    from landmap.io import images

    path = tmp_path / "big.jpg"
    Image.new("RGB", (64, 64)).save(path)
    monkeypatch.setattr(images, "MAX_BYTES", 100)
    with pytest.raises(ImageProblem, match="larger than 0 MB"):
        clean_image(path)


def test_many_thumbnails_at_once_keep_their_order_and_report_progress(tmp_path):
    paths = []
    for i in range(12):
        p = tmp_path / f"{i}.jpg"
        Image.new("RGB", (300 + i, 200), (i * 20, 0, 0)).save(p)
        paths.append(p)
    paths.insert(5, tmp_path / "missing.jpg")
    seen = []
    out = thumbnails(paths, 64, cache=tmp_path / "c", workers=3,
                     progress=lambda done, total: seen.append((done, total)))
    assert isinstance(out[5], ImageProblem) and str(out[5].reason) == "the file cannot be read"
    sizes = [Image.open(io.BytesIO(t)).size[0] for i, t in enumerate(out) if i != 5]
    assert sizes == [64] * 12
    assert seen[-1] == (13, 13) and len(seen) == 13


# --- the Data page -----------------------------------------------------------------
def test_data_page_counts_the_files_and_lists_the_bad_ones_by_row(dashboard_on, tmp_path):
    from landmap.demo import DEMO_DIR

    package = tmp_path / "pkg"
    shutil.copytree(DEMO_DIR, package)
    table = pd.read_csv(package / "media.csv", dtype=str, keep_default_na=False)
    cut = package / table.loc[4, "filePath"]
    cut.write_bytes(cut.read_bytes()[:600])  # a copy that stopped half-way
    (package / table.loc[10, "filePath"]).unlink()
    app = dashboard_on(package)
    app.run()
    app.switch_page("pages/data.py").run()
    assert not app.exception
    # (the page names the columns in the reader's language; AppTest shows the table)
    counts = next(d.value for d in app.dataframe if "files" in d.value.columns)
    assert counts.to_dict("records") == [{
        "kind": "photos", "files": 369, "public": 324, "favourites": 32, "remote": 0,
        "in_package": 368, "not_usable": 1}]
    app.button(key="check-pictures").click().run()
    bad = next(d.value for d in app.dataframe if "reason" in d.value.columns)
    assert bad[["row", "filePath", "reason"]].values.tolist() == [
        [6, table.loc[4, "filePath"], "the picture is corrupt or cut short"],
        [12, table.loc[10, "filePath"], "no such file in the package"]]


def test_a_package_without_media_has_no_photos_and_says_so(demo):
    import dataclasses

    from landmap.media import media_counts, photos_of
    from landmap.survey import Kept

    bare = dataclasses.replace(demo, kept=Kept())
    assert media_table(bare).empty and media_links(bare).empty
    assert photos_of(bare, "Leo 117F").empty and media_counts(media_table(bare)).empty


# --- export ------------------------------------------------------------------------
def test_export_with_the_pictures_stripped_and_only_those_the_role_may_see(demo, tmp_path):
    import json
    import zipfile

    from landmap.io.exports import camtrapdp_zip
    from landmap.privacy import Precision, protect

    part = demo.filter(years=(2021, 2021))
    plain = zipfile.ZipFile(io.BytesIO(camtrapdp_zip(part)))
    assert not [n for n in plain.namelist() if n.startswith("media/")]  # rows only
    exact = zipfile.ZipFile(io.BytesIO(camtrapdp_zip(part, media_files=True)))
    rows = pd.read_csv(exact.open("media.csv"), dtype=str)
    pictures = sorted(n for n in exact.namelist() if n.startswith("media/"))
    assert pictures == sorted(rows["filePath"]) and len(rows) == len(media_table(part))
    for name in pictures[:20]:
        data = exact.read(name)
        assert b"Exif" not in data and Image.open(io.BytesIO(data)).size == (384, 216)
    descriptor = json.loads(exact.read("datapackage.json"))
    assert descriptor["landmap"]["media files"] == len(pictures)
    # read back: every file where its row says
    exact.extractall(tmp_path / "back")
    back = media_table(read_camtrapdp(tmp_path / "back"))
    assert (back["path_problem"] == "").all() and back["file"].notna().all()
    # generalised (a viewer's download): public pictures of no person only
    viewer = zipfile.ZipFile(io.BytesIO(camtrapdp_zip(protect(part, Precision(5)),
                                                      media_files=True)))
    seen = viewable(media_table(part), "viewer")
    assert sorted(n for n in viewer.namelist() if n.startswith("media/")) == \
        sorted(seen["filePath"])


def test_the_briefing_pack_carries_the_photo_of_the_selection(capsys, tmp_path):
    import subprocess

    from landmap.cli import main
    from landmap.demo import DEMO_DIR
    from landmap.io.briefing import chromium_path

    if chromium_path() is None or shutil.which("pdftotext") is None:
        pytest.skip("needs Debian's Chromium and poppler-utils")
    pdf = tmp_path / "pack.pdf"
    assert main(["export", str(DEMO_DIR), "--what", "briefing", "--year", "2021",
                 "--individual", "Leo 117F", "--photo", "--output", str(pdf)]) == 0
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    # her first favourite of 2021, with the side of the border only (generalised)
    assert "Photo of the selection" in text
    assert "Leo 117F · 2021-06-03 22:58:46 · Russia" in text
    assert main(["export", str(DEMO_DIR), "--what", "briefing", "--year", "2021",
                 "--photo", "m99999", "--output", str(pdf)]) == 2
    assert "--photo m99999: no such picture in the selection that a viewer may see" in \
        capsys.readouterr().err


def test_the_reader_and_the_pages_give_a_path_the_same_reason(tmp_path):
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "s.jpg").write_bytes(b"x")
    values = ["media/ok.jpg", "./media/ok.jpg", "media//ok.jpg", "media/in.jpg",
              "media/out.jpg", "./media/out.jpg", "linked/s.jpg", "linked", "../x.jpg",
              "media/../../x.jpg", "/abs.jpg", "C:/photos/x.jpg", "\\\\server\\x.jpg",
              "file:///etc/passwd", "s3://bucket/x.jpg", "", "https://example.org/x.jpg",
              "media/none.jpg", "media/..hidden.jpg"]
    root2 = _package_with_media(tmp_path / "two", [{"filePath": v} for v in values])
    os.symlink(outside, root2 / "linked")  # a folder leading out
    os.symlink(outside / "s.jpg", root2 / "media" / "out.jpg")  # a file leading out
    os.symlink(root2 / "media" / "ok.jpg", root2 / "media" / "in.jpg")  # stays inside
    s = read_camtrapdp(root2)
    by_row = {p.row: str(p.message) for p in s.problems if p.file == "media.csv"
              and p.field == "filePath"}
    for i, value in enumerate(values):
        reason = media_path(root2, value)[1]
        expected = None if reason is None or str(reason) == "no such file in the package" \
            else str(reason)
        assert by_row.get(i + 2) == expected, value


def test_an_analyst_can_play_a_video_a_viewer_never_gets_it(dashboard_on, tmp_path,
                                                           monkeypatch):
    import base64

    from landmap.app import photos
    from landmap.demo import DEMO_DIR

    package = tmp_path / "pkg"
    shutil.copytree(DEMO_DIR, package)
    table = pd.read_csv(package / "media.csv", dtype=str, keep_default_na=False)
    her = table[table["mediaID"] == "m00280"].iloc[0]  # during an event of Leo 117F
    video = b"\x00\x00\x00\x18ftypmp42" + bytes(2000)
    (package / "media" / "v1.mp4").write_bytes(video)
    row = {**her, "mediaID": "v1", "filePath": "media/v1.mp4", "fileName": "v1.mp4",
           "fileMediatype": "video/mp4", "favorite": ""}
    pd.concat([table, pd.DataFrame([row])]).to_csv(package / "media.csv", index=False)
    app = dashboard_on(package)
    app.query_params["years"] = "2021-2021"
    app.run()
    app.switch_page("pages/individuals.py").run()
    app.selectbox(key="profile").set_value("Leo 117F").run()
    assert not app.exception

    def page() -> str:
        return "".join(e.proto.body for e in app.main.get("html"))

    assert f'src="data:video/mp4;base64,{base64.b64encode(video).decode()}"' in page()
    monkeypatch.setattr(photos, "VIDEO_MB", 0)
    app.run()
    assert "A video of 0 MB: too large to show here" in page() and "<video" not in page()
    # viewers: pictures only (a video's metadata cannot be stripped)
    s = read_camtrapdp(package)
    assert "v1" in set(media_table(s)["mediaID"])
    assert "v1" not in set(viewable(media_table(s), "viewer")["mediaID"])

"""Bring your own data: Camtrap DP packages from a folder, a zip file or an upload.

Uploads are untrusted. An archive is checked before anything is written: its size, the
size each member claims and the bytes it really holds (a zip bomb claims little and
expands to much), paths that would land outside the target folder, links and encrypted
members. What cannot be used is reported as :class:`~landmap.io.validate.Problem` rows
(file, member, what was done) in one :class:`~landmap.io.validate.DataError`.
The originals are never changed: archives are unpacked into a temporary folder.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path, PurePosixPath

from landmap.demo import DEMO_DIR
from landmap.i18n import Text
from landmap.io.camtrapdp import read_camtrapdp
from landmap.io.progress import LoadStep
from landmap.io.sources import DATA_ENV
from landmap.io.validate import DataError, Problem
from landmap.survey import Survey

__all__ = [
    "DATA_ROOTS_ENV",
    "MAX_FILE_MB",
    "MAX_UNPACKED_MB",
    "data_roots",
    "open_package",
    "package_from_files",
    "safe_unzip",
    "server_package",
]

#: Largest file landmap accepts (an upload, or an archive on disk), in MB.
MAX_FILE_MB = 200
#: Environment variable naming the folders (``os.pathsep``-separated) that packages may be
#: loaded from by path on the server (see :func:`data_roots`).
DATA_ROOTS_ENV = "LANDMAP_DATA_ROOTS"
#: Most an archive may expand to, in MB, and most members it may hold; an administrator
#: may change them with ``LANDMAP_MAX_UNPACKED_MB`` and ``LANDMAP_MAX_MEMBERS``.
MAX_UNPACKED_MB = int(os.environ.get("LANDMAP_MAX_UNPACKED_MB", 2000))
MAX_MEMBERS = int(os.environ.get("LANDMAP_MAX_MEMBERS", 5000))
#: Compression ratio above which a large member, or the archive as a whole, is taken for a
#: zip bomb (CSV packs about 10:1); ``LANDMAP_MAX_RATIO``.
MAX_RATIO = int(os.environ.get("LANDMAP_MAX_RATIO", 200))
#: Longest member name, and longest part of one, that is unpacked (file systems stop at 255).
MAX_NAME = 1024
MAX_NAME_PART = 255
_MB = 1024 * 1024


def _refuse(file: str, message: str, member: str | None = None) -> DataError:
    return DataError([Problem(file, None, member, None, "refused", message)])


def check_size(size: int, name: str, limit_mb: float | None = None) -> None:
    """Refuse a file larger than ``limit_mb`` megabytes (default :data:`MAX_FILE_MB`),
    naming it and both sizes."""
    limit_mb = MAX_FILE_MB if limit_mb is None else limit_mb
    if size > limit_mb * _MB:
        raise _refuse(name, Text("the file is {size} MB; landmap accepts at most {limit} MB "
                                 "per file", size=f"{size / _MB:,.2f}",
                                 limit=f"{limit_mb:,.2f}"))


def _member_problem(info: zipfile.ZipInfo) -> Text | None:
    path = PurePosixPath(info.filename.replace("\\", "/"))
    if not path.parts:
        return Text("a member without a name; nothing was unpacked")
    if len(info.filename) > MAX_NAME or any(len(p.encode()) > MAX_NAME_PART
                                            for p in path.parts):
        return Text("the member's name is too long (at most {limit} characters a folder or "
                    "file name); nothing was unpacked", limit=MAX_NAME_PART)
    if info.filename.startswith(("/", "\\")) or ":" in path.parts[0] or ".." in path.parts:
        return Text("the path leads outside the archive's folder; nothing was unpacked")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return Text("the member is a symbolic link; nothing was unpacked")
    if info.flag_bits & 0x1:
        return Text("the member is encrypted; unpack it yourself and load the folder")
    if info.file_size > _MB and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return Text("the member expands {ratio} times (a zip bomb?); nothing was unpacked",
                    ratio=f"{info.file_size / max(info.compress_size, 1):,.0f}")
    return None


def safe_unzip(archive: str | Path | bytes, target: str | Path, name: str | None = None
               ) -> Path:
    """Unpack a zip archive into ``target`` after checking every member.

    Parameters
    ----------
    archive : path or bytes
        The archive (an upload arrives as bytes).
    target : path
        An empty folder to unpack into.
    name : str, optional
        The file name to report (defaults to the archive's path).

    Returns
    -------
    Path
        ``target``.

    Raises
    ------
    DataError
        If the file is not a zip archive, is too large, holds too many members, a member
        escapes ``target`` (``../``, an absolute path), is a link or encrypted, or the
        archive expands beyond :data:`MAX_UNPACKED_MB` (checked on the bytes written, not
        only on what the archive claims).

    Examples
    --------
    >>> import io, tempfile
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w") as z:
    ...     z.writestr("../outside.txt", "x")
    >>> try:
    ...     safe_unzip(buffer.getvalue(), tempfile.mkdtemp(), "evil.zip")
    ... except DataError as error:
    ...     print(error.problems[0].message)
    the path leads outside the archive's folder; nothing was unpacked
    """
    name = name or (str(archive) if not isinstance(archive, bytes) else "archive.zip")
    size = len(archive) if isinstance(archive, bytes) else Path(archive).stat().st_size
    check_size(size, name)
    source = io.BytesIO(archive) if isinstance(archive, bytes) else archive
    try:
        bundle = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _refuse(name, Text("not a zip archive ({error})", error=str(exc))) from None
    with bundle:
        members = bundle.infolist()
        if len(members) > MAX_MEMBERS:
            raise _refuse(name, Text("the archive holds {n} members; at most {limit} are "
                                     "unpacked", n=f"{len(members):,}",
                                     limit=f"{MAX_MEMBERS:,}"))
        problems = [Problem(name, None, info.filename, None, "refused", message)
                    for info in members if (message := _member_problem(info))]
        problems += _clashes(members, name)
        claimed = sum(info.file_size for info in members)
        if claimed > _MB and claimed > MAX_RATIO * max(size, 1):
            problems.append(Problem(name, None, None, None, "refused",
                                    Text("the archive expands {ratio} times (a zip bomb?); "
                                         "nothing was unpacked",
                                         ratio=f"{claimed / max(size, 1):,.0f}")))
        if claimed > MAX_UNPACKED_MB * _MB:
            problems.append(Problem(name, None, None, None, "refused",
                                    Text("the archive expands to {size} MB; at most {limit} "
                                         "MB are unpacked", size=f"{claimed / _MB:,.1f}",
                                         limit=f"{MAX_UNPACKED_MB:,}")))
        if problems:
            raise DataError(problems)
        target = Path(target)
        budget = MAX_UNPACKED_MB * _MB
        for info in members:
            destination = target.joinpath(*PurePosixPath(info.filename.replace("\\", "/")).parts)
            if info.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            try:
                budget = _copy_member(bundle, info, destination, budget, name)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise _refuse(name, Text("the member cannot be read ({error})",
                                         error=str(exc)), info.filename) from None
    return target


def _clashes(members: list[zipfile.ZipInfo], name: str) -> list[Problem]:
    """Members that would overwrite each other: a name twice, or a file that is also a
    folder. Unpacking would silently keep only one of them."""
    seen: set[str] = set()
    files, folders = set(), set()
    problems = []
    for info in members:
        path = PurePosixPath(info.filename.replace("\\", "/"))
        key = str(path)
        if not path.parts:
            continue
        if key in seen:
            problems.append(Problem(name, None, info.filename, None, "refused",
                                    Text("the archive holds two members of this name; "
                                         "nothing was unpacked")))
        seen.add(key)
        (folders if info.is_dir() else files).add(key)
        folders.update(str(parent) for parent in path.parents if str(parent) != ".")
    for key in sorted(files & folders):
        problems.append(Problem(name, None, key, None, "refused",
                                Text("the name is both a file and a folder in the archive; "
                                     "nothing was unpacked")))
    return problems


def _copy_member(bundle: zipfile.ZipFile, info: zipfile.ZipInfo, destination: Path,
                 budget: int, name: str) -> int:
    """Copy one member, counting the bytes really written against the budget."""
    with bundle.open(info) as src, destination.open("wb") as dst:
        while chunk := src.read(_MB):
            budget -= len(chunk)
            if budget < 0:
                raise _refuse(name, Text("the archive expands beyond {limit} MB (more than "
                                         "its members claim); unpacking stopped",
                                         limit=f"{MAX_UNPACKED_MB:,}"), info.filename)
            dst.write(chunk)
    return budget


def _find_descriptor(folder: Path, name: str) -> Path:
    found = sorted(folder.rglob("datapackage.json"), key=lambda p: len(p.parts))
    found = [p for p in found if "__MACOSX" not in p.parts]
    if not found:
        raise _refuse(name, Text("no datapackage.json in it; a Camtrap DP package is a "
                                 "folder holding datapackage.json, deployments.csv and "
                                 "observations.csv"))
    if len(found) > 1:  # never guess which one the user meant
        listed = ", ".join(sorted(str(p.relative_to(folder)) for p in found))
        raise _refuse(name, Text("the archive holds {n} packages ({listed}); zip one "
                                 "package at a time", n=len(found), listed=listed))
    return found[0].parent


def _label(name: str, data: bytes) -> str:
    return Text("{name} (upload, sha256 {digest})", name=name,
                digest=hashlib.sha256(data).hexdigest()[:12])


def open_package(source: str | Path | bytes, name: str | None = None, *,
                 progress: Callable[[LoadStep], None] | None = None) -> Survey:
    """Read a Camtrap DP package from a folder, a ``datapackage.json``, a zip file or the
    bytes of an uploaded zip file.

    The survey's ``source`` names where it came from (an upload by its file name and a
    hash of its content, so two different uploads of the same name differ). ``progress``
    is handed to :func:`~landmap.io.camtrapdp.read_camtrapdp`.

    Raises
    ------
    DataError
        With every problem found (see :func:`safe_unzip` and
        :func:`landmap.io.camtrapdp.read_camtrapdp`).

    Examples
    --------
    >>> open_package(b"not a zip", "survey.zip")
    Traceback (most recent call last):
    ...
    landmap.io.validate.DataError: 1 problem in the input:
    - survey.zip: not a zip archive (File is not a zip file)
    """
    if isinstance(source, bytes | bytearray):
        name = name or "upload.zip"
        with tempfile.TemporaryDirectory(prefix="landmap-") as folder:
            safe_unzip(bytes(source), folder, name)
            survey = read_camtrapdp(_find_descriptor(Path(folder), name), progress=progress)
        return replace(survey, source=_label(name, bytes(source)))
    path = Path(source)
    if not path.exists():
        raise _refuse(str(path), Text("no such file or folder"))
    if path.is_file() and path.suffix.lower() == ".zip":
        with tempfile.TemporaryDirectory(prefix="landmap-") as folder:
            safe_unzip(path, folder, name or path.name)
            survey = read_camtrapdp(_find_descriptor(Path(folder), name or path.name),
                                    progress=progress)
        return replace(survey, source=str(path.resolve()))
    if path.is_file() and path.name != "datapackage.json":
        raise _refuse(str(path), Text("not a Camtrap DP package: give its folder, its "
                                      "datapackage.json or a zip file of it"))
    return read_camtrapdp(path, progress=progress)


def data_roots(secrets: dict | None = None) -> list[Path]:
    """Folders a package may be loaded from by its path on the server.

    ``[landmap] data_roots = [...]`` in the secrets, else ``$LANDMAP_DATA_ROOTS``
    (separated by ``os.pathsep``), else the bundled demo and ``$LANDMAP_DATA``: whoever may
    type a path must not be able to read the server's other files.
    """
    configured = ((secrets or {}).get("landmap") or {}).get("data_roots")
    if configured is None and os.environ.get(DATA_ROOTS_ENV):
        configured = os.environ[DATA_ROOTS_ENV].split(os.pathsep)
    if configured is None:
        configured = [DEMO_DIR, *([os.environ[DATA_ENV]] if os.environ.get(DATA_ENV) else [])]
    if isinstance(configured, str):
        configured = [configured]
    return [Path(root).expanduser().resolve() for root in configured if str(root).strip()]


def server_package(path: str | Path, roots: list[Path], *,
                   progress: Callable[[LoadStep], None] | None = None) -> Survey:
    """:func:`open_package` for a path typed by a user, refused unless it lies under one of
    ``roots`` (see :func:`data_roots`).

    Examples
    --------
    >>> server_package("/etc", [Path("/srv/camtrap")])
    Traceback (most recent call last):
    ...
    landmap.io.validate.DataError: 1 problem in the input:
    - /etc: this server loads packages only from its data folders (/srv/camtrap); ask ...
    """
    wanted = Path(path).expanduser()
    resolved = wanted.resolve()
    if not any(resolved.is_relative_to(root) for root in roots):
        raise _refuse(str(path), Text("this server loads packages only from its data folders "
                                      "({roots}); ask the administrator to add a folder "
                                      "(LANDMAP_DATA_ROOTS)",
                                      roots=", ".join(str(r) for r in roots) or "none"))
    return open_package(resolved, progress=progress)


def package_from_files(files: Iterable[tuple[str, bytes]], *,
                       progress: Callable[[LoadStep], None] | None = None) -> Survey:
    """Read a package uploaded as loose files (``datapackage.json`` and its CSV files).

    Only the files' base names are used, so a name cannot place a file outside the
    temporary folder; a zip among them is unpacked (one archive at most).
    """
    files = list(files)
    if len(files) == 1 and files[0][0].lower().endswith(".zip"):
        return open_package(files[0][1], files[0][0], progress=progress)
    digest = hashlib.sha256()
    with tempfile.TemporaryDirectory(prefix="landmap-") as folder:
        for name, data in files:
            check_size(len(data), name)
            safe = PurePosixPath(name.replace("\\", "/")).name
            if safe in ("", ".", ".."):
                raise _refuse(name, Text("not a usable file name"))
            (Path(folder) / safe).write_bytes(data)
            digest.update(safe.encode() + data)
        if not (Path(folder) / "datapackage.json").exists():
            raise _refuse(", ".join(n for n, _ in files),
                          Text("no datapackage.json among the files; add it, or upload "
                               "the package as one zip file"))
        survey = read_camtrapdp(folder, progress=progress)
    names = ", ".join(sorted(n for n, _ in files))
    return replace(survey, source=Text("{name} (upload, sha256 {digest})", name=names,
                                       digest=digest.hexdigest()[:12]))

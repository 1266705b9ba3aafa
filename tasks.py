#!/usr/bin/env python3
"""Set up landmap's environment and start the dashboard or run the tests.

Only the Python standard library is used here, because this script is what
turns a fresh machine with nothing but Python 3.11+ into one that runs landmap.

    python3 tasks.py start   # create .venv if needed, start the dashboard on the demo data
    python3 tasks.py test    # create .venv if needed, install Chromium if needed, run all tests

Extra arguments after ``start`` go to ``streamlit run`` (e.g. ``--server.port 8600``);
after ``test`` they go to pytest (e.g. ``-k home_range``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
STAMP = VENV / ".landmap-installed"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def _say(msg: str) -> None:
    print(f"[landmap] {msg}", flush=True)


def _run(cmd: list[str], **kw) -> None:
    subprocess.run(cmd, check=True, **kw)


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _apt_install(*packages: str) -> bool:
    """Install Debian packages when we are root on a Debian-like system."""
    if not (_is_root() and shutil.which("apt-get")):
        return False
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    _say(f"installing Debian packages: {' '.join(packages)}")
    subprocess.run(["apt-get", "update", "-q"], check=False, env=env)
    _run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages], env=env)
    return True


def _create_venv() -> None:
    if PY.exists():
        return
    _say(f"creating the virtual environment in {VENV}")
    try:
        _run([sys.executable, "-m", "venv", str(VENV)])
    except subprocess.CalledProcessError:
        # Debian ships venv/ensurepip separately (python3-venv).
        shutil.rmtree(VENV, ignore_errors=True)
        ver = f"python{sys.version_info.major}.{sys.version_info.minor}-venv"
        if not _apt_install(ver, "python3-venv"):
            sys.exit(
                f"[landmap] Python cannot create a virtual environment here. Install the "
                f"Debian package '{ver}' (sudo apt-get install {ver}) and run this again."
            )
        _run([sys.executable, "-m", "venv", str(VENV)])


def _ensure_env(requirements: str) -> None:
    """Install ``requirements`` into .venv unless the same files were installed already.

    The stamp names the set installed ("requirements.txt" or "requirements-dev.txt") and
    a digest of every requirements file, so starting the dashboard after the tests (whose
    set includes the dashboard's) installs nothing.
    """
    _create_venv()
    files = [ROOT / "requirements.txt", ROOT / "requirements-dev.txt", ROOT / "pyproject.toml"]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    enough = {requirements, "requirements-dev.txt"}
    if STAMP.exists():
        have, _, have_digest = STAMP.read_text().partition(":")
        if have in enough and have_digest == digest:
            return
    _say(f"installing Python packages from {requirements}")
    _run([str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip"])
    _run([str(PY), "-m", "pip", "install", "-q", "-r", str(ROOT / requirements)])
    _run([str(PY), "-m", "pip", "install", "-q", "--no-deps", "-e", str(ROOT)])
    STAMP.write_text(f"{requirements}:{digest}")


def _find_chromium() -> str | None:
    for candidate in (os.environ.get("LANDMAP_CHROMIUM"), *CHROMIUM_CANDIDATES):
        if candidate and Path(candidate).exists():
            return candidate
    return None


# Debian packages for map and briefing exports (Chromium renders, the fonts carry Cyrillic
# and Chinese glyphs into PDFs) and, for the tests, poppler's pdftotext/pdftoppm.
FONTS = {"fonts-dejavu-core": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
         "fonts-wqy-zenhei": "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"}


def _missing_system(with_tests: bool) -> list[str]:
    missing = [] if _find_chromium() else ["chromium"]
    missing += [name for name, path in FONTS.items() if not Path(path).exists()]
    if with_tests and not shutil.which("pdftoppm"):
        missing.append("poppler-utils")
    # The PostGIS tests start their own PostgreSQL server from these binaries.
    if with_tests and not (list(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
                           and list(Path("/usr/share/postgresql").glob(
                               "*/extension/postgis.control"))):
        missing += ["postgresql", "postgis", "postgresql-postgis"]
    return missing


def _ensure_system(with_tests: bool) -> str | None:
    """Install the Debian packages landmap uses, when root; returns Chromium's path."""
    missing = _missing_system(with_tests)
    if missing and not _apt_install(*missing):
        hint = f"sudo apt-get install {' '.join(missing)}"
        if with_tests:
            sys.exit(f"[landmap] The tests need Debian packages that are missing: {hint} "
                     "(or set LANDMAP_CHROMIUM to another Chromium executable).")
        _say(f"map PNG and PDF exports need: {hint}; the dashboard runs without them.")
    return _find_chromium()


def start(args: list[str]) -> int:
    _ensure_env("requirements.txt")
    _ensure_system(with_tests=False)
    # landmap.app.serve is `streamlit run app.py` with one fix for links to pages (see there).
    cmd = [str(PY), "-m", "landmap.app.serve", *args]
    _say("starting the dashboard: " + " ".join(cmd[2:]))
    os.chdir(ROOT)
    os.execv(str(PY), cmd)
    return 0  # not reached


def test(args: list[str]) -> int:
    _ensure_env("requirements-dev.txt")
    chromium = _ensure_system(with_tests=True)
    env = dict(os.environ, LANDMAP_CHROMIUM=chromium)
    _say("ruff check")
    lint = subprocess.run([str(PY), "-m", "ruff", "check", "."], cwd=ROOT, env=env)
    _say("pytest")
    tests = subprocess.run([str(PY), "-m", "pytest", *args], cwd=ROOT, env=env)
    return tests.returncode or lint.returncode


def main(argv: list[str]) -> int:
    commands = {"start": start, "test": test}
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Fetch the vendored map assets (Leaflet and plugins) from the npm registry.

Run after changing ``landmap.maps.offline.VENDORED`` (a version bump or a new plugin):

    .venv/bin/python scripts/refresh_assets.py

It rewrites ``static/vendor/`` and ``static/vendor/ASSETS.md`` (versions,
licences, sha256 of each file). Needs network access to registry.npmjs.org
(or the mirror named in NPM_REGISTRY); the dashboard itself never does.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from landmap.maps.offline import STATIC_DIR, VENDORED  # noqa: E402

REGISTRY = os.environ.get("NPM_REGISTRY", "https://registry.npmjs.org").rstrip("/")


def _tarball(name: str, version: str) -> tarfile.TarFile:
    url = f"{REGISTRY}/{name}/-/{name.split('/')[-1]}-{version}.tgz"
    print(f"fetching {url}")
    with urllib.request.urlopen(url, timeout=60) as response:
        return tarfile.open(fileobj=io.BytesIO(response.read()))


def main() -> None:
    if STATIC_DIR.exists():
        shutil.rmtree(STATIC_DIR)
    lines = [
        "# Vendored map assets",
        "",
        "Written by `scripts/refresh_assets.py` from the npm registry; do not edit by hand.",
        "Served by Streamlit at `/app/static/vendor/` and inlined into exported HTML maps.",
        "",
        "| package | version | licence | file | sha256 |",
        "|---|---|---|---|---|",
    ]
    for package in VENDORED:
        archive = _tarball(package.name, package.version)
        for member, target in package.files.items():
            data = archive.extractfile(member).read()
            path = STATIC_DIR / target
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            digest = hashlib.sha256(data).hexdigest()[:16]
            lines.append(
                f"| {package.name} | {package.version} | {package.licence} | {target} | {digest} |"
            )
    (STATIC_DIR / "ASSETS.md").write_text("\n".join(lines) + "\n")
    print(f"wrote {STATIC_DIR}")


if __name__ == "__main__":
    main()

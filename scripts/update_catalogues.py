"""Re-extract the interface texts and bring the catalogues in line with them.

    .venv/bin/python scripts/update_catalogues.py

Writes ``src/landmap/locales/landmap.pot`` from the code (Babel's extractor, the same
``babel.cfg`` the catalogue test uses) and updates each ``<lang>/LC_MESSAGES/landmap.po``:
new texts are added untranslated, texts no longer in the code are removed. The
test ``tests/test_i18n.py`` fails until every text has its translation.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "src" / "landmap" / "locales"
#: Babel's name of each catalogue's locale (Chinese is Simplified, mainland).
BABEL_LOCALES = {"zh": "zh_Hans_CN"}


def main() -> int:
    pot = LOCALES / "landmap.pot"
    bin_dir = Path(sys.executable).parent
    # "t" is the map builders' short name for their language's gettext; "Text" marks the
    # findings readers write (landmap.i18n.Text), translated where a report shows them.
    subprocess.run([str(bin_dir / "pybabel"), "extract", "-F", "babel.cfg", "-k", "t",
                    "-k", "Text", "--no-location",
                    "--omit-header", "--sort-output", "-o", str(pot), "app.py", "pages",
                    "src/landmap"], check=True, cwd=ROOT)
    for po in sorted(LOCALES.glob("*/LC_MESSAGES/landmap.po")):
        code = po.parents[1].name
        subprocess.run([str(bin_dir / "pybabel"), "update", "-i", str(pot), "-o", str(po),
                        "-l", BABEL_LOCALES.get(code, code), "--no-fuzzy-matching",
                        "--ignore-obsolete", "-w", "100"], check=True, cwd=ROOT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

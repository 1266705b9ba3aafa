"""Start the dashboard: ``python -m landmap.serve [streamlit run options]``.

Streamlit still treats a ``pages/`` folder beside the main script as a legacy
multipage app until the first ``st.navigation`` call of the process. A shared link
to a page (``/home_ranges?years=2021-2021``) opened as the first request of a fresh
server would then run that page without ``app.py`` (no filters, an error). landmap keeps
the ``pages/`` folder of its design and switches the legacy mode off before the server
starts; ``tasks.py start`` uses this entry point.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app.py"


def main(argv: list[str] | None = None) -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    PagesManager.uses_pages_directory = False
    args = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    sys.argv = args
    cli.main()


if __name__ == "__main__":
    main()

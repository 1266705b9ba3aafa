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


def legacy_pages_off() -> None:
    """Keep Streamlit's legacy ``pages/`` mode off in this process, now and after resets.

    Streamlit's AppTest resets the flag before every run, so the switch is made where the
    flag is read back, in PagesManager's constructor. Calling this twice changes nothing.
    """
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    if getattr(PagesManager.__init__, "_landmap", False):
        return
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    init._landmap = True
    PagesManager.__init__ = init


def main(argv: list[str] | None = None) -> None:
    from streamlit.web import cli

    legacy_pages_off()
    args = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    sys.argv = args
    cli.main()


if __name__ == "__main__":
    main()

"""Start the dashboard: ``python -m landmap.app.serve [streamlit run options]``.

Streamlit still treats a ``pages/`` folder beside the main script as a legacy
multipage app until the first ``st.navigation`` call of the process. A shared link
to a page (``/home_ranges?years=2021-2021``) opened as the first request of a fresh
server would then run that page without ``app.py`` (no filters, an error). landmap keeps
the ``pages/`` folder of its design and switches the legacy mode off before the server
starts; ``tasks.py start`` uses this entry point.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[3] / "app.py"


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


def _secrets_files(options: list[str]) -> list[Path]:
    """The secrets files Streamlit will read, as ``streamlit run`` would find them."""
    named = [o.split("=", 1)[1] for o in options if o.startswith("--secrets.files=")]
    named += [b for a, b in itertools.pairwise(options) if a == "--secrets.files"]
    if named:
        return [Path(n) for n in named]
    return [Path.cwd() / ".streamlit" / "secrets.toml",
            Path.home() / ".streamlit" / "secrets.toml"]


def local_only(options: list[str]) -> bool:
    """Whether the server must listen on loopback only: no sign-in is configured and the
    options do not name an address themselves."""
    import tomllib

    from landmap.access import AccessError, access_config

    if any(o.startswith("--server.address") for o in options):
        return False
    secrets: dict = {}
    for path in _secrets_files(options):
        if path.is_file():
            secrets.update(tomllib.loads(path.read_text(encoding="utf-8")))
    try:
        return not access_config(secrets).enabled
    except AccessError:
        return True  # the app shows the mistake; nobody else should see it meanwhile


def main(argv: list[str] | None = None) -> None:
    from streamlit.web import cli

    legacy_pages_off()
    options = list(sys.argv[1:] if argv is None else argv)
    if local_only(options):
        # Without sign-in landmap serves exact locations to whoever connects: only this
        # computer may connect (README, "Sharing the dashboard").
        options += ["--server.address", "127.0.0.1"]
        print("landmap: sign-in is not configured, so the dashboard listens on 127.0.0.1 "
              "only.", file=sys.stderr)
    sys.argv = ["streamlit", "run", str(APP), *options]
    cli.main()


if __name__ == "__main__":
    main()

"""``python -m landmap``: the same as the ``landmap`` command."""

from landmap.cli import main

if __name__ == "__main__":  # not when pytest imports it for doctests
    raise SystemExit(main())

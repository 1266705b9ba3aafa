"""Names of a package loaded on first use (PEP 562), so importing it stays quick."""

from __future__ import annotations

import importlib
from collections.abc import Callable


def lazy_names(namespace: dict, where: dict[str, str]) -> tuple[Callable, Callable]:
    """``__getattr__`` and ``__dir__`` for a package whose public ``name`` lives in the
    module ``where[name]``; a name is imported once, then found like any other."""
    package = namespace["__name__"]

    def __getattr__(name: str):
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted([*namespace, *where])

    return __getattr__, __dir__

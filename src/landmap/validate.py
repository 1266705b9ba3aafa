"""Problems found in input data, and the error that carries them.

Every reader reports what it found as :class:`Problem` rows (file, row, field,
value, what was done) so that nothing is dropped or changed silently. Problems
that make the data unusable are raised together as one :class:`DataError`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

__all__ = ["PROBLEM_COLUMNS", "DataError", "Problem", "problems_frame"]

#: Columns of a problem report, in the order users read them.
PROBLEM_COLUMNS = ["file", "row", "field", "value", "action", "message"]


@dataclass(frozen=True)
class Problem:
    """One finding about one cell (or column, or file) of the input.

    ``row`` is the data row number as a spreadsheet shows it: the header is row 1,
    the first record row 2. ``None`` means the whole column or file.
    ``action`` is ``refused`` (the load stops), ``flagged`` (kept, marked) or ``kept``.
    """

    file: str
    row: int | None
    field: str | None
    value: str | None
    action: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        value = "" if self.value is None else f" (value {self.value!r})"
        return f"{where}: {self.message}{value}"


class DataError(ValueError):
    """Input that cannot be used; ``problems`` lists every reason found, not only the first."""

    def __init__(self, problems: list[Problem], limit: int = 10):
        self.problems = list(problems)
        shown = "\n".join(f"- {p}" for p in self.problems[:limit])
        more = len(self.problems) - limit
        tail = f"\n- ... and {more} more problem(s)" if more > 0 else ""
        noun = "problem" if len(self.problems) == 1 else "problems"
        super().__init__(f"{len(self.problems)} {noun} in the input:\n{shown}{tail}")


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """The problems as a table with :data:`PROBLEM_COLUMNS` (empty table if none)."""
    return pd.DataFrame([asdict(p) for p in problems], columns=PROBLEM_COLUMNS)

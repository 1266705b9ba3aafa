"""Problems found in input data, and the error that carries them.

Every reader reports what it found as :class:`Problem` rows (file, row, field,
value, what was done) so that nothing is dropped or changed silently. Problems
that make the data unusable are raised together as one :class:`DataError`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import pandas as pd

from landmap.i18n import N_, Text

if TYPE_CHECKING:
    from landmap.i18n import Language

__all__ = ["ACTIONS", "PROBLEM_COLUMNS", "DataError", "Problem", "problems_frame"]

#: Columns of a problem report, in the order users read them.
PROBLEM_COLUMNS = ["file", "row", "field", "value", "action", "message"]
#: What was done with a finding, as a report in another language says it.
ACTIONS = {"refused": N_("refused"), "flagged": N_("flagged"), "kept": N_("kept"),
           "repaired": N_("repaired")}


@dataclass(frozen=True)
class Problem:
    """One finding about one cell (or column, or file) of the input.

    ``row`` is the data row number as a spreadsheet shows it: the header is row 1,
    the first record row 2. ``None`` means the whole column or file.
    ``action`` is ``refused`` (the load stops), ``flagged`` (kept, marked), ``kept`` or
    ``repaired``. ``message`` (and a ``file`` that is not a file name, such as "time zone")
    is an :class:`~landmap.i18n.Text` where the reader wrote it, so a report can be shown
    in the user's language.
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


def problems_frame(problems: list[Problem], lang: Language | None = None) -> pd.DataFrame:
    """The problems as a table with :data:`PROBLEM_COLUMNS` (empty table if none).

    With ``lang``, what was done and the message are written in that language; file
    names, fields and values stay as they are in the data.

    Examples
    --------
    >>> from landmap.i18n import language
    >>> found = [Problem("s.csv", 2, "Setup", "", "refused", Text("the station is empty"))]
    >>> problems_frame(found, language("ru"))[["row", "action", "message"]].values.tolist()
    [[2, 'отклонено', 'станция не указана']]
    """
    frame = pd.DataFrame([asdict(p) for p in problems], columns=PROBLEM_COLUMNS)
    if lang is None or frame.empty:
        return frame
    return frame.assign(
        file=[lang.text(f) if isinstance(f, Text) else f for f in frame["file"]],
        action=[lang.gettext(ACTIONS.get(a, a)) for a in frame["action"]],
        message=[lang.text(m) for m in frame["message"]])

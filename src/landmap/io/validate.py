"""Problems found in input data, and the error that carries them.

Every reader reports what it found as :class:`Problem` rows (file, row, field,
value, what was done) so that nothing is dropped or changed silently. Problems
that make the data unusable are raised together as one :class:`DataError`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING

import pandas as pd

from landmap.i18n import N_, Text, text_from_data, text_to_data

if TYPE_CHECKING:
    from landmap.i18n import Language

__all__ = ["ACTIONS", "PROBLEM_COLUMNS", "DataError", "Problem", "doubtful", "problem_from_record",
           "problem_record", "problems_frame"]

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


def problem_record(problem: Problem) -> dict:
    """A problem as plain values for a cache or a database, with a ``texts`` entry (JSON)
    keeping the templates of its :class:`~landmap.i18n.Text` parts for translation.

    Examples
    --------
    >>> p = Problem("s.csv", 3, "x", "9", "refused", Text("not a number"))
    >>> problem_from_record(problem_record(p)) == p
    True
    """
    record = {f.name: getattr(problem, f.name) for f in fields(problem)}
    texts = {k: text_to_data(v) for k, v in record.items() if isinstance(v, Text)}
    record = {k: str(v) if isinstance(v, Text) else v for k, v in record.items()}
    record["texts"] = json.dumps(texts, ensure_ascii=False) if texts else None
    return record


def problem_from_record(record: dict) -> Problem:
    """The :class:`Problem` of a :func:`problem_record` (a record without ``texts``, from
    an older cache or database, comes back in English only)."""
    texts = json.loads(record.get("texts") or "{}")
    values = {f.name: record.get(f.name) for f in fields(Problem)}
    for key, data in texts.items():
        values[key] = text_from_data(data)
    return Problem(**values)


def doubtful(problems: list[Problem]) -> int:
    """How many rows a reader flagged for a look. A clock that the package itself declares
    unreliable (``timestampIssues`` true) is the package's word, not a doubt.

    Examples
    --------
    >>> doubtful([Problem("d.csv", 2, "timestampIssues", "true", "flagged", "clock"),
    ...           Problem("d.csv", 3, "timestampIssues", "maybe", "flagged", "odd"),
    ...           Problem("o.csv", 2, "eventStart", "x", "kept", "offset")])
    1
    """
    declared = ("true", "1", "yes")
    return sum(p.action == "flagged"
               and not (p.field == "timestampIssues" and str(p.value).lower() in declared)
               for p in problems)


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
    records = [asdict(p) for p in problems]
    if lang is not None:
        # Translated before the table is made: a table column keeps plain text only.
        for record in records:
            if isinstance(record["file"], Text):
                record["file"] = lang.text(record["file"])
            record["action"] = lang.gettext(ACTIONS.get(record["action"], record["action"]))
            record["message"] = lang.text(record["message"])
    return pd.DataFrame(records, columns=PROBLEM_COLUMNS)

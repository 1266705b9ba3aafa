"""Where a long load is: the stage, the rows read, how fast, for a progress bar.

A reader given a ``progress`` callable calls it with a :class:`LoadStep` as it goes:
while it reads each file (every few MB), as it checks the tables, and as it writes the
cache. The Data page draws a bar from it and the ``landmap`` command prints it to
stderr, each only for a load that has taken more than :data:`SHOW_AFTER` seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from landmap.i18n import N_, Language, Text

__all__ = ["SHOW_AFTER", "STAGES", "LoadStep", "Progress", "ProgressBar"]

#: Seconds after which a load shows its progress (a shorter one would only flicker).
SHOW_AFTER = 2.0
#: The stages of a load, in order, as a user reads them.
STAGES = {"reading": N_("Reading"), "checking": N_("Checking"),
          "caching": N_("Writing the cache")}
#: The share of the bar each stage ends at (reading is most of a load).
_STAGE_END = {"reading": 0.6, "checking": 0.95, "caching": 1.0}


@dataclass(frozen=True)
class LoadStep:
    """One report of a load.

    ``rows`` are the rows read so far over all files; ``total`` the rows expected (an
    estimate from the bytes while reading); ``done`` the share of the stage finished
    (0–1); ``seconds`` the time since the load began.

    Examples
    --------
    >>> step = LoadStep("reading", rows=500_000, total=2_000_000, done=0.25,
    ...                 seconds=2.0, file="observations.csv")
    >>> round(step.share, 2), step.rows_per_second
    (0.15, 250000)
    >>> step.text()
    'Reading observations.csv: 500,000 of about 2,000,000 rows, 250,000 rows/s'
    """

    stage: str
    rows: int
    total: int
    done: float
    seconds: float
    file: str = ""

    @property
    def share(self) -> float:
        """How far the whole load is, 0–1, for a bar."""
        stages = list(_STAGE_END)
        start = _STAGE_END[stages[stages.index(self.stage) - 1]] if self.stage != stages[0] \
            else 0.0
        return start + (_STAGE_END[self.stage] - start) * min(max(self.done, 0.0), 1.0)

    @property
    def rows_per_second(self) -> int:
        return round(self.rows / self.seconds) if self.seconds > 0 else 0

    def text(self, lang: Language | None = None) -> str:
        """The step as one line in the reader's language (English without ``lang``)."""
        stage = Text(STAGES[self.stage])
        if self.stage == "reading":
            message = Text("{stage} {file}: {rows} of about {total} rows, {speed} rows/s",
                           stage=stage, file=self.file,
                           rows=_count(self.rows, lang), total=_count(self.total, lang),
                           speed=_count(self.rows_per_second, lang))
        else:
            message = Text("{stage}: {rows} rows", stage=stage, rows=_count(self.rows, lang))
        return lang.text(message) if lang is not None else str(message)


def _count(n: int, lang: Language | None) -> str:
    return lang.number(n) if lang is not None else f"{n:,}"


@dataclass
class Progress:
    """What a reader keeps to report a load: a clock and the files' sizes, turned into
    :class:`LoadStep` reports to ``callback`` (nothing is reported without one)."""

    callback: Callable[[LoadStep], None] | None
    total_bytes: int = 0
    rows: int = 0
    _read_bytes: int = 0
    _rows_per_byte: float = 0.0
    _start: float = field(default_factory=time.perf_counter)

    def read(self, file: str, rows: int, nbytes: int) -> None:
        """``rows`` more rows read from ``file``, taking about ``nbytes`` of it."""
        self.rows += rows
        self._read_bytes = min(self._read_bytes + nbytes, self.total_bytes)
        if self._read_bytes:
            self._rows_per_byte = self.rows / self._read_bytes
        total = (self.rows if self._read_bytes >= self.total_bytes
                 else max(self.rows, round(self.total_bytes * self._rows_per_byte)))
        done = self._read_bytes / self.total_bytes if self.total_bytes else 1.0
        self._report(LoadStep("reading", self.rows, total, done, self._elapsed(), file))

    def stage(self, stage: str, done: float) -> None:
        """Report ``done`` (0–1) of a later stage (``checking`` or ``caching``)."""
        self._report(LoadStep(stage, self.rows, self.rows, done, self._elapsed()))

    def _elapsed(self) -> float:
        return time.perf_counter() - self._start

    def _report(self, step: LoadStep) -> None:
        if self.callback is not None:
            self.callback(step)


class ProgressBar:
    """A ``progress`` callable that shows a load only once it has taken
    :data:`SHOW_AFTER` seconds, through ``draw(share, line)`` (a Streamlit progress bar,
    a line on stderr), at most every ``every`` seconds.

    Examples
    --------
    >>> lines = []
    >>> bar = ProgressBar(lambda share, line: lines.append(line), show_after=0)
    >>> bar(LoadStep("checking", 10, 10, 0.5, 3.0))
    >>> lines
    ['Checking: 10 rows']
    """

    def __init__(self, draw: Callable[[float, str], None], lang: Language | None = None,
                 show_after: float | None = None, every: float = 0.25):
        self.draw, self.lang = draw, lang
        self.show_after = SHOW_AFTER if show_after is None else show_after
        self.every = every
        self._last = float("-inf")

    def __call__(self, step: LoadStep) -> None:
        if step.seconds < self.show_after or step.seconds - self._last < self.every:
            return
        self._last = step.seconds
        self.draw(step.share, step.text(self.lang))

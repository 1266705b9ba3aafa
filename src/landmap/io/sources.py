"""Where a survey comes from: a Camtrap DP folder, read through a Parquet cache.

Reading and validating the CSV files of a large programme takes seconds; reading the
same tables back from Parquet takes a fraction of that. :func:`load_survey` validates a
package once, keeps the validated tables as Parquet in a cache folder outside the
package (the originals are never touched), and uses them while the package's files are
unchanged. Any change to a file of the package (size or modification time) makes the
next load validate the CSV files again and rewrite the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from landmap._arrow import pandas_frame
from landmap.boundaries import Boundaries, load_boundaries
from landmap.i18n import Text, text_from_data
from landmap.io.camtrapdp import (
    _SMALL,
    _no_cycle_collection,
    _places,
    _pool_for,
    _stations_of,
    read_camtrapdp,
)
from landmap.io.progress import LoadStep
from landmap.io.validate import PROBLEM_COLUMNS, Problem, problem_record
from landmap.observations import camera_offset, local_year
from landmap.survey import (
    Kept,
    Survey,
    _active_years,
    _know_deployment_rows,
    _positional,
    _renumbered,
)

__all__ = ["CACHE_ENV", "DATA_ENV", "DataSource", "FileSource", "PostgisSource", "cache_dir",
           "configured_source", "load_survey"]

#: Environment variable naming a Camtrap DP folder to show instead of the demo.
DATA_ENV = "LANDMAP_DATA"
#: Environment variable naming the cache folder (default ``~/.cache/landmap``).
CACHE_ENV = "LANDMAP_CACHE"
#: Bump when the cached tables' layout changes, so old caches are rebuilt.
_LAYOUT = 13  # 3: problems keep their translatable templates; 4: effort_end; 5: local_offset;
#             6: the kept media, other-level observations and unread resources;
#             7: deployments without their points (remade per place on reading);
#             8: observations split by year; 9: and whole, in the file's order
#             10: species, sex, stages and IDs as categories; 11: as their codes, and
#             each deployment's place by its number; 12: deployments by year too;
#             13: each observation's deployment row
_TABLES = ("deployments", "observations", "individuals", "problems")


def cache_root() -> Path:
    """landmap's cache folder: ``LANDMAP_CACHE``, else ``~/.cache/landmap``."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "landmap")


def cache_dir(package: str | Path) -> Path:
    """The cache folder of one package (one folder per absolute package path)."""
    root = cache_root()
    key = hashlib.sha1(str(Path(package).resolve()).encode()).hexdigest()[:16]
    return root / key


def _fingerprint(package: Path) -> dict:
    files = sorted(p for p in package.iterdir() if p.is_file() and not p.name.startswith("."))
    return {"layout": _LAYOUT,
            "files": [[p.name, p.stat().st_size, p.stat().st_mtime_ns] for p in files]}


def _write(folder: Path, survey: Survey, fingerprint: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    # the coordinates are kept, not the points, and each deployment's place by its number:
    # remaking one point per place is faster than decoding one per deployment
    deployments = pd.DataFrame(survey.deployments.drop(columns="geometry"))
    place, lon, lat = _places(deployments["longitude"].to_numpy(float),
                              deployments["latitude"].to_numpy(float))
    deployments = pa.Table.from_pandas(deployments, preserve_index=False).append_column(
        "_place", pa.array(place))
    pq.write_table(deployments, folder / "deployments.parquet")
    deployment_years = _write_deployment_years(folder / "deployments", deployments,
                                               survey.deployments)
    observations, categories = _coded(survey.observations)
    # each observation's deployment row: read back, no deployment ID is looked up again
    observations = observations.append_column("_deployment",
                                              pa.array(survey.deployment_rows()))
    _write_observations(folder / "observations", observations, survey.observations)
    # all years, in the file's order: what the dashboard's first view reads (the years'
    # files are in year order, and putting millions of rows back in the file's order
    # costs three times the read)
    pq.write_table(observations, folder / "observations.parquet")
    survey.individuals.to_parquet(folder / "individuals.parquet")
    pd.DataFrame([problem_record(p) for p in survey.problems],
                 columns=[*PROBLEM_COLUMNS, "texts"]).astype(
        {"row": "Int64"}).to_parquet(folder / "problems.parquet")
    survey.kept.observations.to_parquet(folder / "kept_observations.parquet")
    survey.kept.media.to_parquet(folder / "media.parquet")
    files = folder / "files"
    files.mkdir(exist_ok=True)
    names = {}
    for i, (path, content) in enumerate(survey.kept.files.items()):
        (files / str(i)).write_bytes(content)
        names[str(i)] = path
    meta = {"metadata": survey.metadata, "observation_level": survey.observation_level,
            "files": names, "categories": categories, "deployment_years": deployment_years,
            # floats written as Python reads them back, bit for bit
            "places": [lon.tolist(), lat.tolist()]}
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    # Written last: a cache without it (an interrupted write) is never used.
    (folder / "fingerprint.json").write_text(json.dumps(fingerprint), encoding="utf-8")


def _coded(frame: pd.DataFrame) -> tuple[pa.Table, dict]:
    """The frame as an Arrow table whose text category columns hold their codes (-1 where
    missing), with the categories apart. Read back, codes are categories at once: a
    Parquet dictionary is made categories again chunk by chunk, the longest part of a
    cached load at 100x the demo."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    categories = {}
    for i, (name, dtype) in enumerate(frame.dtypes.items()):
        if (isinstance(dtype, pd.CategoricalDtype)
                and all(isinstance(c, str) for c in dtype.categories)):
            categories[name] = [dtype.categories.tolist(), bool(dtype.ordered)]
            table = table.set_column(i, name, pa.array(frame.iloc[:, i].cat.codes.to_numpy()))
    return table, categories


def _decoded(table: pa.Table, categories: dict) -> pd.DataFrame:
    """The frame of a :func:`_coded` table."""
    coded = [name for name in table.column_names if name in categories]
    rest = pandas_frame(table.drop_columns(coded))
    columns = {}
    for name in table.column_names:  # each column back where it was, none copied
        if name in categories:
            values, ordered = categories[name]
            columns[name] = pd.Categorical.from_codes(
                table.column(name).to_numpy(),
                dtype=pd.CategoricalDtype(pd.Index(values, dtype="str"), ordered))
        else:
            columns[name] = rest[name].array
    return pd.DataFrame(columns, index=rest.index, copy=False)


def _write_observations(folder: Path, table: pa.Table, observations: pd.DataFrame) -> None:
    """The observations (``table``, as :func:`_coded` made it) as one Parquet file per
    year (the camera's local year), so that a selection of years reads only its own
    files. ``_row`` keeps the file's order."""
    shutil.rmtree(folder, ignore_errors=True)  # no year of an older version may linger
    table = table.append_column("_row", pa.array(np.arange(len(table), dtype=np.int64)))
    years = local_year(observations["eventStart"], camera_offset(observations)).to_numpy(
        dtype=np.int64, na_value=0)
    for year in np.unique(years) if len(years) else [0]:
        part = folder / f"year={int(year)}"
        part.mkdir(parents=True)
        pq.write_table(table.filter(pa.array(years == year)) if len(years) else table,
                       part / "part-0.parquet")


#: Deployments are written once more, a file per year they overlap, when their years span
#: at most this many (a long-running camera is in each of its years' files).
_MOST_DEPLOYMENT_YEARS = 60

#: A cache file of fewer rows is read on the calling thread (see _parquet).
_READ_THREADED_FROM = 5_000


def _write_deployment_years(folder: Path, table: pa.Table, deployments: pd.DataFrame
                            ) -> dict:
    """The deployments (``table``, as cached) once more in a file per calendar year they
    overlap, so that a selection of years reads its own deployments only (at 100x the
    demo a year holds an eighth of them). ``_row`` keeps the file's order. Returns the
    number of deployments and each year's (no year written: a span of over
    :data:`_MOST_DEPLOYMENT_YEARS` years, or no dated deployments)."""
    shutil.rmtree(folder, ignore_errors=True)
    written = {"rows": len(table), "years": {}}
    start, end = (years.to_numpy(dtype=np.int64, na_value=np.iinfo(np.int64).min)
                  for years in _active_years(deployments))
    dated = start != np.iinfo(np.int64).min
    dated &= end != np.iinfo(np.int64).min
    if not dated.any():
        return written
    first, last = int(start[dated].min()), int(end[dated].max())
    if last - first >= _MOST_DEPLOYMENT_YEARS:
        return written
    table = table.append_column("_row", pa.array(np.arange(len(table), dtype=np.int64)))

    def write(year: int) -> int:
        rows = np.flatnonzero(dated & (start <= year) & (end >= year))
        part = folder / f"year={year}"
        part.mkdir(parents=True)
        pq.write_table(table.take(pa.array(rows)), part / "part-0.parquet")
        return len(rows)

    # two years at a time: Arrow's selecting and writing let go of the interpreter, and
    # at 100x the demo the twelve years took 2.2 s one after the other, 1.0 s two by two
    with ThreadPoolExecutor(2) as pool:
        years = range(first, last + 1)
        written["years"] = {str(y): n for y, n in zip(years, pool.map(write, years),
                                                       strict=True)}
    return written


def _deployments_of_years(folder: Path, written: dict, years: tuple[int, int]
                          ) -> pa.Table | None:
    """The cached deployments overlapping ``years``, in the file's order (``_row``: their
    row in it), read from the years' own files; None where reading the whole table is
    quicker (a span of most years) or no year was written."""
    counts = written["years"]
    chosen = [y for y in range(years[0], years[1] + 1) if str(y) in counts]
    if not chosen or sum(counts[str(y)] for y in chosen) > written["rows"] / 2:
        return None
    table = pa.concat_tables(_parquet(folder / f"year={y}" / "part-0.parquet")
                             for y in chosen)
    if len(chosen) > 1:  # a camera working in two of the years is in both files
        _, first = np.unique(table.column("_row").to_numpy(), return_index=True)
        table = table.take(pa.array(first))
    return table


def _read_observations(folder: Path, categories: dict,
                       years: tuple[int, int] | None = None
                       ) -> tuple[pd.DataFrame, np.ndarray]:
    """The observations of the cache, of ``years`` only if given (their files alone are
    read), in the order of the package's file, and the row of each one's deployment in
    the whole deployments table."""
    if years is None:
        return _deployment_apart(_parquet(folder.with_suffix(".parquet")), categories)
    parts = ds.dataset(folder, format="parquet", partitioning="hive")
    where = (ds.field("year") >= years[0]) & (ds.field("year") <= years[1])
    table = parts.to_table(filter=where)
    order = table.column("_row").to_numpy()
    if len(order) and (np.diff(order) < 0).any():
        table = table.take(pa.array(np.argsort(order, kind="stable")))
    # the schema's pandas metadata (time zones, nullable integers) is that of each file
    table = table.drop_columns(["_row", "year"]).replace_schema_metadata(
        parts.schema.metadata)
    return _deployment_apart(table, categories)


def _deployment_apart(table: pa.Table, categories: dict) -> tuple[pd.DataFrame, np.ndarray]:
    rows = table.column("_deployment").to_numpy()
    return _decoded(table.drop_columns("_deployment"), categories), rows


def _stations(folder: Path, meta: dict, years: tuple[int, int] | None = None
              ) -> gpd.GeoDataFrame:
    """The cached deployments (those overlapping ``years`` if given, from their years'
    files where that reads less) with their points (made once per place)."""
    table = None if years is None else _deployments_of_years(
        folder / "deployments", meta["deployment_years"], years)
    if table is None:
        table = _parquet(folder / "deployments.parquet")
        rows = None
    else:  # each keeps its row label, as a selection of the whole table does
        rows = pd.Index(table.column("_row").to_numpy())
        table = table.drop_columns("_row")
    place = table.column("_place").to_numpy()
    lon, lat = (np.asarray(v, dtype=float) for v in meta["places"])
    deployments = pandas_frame(table.drop_columns("_place"))
    if rows is not None:
        deployments.index = rows
    return _stations_of(deployments, None, (place, lon, lat))


def _read(folder: Path, package: Path, boundaries: Boundaries,
          years: tuple[int, int] | None = None, package_bytes: int = _SMALL) -> Survey:
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    # (no cycle collection meanwhile, and a small package on one thread: see
    # landmap.io.camtrapdp, whose validating load does the same)
    with _pool_for(package_bytes) as pool, _no_cycle_collection():
        # the stations' points and the problem rows are made on a second thread while the
        # observations are read here (Arrow's reading lets go of the interpreter): one
        # after the other they added half the read's time at 100x the demo
        stations = pool.submit(_stations, folder, meta, years)
        problems = pool.submit(lambda: _problems(_parquet(folder / "problems.parquet")))
        observations, rows = _read_observations(folder / "observations", meta["categories"],
                                                years)
        deployments = stations.result()
        if not _positional(deployments.index):  # some years' deployments, by their rows
            rows = _renumbered(rows, deployments.index.to_numpy(),
                               meta["deployment_years"]["rows"])
        survey = Survey(
            deployments=deployments,
            observations=observations,
            individuals=_frame(folder / "individuals.parquet"),
            metadata=meta["metadata"],
            boundaries=boundaries,
            source=str(package),
            observation_level=meta["observation_level"],
            kept=Kept(observations=_frame(folder / "kept_observations.parquet"),
                      media=_frame(folder / "media.parquet"),
                      files={path: (folder / "files" / i).read_bytes()
                             for i, path in meta["files"].items()}),
            problems=problems.result(),
        )
        return _know_deployment_rows(survey, rows)


def _frame(path: Path) -> pd.DataFrame:
    """A cached table as it was written (pandas' own reader adds a millisecond or two of
    looking up file systems per file)."""
    return pandas_frame(_parquet(path))


def _parquet(path: Path) -> pa.Table:
    """One Parquet file read whole, as ``pq.read_table`` reads it (the same table, schema
    and pandas metadata) without its dataset layer: a millisecond less a file, a fifth
    of a cached load of the demo's six files. A file of a few thousand rows is read on
    this thread (Arrow's threads cost more to start than they save: the demo's media
    0.8 ms without them, 1.0 ms with; its deployments 2.9 ms with, 4.0 ms without)."""
    with pq.ParquetFile(path) as file:
        return file.read(use_threads=file.metadata.num_rows >= _READ_THREADED_FROM)


def _problems(table: pa.Table) -> list[Problem]:
    """The problem rows of the cache. A package may have a problem per row, most with one
    of a few messages: each distinct message is rebuilt once and shared (a Text is
    immutable), and each problem is made from its values in place (no record per row)."""
    values = [table.column(c).to_pylist() for c in [*PROBLEM_COLUMNS, "texts"]]
    # the fields each distinct texts entry replaces, by position, with their Texts
    rebuilt: dict[str | None, list] = {None: []}
    out = []
    for *fields, texts in zip(*values, strict=True):
        if texts not in rebuilt:
            rebuilt[texts] = [(PROBLEM_COLUMNS.index(k), text_from_data(v))
                              for k, v in json.loads(texts).items()]
        for i, text in rebuilt[texts]:
            fields[i] = text
        out.append(Problem(*fields))
    return out


def load_survey(package: str | Path, boundaries: Boundaries | None = None,
                cache: bool = True, *, years: tuple[int, int] | int | None = None,
                progress: Callable[[LoadStep], None] | None = None) -> Survey:
    """Read a Camtrap DP package, from the validated Parquet cache when it is current.

    Parameters
    ----------
    package : str or Path
        The package folder.
    boundaries : Boundaries, optional
        The bundled layers by default.
    cache : bool, default True
        False reads and validates the CSV files and leaves the cache alone.
    years : (int, int) or int, optional
        Only these years, as ``survey.filter(years=...)`` selects them; from a current
        cache only their observations are read (the cache keeps a file per year).
    progress : callable, optional
        Called with a :class:`~landmap.io.progress.LoadStep` while the CSV files are read
        and checked and the cache is written (a cache that is current loads at once).

    Returns
    -------
    Survey
        The same survey :func:`landmap.io.camtrapdp.read_camtrapdp` returns (filtered to
        ``years`` when given).

    Raises
    ------
    DataError
        As :func:`landmap.io.camtrapdp.read_camtrapdp`; a package that fails validation is
        never cached.

    Examples
    --------
    >>> import tempfile
    >>> from landmap.demo import DEMO_DIR
    >>> with tempfile.TemporaryDirectory() as d:
    ...     os.environ[CACHE_ENV] = d
    ...     first = load_survey(DEMO_DIR)   # validates the CSV files, writes the cache
    ...     again = load_survey(DEMO_DIR)   # reads the cache
    ...     del os.environ[CACHE_ENV]
    >>> again.observations["eventStart"].equals(first.observations["eventStart"])
    True
    """
    package = Path(package)
    boundaries = boundaries or load_boundaries()
    span = None if years is None else (years, years) if isinstance(years, int) else (
        int(years[0]), int(years[1]))

    def chosen(survey: Survey) -> Survey:
        return survey if span is None else survey.filter(years=span)

    if not cache or not package.is_dir():
        return chosen(read_camtrapdp(package, boundaries, progress=progress))
    folder = cache_dir(package)
    fingerprint = _fingerprint(package)
    stamp = folder / "fingerprint.json"
    if stamp.exists() and json.loads(stamp.read_text(encoding="utf-8")) == fingerprint:
        return chosen(_read(folder, package, boundaries, span,
                            sum(size for _, size, _ in fingerprint["files"])))
    started = time.perf_counter()
    # The cache is stale: drop its stamp first, so a package that now fails to load
    # cannot be served from it later.
    stamp.unlink(missing_ok=True)
    survey = read_camtrapdp(package, boundaries, progress=progress)
    if progress is not None:
        progress(LoadStep("caching", len(survey.observations), len(survey.observations),
                          0.0, time.perf_counter() - started))
    # A read-only home still gets the data, only more slowly next time; so does a table
    # Parquet cannot hold (a name twice in a file's header: the CSV reader keeps both).
    with contextlib.suppress(OSError, ValueError, pa.ArrowException):
        _write(folder, survey, fingerprint)
    return chosen(survey)


# ----------------------------------------------------------------------------- sources
class DataSource:
    """Where the dashboard's survey lives. ``version()`` changes whenever the data do, so
    cached results are keyed on it; ``load()`` returns the whole survey."""

    #: What the user is shown, and what identifies the source for caching.
    label: str = ""
    key: str = ""

    def version(self) -> str:
        raise NotImplementedError

    def load(self) -> Survey:
        raise NotImplementedError


class FileSource(DataSource):
    """A Camtrap DP folder (the default: the bundled demo), read through the cache."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.label = self.key = str(self.path)

    def version(self) -> str:
        files = [p for p in self.path.glob("*") if p.is_file()]
        return str(max((p.stat().st_mtime_ns for p in files), default=0))

    def load(self) -> Survey:
        return load_survey(self.path)


class PostgisSource(DataSource):
    """The current version in a PostgreSQL/PostGIS database (see :mod:`landmap.io.postgis`)."""

    def __init__(self, url: str):
        self.url = self.key = url
        self.label = Text("PostGIS database")

    def version(self) -> str:
        from landmap.io.postgis import current_version

        with self._reachable():
            return str(current_version(self.url))

    def load(self) -> Survey:
        from landmap.io.postgis import read_survey

        with self._reachable():
            return read_survey(self.url)

    @contextlib.contextmanager
    def _reachable(self):
        import psycopg

        try:
            yield
        except psycopg.Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise LookupError(Text("the database cannot be read ({error})", error=first)
                              ) from None


def configured_source(secrets: dict | None = None) -> DataSource:
    """The data source chosen by configuration, not code: a database when
    ``$LANDMAP_DATABASE_URL`` or ``[landmap.database] url`` (Streamlit secrets) is set,
    else the Camtrap DP folder in ``$LANDMAP_DATA``, else the bundled demo.

    Examples
    --------
    >>> configured_source({}).label.endswith("demo")
    True
    >>> configured_source({"landmap": {"database": {"url": "postgresql:///parks"}}}).label
    'PostGIS database'
    """
    from landmap.demo import DEMO_DIR
    from landmap.io.postgis import DATABASE_ENV

    section = ((secrets or {}).get("landmap") or {}).get("database") or {}
    url = os.environ.get(DATABASE_ENV) or section.get("url")
    if url:
        return PostgisSource(url)
    return FileSource(os.environ.get(DATA_ENV) or DEMO_DIR)

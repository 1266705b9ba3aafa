"""PostgreSQL with PostGIS as a data source, for a park that runs one shared dashboard.

A load writes a validated survey (deployments with point geometries, observations,
individuals, the boundary layers with their geometries, the package metadata and the
reader's problem report) as a new *version* of tables in the ``landmap`` schema, all in
one transaction: a load that fails half way leaves the database as it was. The version
becomes current only at commit, so dashboards keep reading the previous version while a
load runs (PostgreSQL's snapshots; no table they read is locked), and the version before
the current one is kept until the next load, for readers that started just before.

Reading gives back exactly the survey that was loaded (same columns, types and values),
so every page shows the same numbers whichever source holds the data.

Command line::

    python -m landmap.io.postgis load  PACKAGE  [--database URL]
    python -m landmap.io.postgis export FOLDER  [--database URL]

The database URL comes from ``--database``, ``$LANDMAP_DATABASE_URL`` or Streamlit's
secrets (``[landmap.database] url``).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landmap.boundaries import Boundaries, load_boundaries
from landmap.io.validate import problem_from_record, problem_record
from landmap.survey import Kept, Survey

__all__ = ["DATABASE_ENV", "current_version", "export_package", "load_survey_into",
           "read_survey"]

#: Environment variable naming the database (a libpq URL).
DATABASE_ENV = "LANDMAP_DATABASE_URL"
_TABLES = ("deployments", "observations", "individuals", "kept_observations", "media")
_LAYERS = ("countries", "border", "parks")


def connect(url: str):
    """A psycopg connection (imported here: files need no database driver)."""
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - psycopg is in requirements.txt
        raise RuntimeError("The PostGIS source needs psycopg: pip install "
                           "'psycopg[binary]'") from exc
    return psycopg.connect(url)


_SCHEMA = """
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE SCHEMA IF NOT EXISTS landmap;
CREATE TABLE IF NOT EXISTS landmap.versions (
    version integer PRIMARY KEY,
    loaded_at timestamptz NOT NULL DEFAULT now(),
    source text NOT NULL,
    observation_level text NOT NULL,
    metadata jsonb NOT NULL,
    problems jsonb NOT NULL,
    columns jsonb NOT NULL
);
CREATE TABLE IF NOT EXISTS landmap.current (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version integer NOT NULL REFERENCES landmap.versions(version)
);
"""


def _sql_type(dtype) -> str:
    if isinstance(dtype, pd.DatetimeTZDtype):
        return "timestamptz"
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "bigint"
    if pd.api.types.is_float_dtype(dtype):
        return "double precision"
    return "text"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _copy_frame(cur, table: str, frame: pd.DataFrame) -> None:
    """COPY a frame in CSV form; text columns never read as NULL (landmap keeps "")."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00").where(
                out[column].notna(), None)
        elif pd.api.types.is_bool_dtype(out[column].dtype):
            out[column] = out[column].map({True: "t", False: "f"})
    text = [c for c in frame.columns if _sql_type(frame[c].dtype) == "text"]
    names = ", ".join(_quote(c) for c in frame.columns)
    force = f", FORCE_NOT_NULL ({', '.join(_quote(c) for c in text)})" if text else ""
    data = out.to_csv(index=False, header=False, lineterminator="\n", na_rep="")
    with cur.copy(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv{force})") as copy:
        copy.write(data.encode("utf-8"))


def _create(cur, table: str, frame: pd.DataFrame, geometry: str | None = None) -> None:
    columns = [f"{_quote(c)} {_sql_type(frame[c].dtype)}" for c in frame.columns]
    if geometry:
        columns.append(f"geom geometry({geometry}, 4326)")
    cur.execute(f"CREATE TABLE {table} ({', '.join(columns)})")


def _plain_columns(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))


def load_survey_into(url: str, survey: Survey, fail_after: str | None = None) -> int:
    """Write a survey as the database's new current version; returns its number.

    Everything happens in one transaction. ``fail_after`` (a table name) makes the load
    fail on purpose after writing that table, for tests of the rollback.
    """
    with connect(url) as conn, conn.cursor() as cur:
        cur.execute(_SCHEMA)
        cur.execute("SELECT coalesce(max(version), 0) + 1 FROM landmap.versions")
        version = cur.fetchone()[0]
        frames = {"deployments": survey.deployments, "observations": survey.observations,
                  "individuals": survey.individuals,
                  "kept_observations": survey.kept.observations, "media": survey.kept.media}
        columns = {}
        for name, frame in frames.items():
            table = f"landmap.{name}_v{version}"
            plain = _plain_columns(frame)
            _create(cur, table, plain, "Point" if name == "deployments" else None)
            if len(plain.columns):
                _copy_frame(cur, table, plain)
            columns[name] = {c: str(frame[c].dtype) for c in plain.columns}
            columns[f"order:{name}"] = list(frame.columns)
            if name == "deployments":
                cur.execute(f"UPDATE {table} SET geom = ST_SetSRID(ST_MakePoint(longitude, "
                            f"latitude), 4326)")
                cur.execute(f"CREATE INDEX ON {table} USING gist (geom)")
                cur.execute(f'CREATE INDEX ON {table} ("deploymentID")')
            if name == "observations":
                cur.execute(f'CREATE INDEX ON {table} ("eventStart")')
                cur.execute(f'CREATE INDEX ON {table} ("individualID")')
            if fail_after == name:
                raise RuntimeError(f"load stopped on purpose after {name}")
        layers = []
        for layer in _LAYERS:
            frame = getattr(survey.boundaries, layer)
            props = frame.drop(columns="geometry")
            wkb = shapely.to_wkb(shapely.set_srid(frame.geometry.to_numpy(), 4326), hex=True,
                                 include_srid=True)
            layers += [(layer, json.dumps(_json_row(row)), hexwkb)
                       for row, hexwkb in zip(props.to_dict("records"), wkb, strict=True)]
            columns[f"layer:{layer}"] = list(props.columns)
        cur.execute(f"CREATE TABLE landmap.boundaries_v{version} (layer text, position "
                    "serial, properties jsonb, geom geometry(Geometry, 4326))")
        with cur.copy(f"COPY landmap.boundaries_v{version} (layer, properties, geom) "
                      "FROM STDIN") as copy:
            for row in layers:
                copy.write_row(row)
        cur.execute(f"CREATE INDEX ON landmap.boundaries_v{version} USING gist (geom)")
        cur.execute(f"CREATE TABLE landmap.files_v{version} (path text PRIMARY KEY, "
                    "content bytea NOT NULL)")
        for path, content in survey.kept.files.items():
            cur.execute(f"INSERT INTO landmap.files_v{version} VALUES (%s, %s)",
                        (path, content))
        cur.execute(
            "INSERT INTO landmap.versions (version, source, observation_level, metadata, "
            "problems, columns) VALUES (%s, %s, %s, %s, %s, %s)",
            (version, survey.source, survey.observation_level, json.dumps(survey.metadata),
             json.dumps([problem_record(p) for p in survey.problems]), json.dumps(columns)))
        cur.execute("INSERT INTO landmap.current (version) VALUES (%s) ON CONFLICT (only_row) "
                    "DO UPDATE SET version = excluded.version", (version,))
        for old in _old_versions(cur, version):
            for name in (*_TABLES, "boundaries", "files"):
                cur.execute(f"DROP TABLE IF EXISTS landmap.{name}_v{old}")
            cur.execute("DELETE FROM landmap.versions WHERE version = %s", (old,))
    return version


def _json_row(row: dict) -> dict:
    return {k: (None if (isinstance(v, float) and np.isnan(v)) else
                v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}


def _old_versions(cur, current: int) -> list[int]:
    cur.execute("SELECT version FROM landmap.versions WHERE version < %s", (current - 1,))
    return [row[0] for row in cur.fetchall()]


def current_version(url: str) -> tuple[int, str] | None:
    """(version, load time) of the current data, or ``None`` for an empty database."""
    with connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT to_regclass('landmap.current')")
        if cur.fetchone()[0] is None:
            return None
        cur.execute("SELECT c.version, v.loaded_at::text FROM landmap.current c "
                    "JOIN landmap.versions v USING (version)")
        row = cur.fetchone()
        return (row[0], row[1]) if row else None


def _read_table(cur, sql: str, dtypes: dict[str, str], params=()) -> pd.DataFrame:
    buffer = io.BytesIO()
    if params:  # COPY takes no parameters: bind them on the client, safely quoted
        import psycopg

        query = psycopg.ClientCursor(cur.connection).mogrify(sql, params)
    else:
        query = sql
    with cur.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
        for chunk in copy:
            buffer.write(chunk)
    buffer.seek(0)
    frame = pd.read_csv(buffer, dtype=str, keep_default_na=False)
    for column, dtype in dtypes.items():
        values = frame[column]
        if dtype.startswith("datetime64"):
            frame[column] = pd.to_datetime(values.replace("", None), utc=True,
                                           format="ISO8601").astype(dtype)
        elif dtype == "bool":
            frame[column] = values.eq("t")
        elif dtype in ("int64", "Int64", "float64"):
            frame[column] = pd.to_numeric(values.replace("", None)).astype(dtype)
        else:
            frame[column] = values.astype(dtype)
    return frame


def read_survey(url: str, years: tuple[int, int] | None = None,
                individuals: list[str] | None = None) -> Survey:
    """The current survey from the database, optionally filtered in the database.

    With ``years`` or ``individuals`` the database returns only the rows that can
    belong to them (a day's margin for local time), and :meth:`Survey.filter` then makes
    the exact cut, so the result equals ``read_survey(url).filter(...)``.

    Raises
    ------
    LookupError
        If nothing has been loaded into the database yet.
    """
    with connect(url) as conn:
        conn.read_only = True
        with conn.transaction(), conn.cursor() as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cur.execute("SELECT to_regclass('landmap.current')")
            if cur.fetchone()[0] is None:
                raise LookupError("the database holds no landmap data yet: load a package "
                                  "with python -m landmap.io.postgis load PACKAGE")
            cur.execute("SELECT v.version, v.source, v.observation_level, v.metadata, "
                        "v.problems, v.columns FROM landmap.current c JOIN landmap.versions "
                        "v USING (version)")
            version, source, level, metadata, problems, columns = cur.fetchone()
            where_dep, where_obs, params_dep, params_obs = _filters(
                years, individuals, f"landmap.observations_v{version}")
            deployments = _read_table(
                cur, f"SELECT * FROM landmap.deployments_v{version} {where_dep}",
                {**columns["deployments"], "geom": "str"}, params_dep)
            observations = _read_table(
                cur, f"SELECT * FROM landmap.observations_v{version} {where_obs}",
                columns["observations"], params_obs)
            individuals_frame = _read_table(
                cur, f"SELECT * FROM landmap.individuals_v{version}", columns["individuals"])
            boundaries = _read_boundaries(cur, version, columns)
            kept = _read_kept(cur, version, columns)
    geometry = shapely.from_wkb(deployments.pop("geom").to_numpy())
    deployments = gpd.GeoDataFrame(deployments, geometry=geometry, crs="EPSG:4326")[
        columns["order:deployments"]]
    survey = Survey(deployments=deployments, observations=observations,
                    individuals=individuals_frame, metadata=metadata, boundaries=boundaries,
                    source=f"{source} (PostGIS, version {version})", observation_level=level,
                    problems=[problem_from_record(p) for p in problems], kept=kept)
    if years is None and individuals is None:
        return survey
    return survey.filter(years=years, individuals=individuals)


def _read_kept(cur, version: int, columns: dict) -> Kept:
    """The kept tables and files (a database loaded before they were kept has none)."""
    cur.execute("SELECT to_regclass(%s)", (f"landmap.files_v{version}",))
    if cur.fetchone()[0] is None:
        return Kept()
    tables = {name: (_read_table(cur, f"SELECT * FROM landmap.{name}_v{version}",
                                 columns[name]) if columns.get(name) else pd.DataFrame())
              for name in ("kept_observations", "media")}
    cur.execute(f"SELECT path, content FROM landmap.files_v{version}")
    return Kept(observations=tables["kept_observations"], media=tables["media"],
                files={path: bytes(content) for path, content in cur.fetchall()})


def _filters(years, individuals, observations: str):
    dep, obs, p_dep, p_obs = [], [], [], []
    if years is not None:
        # A day's margin: the exact cut is by each camera's local calendar year.
        start = pd.Timestamp(year=int(years[0]), month=1, day=1, tz="UTC") - pd.Timedelta("1D")
        end = pd.Timestamp(year=int(years[1]) + 1, month=1, day=1, tz="UTC") + pd.Timedelta(
            "1D")
        dep.append('"deploymentEnd" >= %s AND "deploymentStart" < %s')
        p_dep += [start, end]
        obs.append('"eventStart" >= %s AND "eventStart" < %s')
        p_obs += [start, end]
    if individuals:
        # their unidentified cubs ride in their events, as Survey.filter keeps them
        obs.append(f'("individualID" = ANY(%s) OR ("individualID" = \'\' AND "lifeStage" = '
                   f'\'juvenile\' AND "eventID" IN (SELECT "eventID" FROM {observations} '
                   f'WHERE "individualID" = ANY(%s) AND "eventID" <> \'\')))')
        p_obs += [list(individuals), list(individuals)]
    return (("WHERE " + " AND ".join(dep)) if dep else "",
            ("WHERE " + " AND ".join(obs)) if obs else "", p_dep, p_obs)


def _read_boundaries(cur, version: int, columns: dict) -> Boundaries:
    cur.execute(f"SELECT layer, properties, encode(ST_AsBinary(geom), 'hex') FROM "
                f"landmap.boundaries_v{version} ORDER BY position")
    rows = cur.fetchall()
    layers = {}
    for layer in _LAYERS:
        mine = [r for r in rows if r[0] == layer]
        props = pd.DataFrame([r[1] for r in mine], columns=columns[f"layer:{layer}"])
        geoms = shapely.from_wkb([r[2] for r in mine])
        layers[layer] = gpd.GeoDataFrame(props, geometry=geoms, crs="EPSG:4326")
    if not any(len(f) for f in layers.values()):
        return load_boundaries()
    return Boundaries(**layers)


def export_package(url: str, folder: str | Path) -> Path:
    """Write the current survey back as a Camtrap DP package folder."""
    import zipfile

    from landmap.io.exports import camtrapdp_zip

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(camtrapdp_zip(read_survey(url)))) as archive:
        archive.extractall(folder)
    return folder / "datapackage.json"


def database_url(secrets: dict | None = None) -> str | None:
    """The configured database: ``$LANDMAP_DATABASE_URL`` or ``[landmap.database] url``."""
    if os.environ.get(DATABASE_ENV):
        return os.environ[DATABASE_ENV]
    section = ((secrets or {}).get("landmap") or {}).get("database") or {}
    return section.get("url")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="landmap postgis",
                                     description="Load a Camtrap DP package into PostGIS "
                                                 "or export the current one.")
    parser.add_argument("command", choices=["load", "export"])
    parser.add_argument("path", help="package folder or zip (load), folder (export)")
    parser.add_argument("--database", help=f"libpq URL (default ${DATABASE_ENV})")
    args = parser.parse_args(argv)
    url = args.database or database_url()
    if not url:
        parser.error(f"no database: give --database or set {DATABASE_ENV}")
    if args.command == "load":
        from landmap.io.intake import open_package
        from landmap.io.validate import DataError

        try:
            survey = open_package(args.path)
        except DataError as error:
            print(error, file=sys.stderr)
            return 1
        version = load_survey_into(url, survey)
        print(f"loaded {args.path}: version {version}, {len(survey.deployments):,} "
              f"deployments, {len(survey.observations):,} observations")
    else:
        print(f"wrote {export_package(url, args.path)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

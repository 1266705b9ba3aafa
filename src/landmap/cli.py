"""The ``landmap`` command: the dashboard, reports and exports from a terminal.

    landmap serve [streamlit options]          start the dashboard (as tasks.py start)
    landmap summary PACKAGE [--year Y ...] [--format table|json|csv]
    landmap export PACKAGE --what ranges|effort|crossings|camtrapdp|species|occupancy|history|
                   secr|path|operation|briefing|years
                   --output FILE
    landmap activity PACKAGE --species A [--species B] [--year Y] [--time clock|sun]
    landmap density PACKAGE [--year Y] [--model null|sex|both] [--likelihood full|conditional]
    landmap demo [--out DIR]                   rewrite the simulated demo package
    landmap bench [--scales 1 10 ...]          the benchmark table
    landmap postgis load|export PATH           the PostGIS team database

``python -m landmap`` is the same command. Mistakes (a missing or invalid package, an
unknown year or individual, a format the output cannot take) print one message and exit
with status 2 (usage) or 1 (the data); a traceback is never the answer.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

__all__ = ["DEBUG_ENV", "EXPORTS", "main"]

#: Set to show the traceback of an unexpected failure instead of its one-line summary.
DEBUG_ENV = "LANDMAP_DEBUG"

#: What ``landmap export`` writes, and the formats each can take (the first is the default).
EXPORTS = {
    "ranges": ("geojson", "gpkg", "csv"),
    "effort": ("geojson", "gpkg", "csv"),
    "gaps": ("geojson", "gpkg", "csv"),
    "crossings": ("csv", "json"),
    "camtrapdp": ("zip",),
    "species": ("csv",),
    "occupancy": ("csv", "json"),
    "history": ("csv",),
    "secr": ("zip",),
    "path": ("geojson", "gpkg", "csv"),
    "operation": ("csv",),
    "briefing": ("pdf",),
    "years": ("gif", "html"),
}
_SUFFIX_FORMAT = {".geojson": "geojson", ".json": "json", ".gpkg": "gpkg", ".csv": "csv",
                  ".zip": "zip", ".pdf": "pdf", ".gif": "gif",
                  ".html": "html"}


class UsageError(Exception):
    """A mistake in how the command was called: one line for the user, exit status 2."""


class DataProblem(Exception):
    """Data that cannot be used: the message lists why, exit status 1."""


# ----------------------------------------------------------------------------- helpers
def _years(values: list[str] | None) -> tuple[int, int] | None:
    """``--year 2021``, ``--year 2017-2019`` or several ``--year`` giving one span."""
    if not values:
        return None
    years: list[int] = []
    for value in values:
        first, _, last = value.partition("-")
        try:
            span = range(int(first), int(last or first) + 1)
        except ValueError:
            raise UsageError(f"--year {value!r}: give a year (2021) or a span (2017-2019)."
                             ) from None
        if not span:
            raise UsageError(f"--year {value!r}: the first year comes after the last.")
        years.extend(span)
    ordered = sorted(set(years))
    if ordered != list(range(ordered[0], ordered[-1] + 1)):
        raise UsageError(f"--year {' '.join(values)}: the years must form one span "
                         f"(landmap selects consecutive years); give {ordered[0]}-{ordered[-1]}.")
    return ordered[0], ordered[-1]


def _load(package: str):
    """The survey of a package folder (through the Parquet cache) or zip file. A load
    that takes more than two seconds says on stderr how far it is (stdout stays the
    command's output)."""
    from landmap.io.progress import ProgressBar
    from landmap.io.validate import DataError

    progress = ProgressBar(lambda share, line: print(f"{share:4.0%} {line}", file=sys.stderr),
                           every=1.0)

    path = Path(package)
    if not path.exists():
        raise UsageError(f"{package}: no such file or folder (give a Camtrap DP package "
                         "folder, its datapackage.json or a zip file).")
    try:
        if path.is_dir():
            from landmap.io.sources import load_survey

            return load_survey(path, progress=progress)
        from landmap.io.intake import open_package

        return open_package(path, progress=progress)
    except DataError as error:
        raise DataProblem(f"{package} cannot be loaded: {error}") from None


def _select(survey, years, individuals):
    """The selection, with unknown years and IDs named the way the Data page names them."""
    first, last = survey.year_span
    if years and not (first <= years[0] and years[1] <= last):
        asked = str(years[0]) if years[0] == years[1] else f"{years[0]}-{years[1]}"
        raise UsageError(f"--year {asked}: the survey covers {first}-{last}.")
    known = set(survey.leopard_ids())
    unknown = [i for i in individuals or [] if i not in known]
    if unknown:
        sample = ", ".join(survey.leopard_ids()[:3])
        raise UsageError(f"--individual: {', '.join(repr(u) for u in unknown)} not in this "
                         f"survey (it has {sample} ...).")
    return years, individuals or None


def _precision(value: str):
    from landmap.privacy import Precision

    try:
        return Precision.parse("exact" if value in ("exact", "0") else value)
    except ValueError:
        raise UsageError(f"--protect {value!r}: use 1, 5 or 10 (km) or exact.") from None


def _format(what: str, fmt: str | None, output: Path) -> str:
    allowed = EXPORTS[what]
    fmt = fmt or _SUFFIX_FORMAT.get(output.suffix.lower(), allowed[0])
    if fmt not in allowed:
        raise UsageError(f"--what {what} cannot be written as {fmt}; use "
                         f"{' or '.join(allowed)}.")
    return fmt


# ----------------------------------------------------------------------------- commands
def _summary(args) -> int:
    from landmap.summary import summarise

    survey = _load(args.package)
    years, individuals = _select(survey, _years(args.year), args.individual)
    result = summarise(survey, years=years, individuals=individuals, effort=args.effort)
    covered = _park_coverage(survey.filter(years=result.years))
    if args.format == "json":
        print(json.dumps(result.to_dict() | {"park_coverage": covered}, ensure_ascii=False,
                         indent=2))
    elif args.format == "csv":
        sys.stdout.write(result.yearly.to_csv(index=False, lineterminator="\n"))
    else:
        h = result.headline
        first, last = result.years
        span = str(first) if first == last else f"{first}–{last}"
        print(f"{result.title}, {span}")
        print(f"camera stations {h.stations:,} · trap-nights {h.trap_nights:,.0f} "
              f"({h.effort_unit}) · leopard detections {h.detections:,} · individuals "
              f"{h.individuals:,} (minimum count)")
        print(f"park within {covered['distance_km']:g} km of a camera "
              f"{covered['share']:.1%} · park cells of {covered['cell_km']:g} km with no "
              f"camera {covered['cells_without_camera']:,}\n" if covered["measured"] else
              f"park coverage: {covered['reason']}\n")
        shown = result.yearly[["year", "stations", "trap_nights", "individuals", "adults",
                               "cubs", "females_with_cubs", "new_individuals", "males",
                               "females", "russia_only", "china_only", "both"]]
        print(shown.round({"trap_nights": 0}).to_string(index=False))
    return 0


def _park_coverage(selection, distance_km: float = 3.0, cell_km: float = 5.0) -> dict:
    """The Trap density page's two park figures, for ``summary``: plain JSON types."""
    from landmap.effort import coverage, coverage_gaps

    park_id = "land-of-the-leopard"
    out = {"park_id": park_id, "distance_km": distance_km, "cell_km": cell_km}
    try:
        covered = coverage(selection, distance_km=distance_km, park_id=park_id)
        gaps = coverage_gaps(selection, cell_km=cell_km, park_id=park_id)
    except ValueError as error:  # no station near the park
        return out | {"measured": False, "reason": str(error)}
    return out | {"measured": True, "park_km2": round(covered["park_km2"], 1),
                  "covered_km2": round(covered["covered_km2"], 1),
                  "share": round(covered["share"], 4), "stations": covered["stations"],
                  "cells_without_camera": len(gaps),
                  "gap_km2": round(float(gaps["area_km2"].sum()), 1)}


def _media(args) -> int:
    import pandas as pd

    from landmap.io.images import thumbnails
    from landmap.media import file_problems, media_counts, media_table, photos_of, viewable

    survey = _load(args.package)
    years, individuals = _select(survey, _years(args.year), args.individual)
    precision = _precision(args.protect)
    selection = survey.filter(years=years, individuals=individuals)
    table = media_table(survey)
    # generalised output follows a viewer's rules: public pictures of no person, no
    # remote address, no station name
    seen = table if precision.exact else viewable(table, "viewer")
    shown = photos_of(selection, individuals[0] if individuals and len(individuals) == 1
                      else None, table=seen)
    shown = shown[shown["deploymentID"].isin(selection.deployments["deploymentID"])]
    if years is not None:
        shown = shown[shown["year"].between(*years)]
    files = pd.DataFrame({
        "mediaID": shown["mediaID"], "kind": shown["kind"], "subject": shown["subject"],
        "local_time": shown["local_time"].dt.strftime("%Y-%m-%dT%H:%M:%S"),
        "station": shown["locationID"] if precision.exact else None,
        "country": shown["country"], "favorite": shown["favorite"],
        "public": shown["public"], "remote": shown["remote"],
        "filePath": shown["filePath"] if precision.exact else None})
    if not precision.exact:
        files = files.drop(columns=["station", "filePath"])
    if args.thumbnails:
        target = Path(args.thumbnails)
        target.mkdir(parents=True, exist_ok=True)
        local = shown[shown["file"].notna() & (shown["kind"] == "image")]
        made = thumbnails(local["file"].tolist(), args.size)
        written = 0
        for media_id, picture in zip(local["mediaID"], made, strict=True):
            if isinstance(picture, bytes):
                (target / f"{media_id}.jpg").write_bytes(picture)
                written += 1
        print(f"wrote {written} pictures without metadata to {target}", file=sys.stderr)
    problems = file_problems(table) if precision.exact else file_problems(table.iloc[0:0])
    problems = problems.assign(reason=problems["reason"].map(str))
    if args.format == "json":
        print(json.dumps({"counts": media_counts(shown).to_dict("records"),
                          "files": files.to_dict("records"),
                          "problems": problems.to_dict("records")},
                         ensure_ascii=False, indent=2))
    elif args.format == "csv":
        sys.stdout.write(files.to_csv(index=False, lineterminator="\n"))
    else:
        print(media_counts(shown).to_string(index=False))
        print()
        print(files.head(50).to_string(index=False) if len(files) else "no files")
        if len(files) > 50:
            print(f"… {len(files) - 50:,} more (--format csv lists them all)")
        if len(problems):
            print()
            print(problems.to_string(index=False))
    return 0


def _activity(args) -> int:
    from landmap.activity import MIN_DETECTIONS, activity_times, overlap_interval

    survey = _load(args.package)
    years, _ = _select(survey, _years(args.year), None)
    selection = survey.filter(years=years)
    if not 1 <= len(args.species) <= 2:
        raise UsageError("--species: give one species (its activity) or two (their overlap).")
    known = set(selection.observations["scientificName"]) | {"human", "vehicle"}
    unknown = [s for s in args.species if s not in known]
    if unknown:
        raise UsageError(f"--species {unknown[0]!r}: not photographed in the selection.")
    threshold = f"{args.interval}min"
    times = [activity_times(selection, s, args.time, threshold) for s in args.species]
    result = {"years": list(selection.year_span), "time": args.time,
              "independence_minutes": args.interval,
              "species": [{"species": s, "n": len(t)} for s, t in
                          zip(args.species, times, strict=True)]}
    for entry, t in zip(result["species"], times, strict=True):
        clock = t["clock"]
        entry["night_share"] = (float(((clock < t["sunrise"]) | (clock >= t["sunset"])).mean())
                                if len(t) else None)
    if len(times) == 2:
        small = [e["species"] for e, t in zip(result["species"], times, strict=True)
                 if len(t) < MIN_DETECTIONS]
        if small:
            raise DataProblem(f"{small[0]}: fewer than {MIN_DETECTIONS} independent "
                              "detections in the selection; no overlap is estimated.")
        found = overlap_interval(times[0]["radians"], times[1]["radians"],
                                 resamples=args.resamples, seed=args.seed)
        result["overlap"] = found.as_dict()
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    first, last = result["years"]
    print(f"activity ({args.time} time), {first}-{last}, independent detections "
          f"{args.interval} min apart")
    for entry in result["species"]:
        night = ("" if entry["night_share"] is None
                 else f", {entry['night_share']:.0%} between sunset and sunrise")
        print(f"  {entry['species']}: n = {entry['n']:,}{night}")
    if "overlap" in result:
        o = result["overlap"]
        print(f"overlap {o['estimator']} = {o['estimate']:.3f} (95 % interval "
              f"{o['lower']:.3f}-{o['upper']:.3f}, smoothed bootstrap, {o['resamples']} "
              "resamples)")
    return 0


def _secr_files(args) -> int:
    from landmap.density import fit_secr, make_mask, read_secr_text

    for name in (args.traps, args.captures):
        if not Path(name).is_file():
            raise UsageError(f"{name}: no such file.")
    try:
        data = read_secr_text(args.traps, args.captures, kind=args.detector)
        fit = fit_secr(data, make_mask(data.detectors, args.buffer), args.likelihood)
    except (ValueError, KeyError, IndexError) as error:
        raise DataProblem(f"{args.traps} + {args.captures}: {error}") from None
    result = fit.as_dict(buffer_m=args.buffer)
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2, default=float))
    else:
        print(fit.table.to_string(index=False))
    return 0


def _density(args) -> int:
    from landmap.density import (
        animals_in_areas,
        capture_data,
        estimate_density,
        habitat,
        survey_areas,
    )

    if args.traps or args.captures:
        if not (args.traps and args.captures):
            raise UsageError("--traps and --captures go together (secr's text formats).")
        return _secr_files(args)
    if not args.package:
        raise UsageError("give a PACKAGE, or --traps and --captures.")
    survey = _load(args.package)
    years, _ = _select(survey, _years(args.year), None)
    selection = survey.filter(years=years) if years else survey
    first, last = selection.year_span
    months = None
    if args.months:
        try:
            months = tuple(int(m) for m in args.months.split("-"))
        except ValueError:
            months = ()
        if len(months) != 2 or not all(1 <= m <= 12 for m in months):
            raise UsageError(f"--months {args.months!r}: give first-last month, e.g. 11-4.")
    models = ["null", "sex"] if args.model == "both" else [args.model]
    result = {"likelihood": args.likelihood, "months": list(months) if months else None,
              "years": []}
    for year in range(first, last + 1):
        one = selection.filter(years=year)
        entry = {"year": year, "estimates": []}
        try:
            captures = capture_data(one, months=months)
        except ValueError as error:
            entry["notes"] = [str(error)]
            result["years"].append(entry)
            continue
        for model in models:
            try:
                found = estimate_density(captures, habitat(one), model, args.likelihood,
                                         label=str(year))
            except ValueError as error:
                entry["estimates"].append({"model": model, "notes": [str(error)]})
                continue
            areas = animals_in_areas(found, survey_areas(one))
            entry["estimates"].append(found.as_dict() | {
                "areas": areas.round(4).to_dict("records")})
        result["years"].append(entry)
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2, default=float))
        return 0
    print(f"SECR density ({args.likelihood} likelihood), identified adults, per 100 km2")
    for entry in result["years"]:
        for e in entry["estimates"] or [{"model": "-", "notes": entry.get("notes", [])}]:
            if "D_per_100km2" not in e:
                print(f"  {entry['year']} {e['model']}: {'; '.join(e['notes'])}")
                continue
            print(f"  {entry['year']} {e['model']:<4} D = {e['D_per_100km2']:.2f} "
                  f"(95 % {e['lcl']:.2f}-{e['ucl']:.2f}), n = {e['n_animals']}, "
                  f"AIC {e['aic']:.1f}" + "".join(f"; {n}" for n in e["notes"]))
    return 0


def _export(args) -> int:
    output = Path(args.output)
    fmt = _format(args.what, args.format, output)
    precision = _precision(args.protect)
    survey = _load(args.package)
    years, individuals = _select(survey, _years(args.year), args.individual)
    if args.interval < 0:
        raise UsageError(f"--interval {args.interval}: give minutes, 0 or more.")
    if (args.what in ("effort", "gaps") and not precision.exact
            and args.cell_km < precision.cell_km):
        raise UsageError(f"--cell-km {args.cell_km:g} is finer than the location precision "
                         f"({precision.cell_km} km); use --cell-km {precision.cell_km} or more.")
    selection = survey.filter(years=years, individuals=individuals)
    args.every_year = survey.filter(individuals=individuals)  # "new" counts, trends
    data = _EXPORTERS[args.what](selection, precision, fmt, args)
    if not output.parent.is_dir():
        raise UsageError(f"--output {output}: the folder {output.parent} does not exist.")
    output.write_bytes(data)
    print(f"wrote {output} ({args.what}, {fmt}, {precision.label})", file=sys.stderr)
    return 0


def _ranges(selection, precision, fmt, args) -> bytes:
    from landmap.home_range import home_ranges

    ranges = home_ranges(selection, threshold=f"{args.interval}min")
    return _layer(ranges, selection, precision, fmt, "home_ranges")


def _effort(selection, precision, fmt, args) -> bytes:
    from landmap.effort import effort_grid

    grid = effort_grid(selection, cell_km=args.cell_km, by_year=False,
                       threshold=f"{args.interval}min", effort=args.effort)
    return _layer(grid, selection, precision, fmt, "effort_grid")


def _gaps(selection, precision, fmt, args) -> bytes:
    from landmap.effort import coverage_gaps

    try:
        gaps = coverage_gaps(selection, cell_km=args.cell_km)
    except ValueError as error:  # no station near the park: nothing to write
        raise DataProblem(str(error)) from None
    return _layer(gaps, selection, precision, fmt, "coverage_gaps")


def _layer(frame, selection, precision, fmt, name) -> bytes:
    from landmap.io.exports import csv_bytes, geojson_bytes, gpkg_bytes
    from landmap.privacy import protect

    safe = protect(frame, precision, selection.metric_crs)
    if fmt == "csv":
        return csv_bytes(safe)  # as the pages write it: the precision column included
    drawn = safe[safe.geometry.notna()]
    return geojson_bytes(drawn) if fmt == "geojson" else gpkg_bytes(drawn, name)


def _crossings(selection, precision, fmt, args) -> bytes:
    from landmap.border import crossings_by_individual
    from landmap.home_range import home_ranges
    from landmap.io.exports import csv_bytes

    interval = f"{args.interval}min"
    table = crossings_by_individual(selection, threshold=interval, ranges=home_ranges(
        selection, levels=(95,), threshold=interval))
    if fmt == "csv":
        return csv_bytes(table)
    return table.to_json(orient="records", date_format="iso", force_ascii=False,
                         indent=2).encode()


def _camtrapdp(selection, precision, fmt, args) -> bytes:
    from landmap.io.exports import camtrapdp_zip
    from landmap.privacy import protect

    return camtrapdp_zip(protect(selection, precision), media_files=args.media_files)


def _species(selection, precision, fmt, args) -> bytes:
    from landmap.community import species_by_station
    from landmap.io.exports import csv_bytes
    from landmap.privacy import protect

    table = species_by_station(selection, threshold=f"{args.interval}min")
    return csv_bytes(protect(table, precision, selection.metric_crs))


def _occupancy(selection, precision, fmt, args) -> bytes:
    from landmap.community import naive_occupancy
    from landmap.io.exports import csv_bytes

    table = naive_occupancy(selection, args.species or _LEOPARD,
                            threshold=f"{args.interval}min")
    if fmt == "csv":
        return csv_bytes(table)
    return table.to_json(orient="records", force_ascii=False, indent=2).encode()


def _history(selection, precision, fmt, args) -> bytes:
    from landmap.community import detection_history

    history, effort = detection_history(selection, args.species or _LEOPARD,
                                        occasion_days=args.occasion_days,
                                        threshold=f"{args.interval}min")
    # the effort matrix beside the history, as occupancy software takes them
    effort_file = Path(args.output).with_name(Path(args.output).stem + "-effort.csv")
    effort.round(3).to_csv(effort_file)
    print(f"wrote {effort_file} (camera-days per occasion)", file=sys.stderr)
    return history.to_csv(na_rep="NA").encode("utf-8")


_LEOPARD = "Panthera pardus orientalis"


def _operation(selection, precision, fmt, args) -> bytes:
    from landmap.io.exports import csv_bytes
    from landmap.operation import camera_operation, longest_gaps

    operation = camera_operation(selection, period_days=args.occasion_days)
    gaps_file = Path(args.output).with_name(Path(args.output).stem + "-gaps.csv")
    gaps_file.write_bytes(csv_bytes(longest_gaps(operation)))
    print(f"wrote {gaps_file} (each station's longest gap)", file=sys.stderr)
    return csv_bytes(operation)


def _path(selection, precision, fmt, args) -> bytes:
    from landmap.io.exports import csv_bytes, geojson_bytes, gpkg_bytes
    from landmap.movement import movement_path
    from landmap.privacy import METADATA_KEY, protect

    if not args.individual or len(args.individual) != 1:
        raise UsageError("--what path: name one animal with --individual.")
    # from the generalised survey, so that the path joins cell centres (generalising the
    # lines afterwards would move their ends to cell corners)
    path = movement_path(protect(selection, precision), args.individual[0],
                         threshold=f"{args.interval}min")
    path.attrs[METADATA_KEY] = precision.label
    if fmt == "csv":
        return csv_bytes(path)
    return geojson_bytes(path) if fmt == "geojson" else gpkg_bytes(path, "movements")


def _secr(selection, precision, fmt, args) -> bytes:
    from landmap.density import capture_data
    from landmap.io.secr import secr_zip

    if not precision.exact:
        raise UsageError("--what secr writes the stations' exact positions (an SECR fit "
                         "needs the distances between them): add --protect exact.")
    first, last = selection.year_span
    if first != last:
        raise UsageError(f"--what secr: the selection spans {first}-{last}; choose one "
                         "survey year with --year (SECR fits one session at a time).")
    try:
        captures = capture_data(selection)
    except ValueError as error:
        raise DataProblem(str(error)) from None
    return secr_zip(captures, str(first))


def _release(selection, precision, args):
    from landmap.privacy import Release

    return Release(selection, precision, args.every_year)


def _briefing(selection, precision, fmt, args) -> bytes:
    from landmap.io.briefing import ExportUnavailable, briefing_pack, build_briefing

    title = f"Amur leopard camera traps, {selection.span_label}"
    photo = None if args.photo is None else _pack_photo(selection, precision, args.photo)
    try:
        return briefing_pack(build_briefing(_release(selection, precision, args), title,
                                            args.individual, sequence=args.each_year,
                                            photo=photo))
    except ExportUnavailable as error:
        raise DataProblem(str(error)) from None


def _pack_photo(selection, precision, pinned: str):
    """The briefing's photo: ``pinned`` (a mediaID) or, given as "", the first favourite,
    among the pictures the precision's reader may see."""
    from landmap.io.images import clean_image
    from landmap.media import media_table, photos_of, selection_photo, viewable

    table = media_table(selection)
    seen = table if precision.exact else viewable(table, "viewer")
    row = selection_photo(photos_of(selection, table=seen), pinned or None)
    if row is None or (pinned and row.mediaID != pinned):
        raise UsageError(f"--photo {pinned}: no such picture in the selection that "
                         f"{'an analyst' if precision.exact else 'a viewer'} may see."
                         if pinned else "--photo: the selection has no picture to show.")
    where = row.locationID if precision.exact else {"RUS": "Russia", "CHN": "China"}.get(
        row.country, row.country)
    return clean_image(row.file, 1600), f"{row.subject} · {row.local_time:%Y-%m-%d %H:%M:%S} · " \
        f"{where}"


def _year_animation(selection, precision, fmt, args) -> bytes:
    from landmap.io.briefing import (
        ExportUnavailable,
        animated_gif,
        year_player_html,
        year_sequence,
    )

    first, last = selection.year_span
    if first == last:
        raise UsageError(f"--what years: the selection is one year ({first}); give a span "
                         "with --year (2013-2024).")
    if fmt == "html":
        return year_player_html(_release(selection, precision, args),
                                seconds=args.seconds).encode("utf-8")
    try:
        frames = year_sequence(_release(selection, precision, args))
    except ExportUnavailable as error:
        raise DataProblem(str(error)) from None
    return animated_gif([png for _, png in frames], seconds=args.seconds)


_EXPORTERS: dict[str, Callable] = {"ranges": _ranges, "effort": _effort, "gaps": _gaps,
                                   "crossings": _crossings, "camtrapdp": _camtrapdp,
                                   "species": _species, "occupancy": _occupancy,
                                   "history": _history, "secr": _secr, "path": _path,
                                   "operation": _operation, "briefing": _briefing,
                                   "years": _year_animation}


def _serve(args) -> int:
    from landmap.app.serve import main as serve

    serve(args.options)
    return 0


def _demo(args) -> int:
    from landmap.demo import main as demo

    demo(args.options)
    return 0


def _bench(args) -> int:
    from landmap.bench import main as bench

    return bench(args.options) or 0


def _postgis(args) -> int:
    from landmap.io.postgis import main as postgis

    return postgis(args.options)


#: Commands whose options belong to the program they start.
_PASSTHROUGH: dict[str, Callable] = {"serve": _serve, "demo": _demo, "bench": _bench,
                                     "postgis": _postgis}


# ----------------------------------------------------------------------------- parser
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="landmap", description="Camera-trap maps and reports of Amur leopards.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def passthrough(name: str, help_: str, func: Callable) -> None:
        sub = commands.add_parser(name, help=help_, add_help=False)
        sub.add_argument("options", nargs=argparse.REMAINDER)
        sub.set_defaults(func=func)

    passthrough("serve", "start the dashboard (options go to streamlit run)", _serve)

    def selection(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("package", help="Camtrap DP package: a folder or a zip file")
        sub.add_argument("--year", action="append", metavar="Y",
                         help="a year (2021) or span (2017-2019); may be repeated")
        sub.add_argument("--individual", action="append", metavar="ID",
                         help="an individual (\"Leo 16F\"); may be repeated")
        sub.add_argument("--effort", choices=["camera", "station"], default="camera",
                         help="trap-nights as camera-days (default) or station-days")

    summary = commands.add_parser("summary", help="headline and yearly table of a package")
    selection(summary)
    summary.add_argument("--format", choices=["table", "json", "csv"], default="table")
    summary.set_defaults(func=_summary)

    export = commands.add_parser("export", help="ranges, effort grid, coverage gaps, "
                                 "crossings, species tables, detection histories or a "
                                 "package")
    selection(export)
    export.add_argument("--what", choices=list(EXPORTS), required=True)
    export.add_argument("--format", choices=sorted({f for fs in EXPORTS.values() for f in fs}),
                        help="default: from the output's suffix")
    export.add_argument("--protect", default="5", metavar="KM",
                        help="location precision: 1, 5 or 10 km, or exact (default 5)")
    export.add_argument("--cell-km", type=float, default=5.0,
                        help="grid cell of --what effort or gaps, km (default 5)")
    export.add_argument("--interval", type=int, default=30, metavar="MIN",
                        help="independence interval in minutes (default 30)")
    export.add_argument("--species", metavar="NAME",
                        help="scientific name for --what occupancy|history (default: the "
                             "Amur leopard)")
    export.add_argument("--occasion-days", type=int, default=7,
                        help="occasion length of --what history and period of --what "
                             "operation, days (default 7)")
    export.add_argument("--media-files", action="store_true",
                        help="--what camtrapdp: put the pictures in the zip, without "
                             "metadata (with --protect other than exact: those a viewer "
                             "may see)")
    export.add_argument("--photo", nargs="?", const="", metavar="MEDIA_ID",
                        help="--what briefing: add the photo of the selection (this "
                             "mediaID, or without one the first favourite)")
    export.add_argument("--each-year", action="store_true",
                        help="--what briefing: add a page per year with its map")
    export.add_argument("--seconds", type=float, default=1.5,
                        help="--what years: seconds per year of the animation (default 1.5)")
    export.add_argument("--output", required=True, metavar="FILE")
    export.set_defaults(func=_export)

    media = commands.add_parser("media", help="the photos and videos of a selection, and "
                                "the files that cannot be shown")
    selection(media)
    media.add_argument("--protect", default="5", metavar="KM",
                       help="1, 5 or 10 km (a viewer's rules: public pictures of no person, "
                            "no station) or exact (every file; default 5)")
    media.add_argument("--thumbnails", metavar="DIR",
                       help="also write each picture, without metadata, to DIR/<mediaID>.jpg")
    media.add_argument("--size", type=int, default=360,
                       help="longest side of --thumbnails, pixels (default 360)")
    media.add_argument("--format", choices=["table", "json", "csv"], default="table")
    media.set_defaults(func=_media)

    activity = commands.add_parser("activity", help="diel activity of a species, or the "
                                   "overlap of two")
    activity.add_argument("package", help="Camtrap DP package: a folder or a zip file")
    activity.add_argument("--species", action="append", required=True, metavar="NAME",
                          help="scientific name (or human, vehicle); once or twice")
    activity.add_argument("--year", action="append", metavar="Y",
                          help="a year (2021) or span (2017-2019); may be repeated")
    activity.add_argument("--time", choices=["clock", "sun"], default="clock",
                          help="camera clock (default) or sun time")
    activity.add_argument("--interval", type=int, default=30, metavar="MIN",
                          help="independence interval in minutes (default 30)")
    activity.add_argument("--resamples", type=int, default=999,
                          help="bootstrap resamples for the overlap interval (default 999)")
    activity.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    activity.add_argument("--format", choices=["table", "json"], default="table")
    activity.set_defaults(func=_activity)

    density = commands.add_parser("density", help="SECR density per year with its interval")
    density.add_argument("package", nargs="?",
                         help="Camtrap DP package: a folder or a zip file")
    density.add_argument("--traps", metavar="FILE", help="secr trap file (Detector x y)")
    density.add_argument("--captures", metavar="FILE",
                         help="secr capture file (Session ID Occasion x y)")
    density.add_argument("--detector", choices=["multi", "proximity", "count"],
                         default="multi", help="detector type of --traps (default multi)")
    density.add_argument("--buffer", type=float, default=100.0,
                         help="mask buffer of --traps, metres (default 100, as secr)")
    density.add_argument("--year", action="append", metavar="Y",
                         help="a year (2021) or span (2017-2019); may be repeated")
    density.add_argument("--model", choices=["null", "sex", "both"], default="null",
                         help="one sigma and lambda0, one per sex, or both with their AIC")
    density.add_argument("--likelihood", choices=["full", "conditional"], default="full")
    density.add_argument("--months", metavar="M-M",
                         help="a season of each year, first-last month (11-4)")
    density.add_argument("--format", choices=["table", "json"], default="table")
    density.set_defaults(func=_density)

    passthrough("demo", "rewrite the simulated demo package (--out DIR)", _demo)
    passthrough("bench", "benchmark on scaled demo surveys (--scales, --output)", _bench)
    passthrough("postgis", "load a package into PostGIS or export it (load|export PATH)",
                _postgis)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``landmap`` command; returns the exit status.

    Examples
    --------
    >>> main(["summary", "no/such/package"])  # the message goes to standard error
    2
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in _PASSTHROUGH:
        # argparse would read the options meant for the wrapped command as its own
        args = argparse.Namespace(command=argv[0], options=argv[1:],
                                  func=_PASSTHROUGH[argv[0]])
    else:
        args = _parser().parse_args(argv)
    try:
        return args.func(args)
    except UsageError as error:
        print(f"landmap: {error}", file=sys.stderr)
        return 2
    except DataProblem as error:
        print(f"landmap: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader (head, less) went away: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:  # a fault of ours: say so in one line, keep the traceback out
        if os.environ.get(DEBUG_ENV):
            raise
        first = str(error).splitlines()[0] if str(error) else ""
        print(f"landmap: {args.command} failed: {type(error).__name__}: {first} (set "
              f"{DEBUG_ENV}=1 for the traceback and report it)", file=sys.stderr)
        return 3

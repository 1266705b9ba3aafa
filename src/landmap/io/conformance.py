"""Does a package conform to Camtrap DP 1.0? A check of the descriptor and the three tables.

The official table schemas and profile (github.com/tdwg/camtrap-dp, tag 1.0) are JSON
files fetched from GitHub by validators such as frictionless; this machine has no such
access, so the constraints that matter for an archive or GBIF are written out here, in
landmap's words: the fields of each table in the standard's order, which are required,
their types and ranges, the allowed values, unique IDs, and deployment references. It
checks packages landmap writes before they leave, and any package a user wants checked.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from landmap.i18n import Text
from landmap.io.validate import Problem

__all__ = ["TABLES", "check_package"]


@dataclass(frozen=True)
class Field:
    """One column: its type (string, number, integer, boolean, datetime), whether it must
    be filled, its range and allowed values."""

    name: str
    kind: str = "string"
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple[str, ...] = ()
    unique: bool = False


def _f(name, kind="string", **kw) -> Field:
    return Field(name, kind, **kw)


#: The three tables of Camtrap DP 1.0, fields in the standard's order.
TABLES: dict[str, list[Field]] = {
    "deployments": [
        _f("deploymentID", required=True, unique=True), _f("locationID"),
        _f("locationName"),
        _f("latitude", "number", required=True, minimum=-90, maximum=90),
        _f("longitude", "number", required=True, minimum=-180, maximum=180),
        _f("coordinateUncertainty", "integer", minimum=1),
        _f("deploymentStart", "datetime", required=True),
        _f("deploymentEnd", "datetime", required=True),
        _f("setupBy"), _f("cameraID"), _f("cameraModel"),
        _f("cameraDelay", "integer", minimum=0), _f("cameraHeight", "number", minimum=0),
        _f("cameraDepth", "number", minimum=0),
        _f("cameraTilt", "integer", minimum=-90, maximum=90),
        _f("cameraHeading", "integer", minimum=0, maximum=360),
        _f("detectionDistance", "number", minimum=0), _f("timestampIssues", "boolean"),
        _f("baitUse", "boolean"),
        _f("featureType", allowed=("roadPaved", "roadDirt", "trailHiking", "trailGame",
                                   "roadUnderpass", "roadOverpass", "roadBridge", "culvert",
                                   "burrow", "nestSite", "carcass", "waterSource",
                                   "fruitingTree")),
        _f("habitat"), _f("deploymentGroups"), _f("deploymentTags"), _f("deploymentComments"),
    ],
    "media": [
        _f("mediaID", required=True, unique=True), _f("deploymentID", required=True),
        _f("captureMethod", allowed=("activityDetection", "timeLapse")),
        _f("timestamp", "datetime", required=True), _f("filePath", required=True),
        _f("filePublic", "boolean", required=True), _f("fileName"),
        _f("fileMediatype", required=True), _f("exifData"), _f("favorite", "boolean"),
        _f("mediaComments"),
    ],
    "observations": [
        _f("observationID", required=True, unique=True), _f("deploymentID", required=True),
        _f("mediaID"), _f("eventID"), _f("eventStart", "datetime", required=True),
        _f("eventEnd", "datetime", required=True),
        _f("observationLevel", required=True, allowed=("media", "event")),
        _f("observationType", required=True, allowed=("animal", "human", "vehicle", "blank",
                                                       "unknown", "unclassified")),
        _f("cameraSetupType", allowed=("setup", "calibration")), _f("scientificName"),
        _f("count", "integer", minimum=1),
        _f("lifeStage", allowed=("adult", "subadult", "juvenile")),
        _f("sex", allowed=("female", "male")), _f("behavior"), _f("individualID"),
        _f("individualPositionRadius", "number", minimum=0),
        _f("individualPositionAngle", "number", minimum=-90, maximum=90),
        _f("individualSpeed", "number", minimum=0),
        _f("bboxX", "number", minimum=0, maximum=1), _f("bboxY", "number", minimum=0, maximum=1),
        _f("bboxWidth", "number", minimum=1e-15, maximum=1),
        _f("bboxHeight", "number", minimum=1e-15, maximum=1),
        _f("classificationMethod", allowed=("human", "machine")), _f("classifiedBy"),
        _f("classificationTimestamp", "datetime"),
        _f("classificationProbability", "number", minimum=0, maximum=1),
        _f("observationTags"), _f("observationComments"),
    ],
}
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$")
_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_INTEGER = re.compile(r"^[-+]?\d+$")
_PROJECT = ("title", "samplingDesign", "captureMethod", "individualAnimals", "observationLevel")
_DESIGNS = ("simpleRandom", "systematicRandom", "clusteredRandom", "experimental", "targeted",
            "opportunistic")
_ROLES = ("contact", "principalInvestigator", "rightsHolder", "publisher", "contributor")


def _descriptor_problems(descriptor: dict) -> list[Problem]:
    out = []

    def bad(field, message, value=None):
        out.append(Problem("datapackage.json", None, field, value, "refused", message))

    if "camtrap-dp" not in str(descriptor.get("profile", "")):
        bad("profile", Text("must name the Camtrap DP profile"), str(descriptor.get("profile")))
    for key in ("created", "contributors", "project", "spatial", "temporal", "taxonomic",
                "resources"):
        if not descriptor.get(key):
            bad(key, Text("a required property is missing"))
    for i, person in enumerate(descriptor.get("contributors") or []):
        if not isinstance(person, dict) or not person.get("title"):
            bad(f"contributors[{i}].title", Text("every contributor needs a title"))
        elif person.get("role") and person["role"] not in _ROLES:
            bad(f"contributors[{i}].role", Text("must be one of {values}",
                                                values=", ".join(_ROLES)), person["role"])
    project = descriptor.get("project") or {}
    for key in _PROJECT:
        if key not in project:
            bad(f"project.{key}", Text("a required property is missing"))
    if project.get("samplingDesign") not in (None, *_DESIGNS):
        bad("project.samplingDesign", Text("must be one of {values}",
                                           values=", ".join(_DESIGNS)),
            project["samplingDesign"])
    temporal = descriptor.get("temporal") or {}
    for key in ("start", "end"):
        if temporal and not re.match(r"^\d{4}-\d{2}-\d{2}$", str(temporal.get(key, ""))):
            bad(f"temporal.{key}", Text("must be a date (YYYY-MM-DD)"), str(temporal.get(key)))
    taxa = descriptor.get("taxonomic", [])
    if not isinstance(taxa, list) or any(not isinstance(t, dict) or not t.get("scientificName")
                                         for t in taxa):
        bad("taxonomic", Text("each taxon needs a scientificName"))
    resources = {r.get("name"): r for r in descriptor.get("resources") or []
                 if isinstance(r, dict)}
    for table in TABLES:
        resource = resources.get(table)
        if resource is None:
            bad("resources", Text("the package has no '{kind}' resource", kind=table), table)
            continue
        if resource.get("profile") != "tabular-data-resource":
            bad(f"resources.{table}.profile", Text("must be 'tabular-data-resource'"),
                str(resource.get("profile")))
        if "camtrap-dp/1.0" not in str(resource.get("schema", "")) or not str(
                resource.get("schema", "")).endswith(f"{table}-table-schema.json"):
            bad(f"resources.{table}.schema", Text("must be the URL of the Camtrap DP 1.0 {kind} "
                                                  "table schema", kind=table),
                str(resource.get("schema")))
    return out


def _column_problems(file: str, frame: pd.DataFrame, spec: Field) -> list[Problem]:
    text = frame[spec.name].astype(str).str.strip()
    empty = text == ""
    masks = []
    if spec.required:
        masks.append((empty, Text("a required value is missing")))
    filled = ~empty
    if spec.kind == "datetime":
        masks.append((filled & ~text.str.match(_DATETIME),
                      Text("not a date-time with a time zone (YYYY-MM-DDThh:mm:ss±hh:mm)")))
    elif spec.kind in ("number", "integer"):
        pattern = _INTEGER if spec.kind == "integer" else _NUMBER
        wrong = filled & ~text.str.match(pattern)
        masks.append((wrong, Text("not an integer") if spec.kind == "integer" else
                      Text("not a number")))
        values = pd.to_numeric(text.where(filled & ~wrong), errors="coerce")
        if spec.minimum is not None:
            masks.append((values < spec.minimum, Text("below the minimum {limit}",
                                                      limit=f"{spec.minimum:g}")))
        if spec.maximum is not None:
            masks.append((values > spec.maximum, Text("above the maximum {limit}",
                                                      limit=f"{spec.maximum:g}")))
    elif spec.kind == "boolean":
        masks.append((filled & ~text.isin(["true", "false"]), Text("must be true or false")))
    if spec.allowed:
        masks.append((filled & ~text.isin(spec.allowed),
                      Text("must be one of {values}", values=", ".join(spec.allowed))))
    if spec.unique:
        masks.append((filled & text.duplicated(), Text("duplicate value; must be unique")))
    out = []
    for mask, message in masks:
        for i in np.flatnonzero(mask.to_numpy()):
            out.append(Problem(file, int(i) + 2, spec.name, text.iloc[i], "refused", message))
    return out


def check_package(folder: str | Path) -> list[Problem]:
    """Every way a package departs from Camtrap DP 1.0 (an empty list: it conforms).

    Checks the descriptor's required properties and resources, then each table: its
    header against the standard's fields in order, and each value's presence, type,
    range, allowed values and uniqueness, and that observations and media refer to
    deployments that exist.

    Examples
    --------
    >>> from landmap.demo import DEMO_DIR
    >>> check_package(DEMO_DIR)
    []
    >>> check_package("/nonexistent")[0].message[:22]
    'cannot be read as JSON'
    """
    folder = Path(folder)
    try:
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [Problem("datapackage.json", None, None, None, "refused",
                        Text("cannot be read as JSON ({error})", error=str(exc)))]
    problems = _descriptor_problems(descriptor)
    paths = {r.get("name"): r.get("path") for r in descriptor.get("resources") or []}
    deployment_ids = None
    for table, fields in TABLES.items():
        path = paths.get(table)
        if not isinstance(path, str) or not (folder / path).is_file():
            continue
        frame = pd.read_csv(folder / path, dtype=str, keep_default_na=False)
        expected = [f.name for f in fields]
        if list(frame.columns) != expected:
            extra = [c for c in frame.columns if c not in expected]
            missing = [c for c in expected if c not in frame.columns]
            parts = [Text("not in the standard: {fields}", fields=", ".join(extra))
                     if extra else None,
                     Text("missing: {fields}", fields=", ".join(missing)) if missing else None,
                     None if extra or missing else Text("in another order")]
            parts = [p for p in parts if p is not None]
            message = (Text("the header differs from the Camtrap DP 1.0 fields ({detail})",
                            detail=parts[0]) if len(parts) == 1 else
                       Text("the header differs from the Camtrap DP 1.0 fields ({detail}; "
                            "{more})", detail=parts[0], more=parts[1]))
            problems.append(Problem(path, 1, None, None, "refused", message))
        for spec in fields:
            if spec.name in frame:
                problems += _column_problems(path, frame, spec)
        if table == "deployments" and "deploymentID" in frame:
            deployment_ids = set(frame["deploymentID"])
        elif deployment_ids is not None and "deploymentID" in frame:
            unknown = ~frame["deploymentID"].isin(deployment_ids).to_numpy()
            for i in np.flatnonzero(unknown):
                problems.append(Problem(path, int(i) + 2, "deploymentID",
                                        frame["deploymentID"].iloc[i], "refused",
                                        Text("refers to a deployment that is not in the "
                                             "package")))
    return problems

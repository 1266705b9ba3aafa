"""The user's own boundary layers: official park outlines, management zones, the border.

GeoJSON, GeoPackage (one layer chosen), a zipped Shapefile and KML are read with GDAL
(pyogrio), reprojected to EPSG:4326 and checked. A layer without a CRS is refused: landmap
will not guess where it lies. Invalid geometries are repaired (``make_valid``) and every
repair is reported with the feature's row; features without a geometry are kept in the
table and reported, since a map cannot draw them.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from landmap.i18n import Text
from landmap.io.intake import check_size, safe_unzip
from landmap.io.validate import DataError, Problem

__all__ = ["LAYER_SUFFIXES", "UserLayer", "layer_names", "read_layer"]

#: File kinds accepted for boundary layers.
LAYER_SUFFIXES = (".geojson", ".json", ".gpkg", ".zip", ".kml")


@dataclass(frozen=True)
class UserLayer:
    """A boundary layer a user loaded: its features in EPSG:4326 and the load report."""

    name: str
    features: gpd.GeoDataFrame
    source_crs: str
    problems: list[Problem] = field(default_factory=list)


def _refuse(name: str, message: str, layer: str | None = None) -> DataError:
    return DataError([Problem(name, None, layer, None, "refused", message)])


def _dataset(path: Path, name: str, folder: str) -> Path:
    """The file GDAL should open: the archive's one Shapefile, or the file itself."""
    if path.suffix.lower() != ".zip":
        return path
    safe_unzip(path, folder, name)
    found = [p for p in Path(folder).rglob("*")
             if p.suffix.lower() in (".shp", ".geojson", ".gpkg", ".kml")
             and "__MACOSX" not in p.parts]
    if not found:
        raise _refuse(name, Text("the archive holds no .shp, .geojson, .gpkg or .kml file"))
    if len(found) > 1:
        names = ", ".join(sorted(p.name for p in found))
        raise _refuse(name, Text("the archive holds several layers ({names}); zip one at a "
                                 "time", names=names))
    shp = found[0]
    if shp.suffix.lower() == ".shp":
        missing = [s for s in (".shx", ".dbf") if not shp.with_suffix(s).exists()
                   and not shp.with_suffix(s.upper()).exists()]
        if missing:
            raise _refuse(name, Text("the Shapefile {file} comes without its {parts} "
                                     "file(s); zip all its parts", file=shp.name,
                                     parts=" + ".join(missing)))
    return shp


def layer_names(path: str | Path) -> list[str]:
    """Layer names in a file (a GeoPackage can hold several)."""
    try:
        return [str(n) for n in pyogrio.list_layers(path)[:, 0]]
    except Exception:  # GDAL raises many kinds; read_layer reports them
        return []


def read_layer(path: str | Path, name: str | None = None, layer: str | None = None
               ) -> UserLayer:
    """Read one boundary layer, reprojected to EPSG:4326, repairing invalid geometries.

    Parameters
    ----------
    path : str or Path
        A GeoJSON, GeoPackage, KML file or a zip file holding one Shapefile.
    name : str, optional
        The name to show and to report problems under (default: the file name).
    layer : str, optional
        The layer of a file that holds several; required then.

    Returns
    -------
    UserLayer
        ``problems`` lists each repair and each feature without geometry.

    Raises
    ------
    DataError
        If the file is too large, cannot be read, holds several layers and none was
        chosen, has no CRS, or has no features.

    Examples
    --------
    >>> import json, tempfile
    >>> square = {"type": "Polygon", "coordinates": [[[131, 43], [131.1, 43], [131, 43.1],
    ...                                               [131.1, 43.1], [131, 43]]]}
    >>> f = Path(tempfile.mkdtemp()) / "zones.geojson"
    >>> _ = f.write_text(json.dumps({"type": "FeatureCollection", "features": [
    ...     {"type": "Feature", "properties": {"zone": "core"}, "geometry": square}]}))
    >>> zones = read_layer(f)
    >>> [p.message.split(";")[0] for p in zones.problems]
    ['invalid geometry (Self-intersection[131.05 43.05]) repaired with make_valid']
    >>> zones.features.is_valid.all()
    np.True_
    """
    path = Path(path)
    name = name or path.name
    if not path.exists():
        raise _refuse(name, Text("no such file"))
    if path.suffix.lower() not in LAYER_SUFFIXES:
        raise _refuse(name, Text("not a layer file landmap reads ({kinds})",
                                 kinds=", ".join(LAYER_SUFFIXES)))
    check_size(path.stat().st_size, name)
    with tempfile.TemporaryDirectory(prefix="landmap-") as folder:
        dataset = _dataset(path, name, folder)
        names = layer_names(dataset)
        if layer is None and len(names) > 1:
            raise _refuse(name, Text("the file holds {n} layers ({names}); choose one",
                                     n=len(names), names=", ".join(names)))
        if layer is not None and layer not in names:
            raise _refuse(name, Text("no layer '{layer}' in the file; it holds {names}",
                                     layer=layer, names=", ".join(names) or "-"), layer)
        try:
            frame = gpd.read_file(dataset, layer=layer)
        except Exception as exc:  # GDAL's errors vary by driver
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise _refuse(name, Text("the file cannot be read as a layer ({error})",
                                     error=first)) from None
    return _checked(frame, name, layer)


def _check_degrees(frame: gpd.GeoDataFrame, name: str, layer: str | None) -> None:
    """A layer said to be in degrees (a GeoJSON without ``crs`` is WGS 84 by definition)
    whose coordinates are metres: refused, naming the UTM zone that fits if one does."""
    if not frame.crs.is_geographic:
        return
    coords = shapely.get_coordinates(frame.geometry.to_numpy())
    coords = coords[np.isfinite(coords).all(axis=1)]
    if not len(coords) or (np.abs(coords[:, 0]).max() <= 180
                           and np.abs(coords[:, 1]).max() <= 90):
        return
    fits = [code for code in ("EPSG:32652", "EPSG:32651", "EPSG:32653")
            if _inside_region(coords, code)]
    hint = (Text("they fit {crs} (UTM, metres): save the file with that CRS, or in degrees",
                 crs=fits[0]) if fits else
            Text("save the file with its CRS, or in degrees"))
    raise _refuse(name, Text("the coordinates are not degrees (up to {largest}), but the file "
                             "says WGS 84 (a GeoJSON without a 'crs' member is); {hint}",
                             largest=f"{np.abs(coords).max():,.0f}", hint=hint), layer)


def _inside_region(coords: np.ndarray, crs: str) -> bool:
    from pyproj import Transformer

    lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(
        coords[:, 0], coords[:, 1])
    return bool(((lon > 125) & (lon < 137) & (lat > 39) & (lat < 48)).all())


def _checked(frame: gpd.GeoDataFrame, name: str, layer: str | None) -> UserLayer:
    if frame.crs is None:
        raise _refuse(name, Text("the layer has no CRS (a Shapefile needs its .prj file); "
                                 "landmap will not guess where it lies: save it with its CRS "
                                 "and load again"), layer)
    if frame.empty:
        raise _refuse(name, Text("the layer has no features"), layer)
    _check_degrees(frame, name, layer)
    problems = []
    geoms = frame.geometry.to_numpy()
    # a coordinate that is not a number (NaN, infinity) cannot be drawn or repaired
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    broken = np.zeros(len(geoms), dtype=bool)
    broken[owner[~np.isfinite(coords).all(axis=1)]] = True
    for i in np.flatnonzero(broken):
        problems.append(Problem(name, int(i) + 1, "geometry", None, "refused",
                                Text("a coordinate is not a number")))
    if broken.any():
        raise DataError(problems)
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    for i in np.flatnonzero(missing):
        problems.append(Problem(name, int(i) + 1, "geometry", None, "kept",
                                Text("the feature has no geometry; kept in the table, not "
                                     "drawn")))
    invalid = ~missing & ~shapely.is_valid(geoms)
    if invalid.any():
        reasons = shapely.is_valid_reason(geoms[invalid])
        repaired = shapely.make_valid(geoms[invalid])
        for i, reason in zip(np.flatnonzero(invalid), reasons, strict=True):
            problems.append(Problem(name, int(i) + 1, "geometry", None, "repaired",
                                    Text("invalid geometry ({reason}) repaired with "
                                         "make_valid; check the outline", reason=reason)))
        geoms = geoms.copy()
        geoms[invalid] = repaired
        frame = frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs))
    source_crs = frame.crs.to_string()
    features = frame.to_crs("EPSG:4326")
    return UserLayer(name=f"{name}:{layer}" if layer else name, features=features,
                     source_crs=source_crs, problems=problems)

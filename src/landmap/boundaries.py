"""Boundary layers: countries, the Russia–China border and the parks.

The layers live in ``geodata/`` as GeoJSON in EPSG:4326 (see
``geodata/PROVENANCE.md``). Areas and distances are computed in
:data:`METRIC_CRS`, UTM zone 52N, which covers the whole study region.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landmap.i18n import N_

__all__ = [
    "COUNTRY_NAMES",
    "GEODATA_DIR",
    "METRIC_CRS",
    "Boundaries",
    "country_of",
    "load_boundaries",
    "utm_crs",
]

#: The two sides of the border by their ISO 3166 codes, as readers see them (translate
#: with the reader's ``gettext``).
COUNTRY_NAMES = {"RUS": N_("Russia"), "CHN": N_("China")}

#: Projected CRS for areas and distances (UTM zone 52N).
METRIC_CRS = "EPSG:32652"


def utm_crs(lon, lat) -> str:
    """The UTM zone (WGS84) holding the median of the points, for areas and distances of
    a survey anywhere in the world; EPSG:32652 for Primorye.

    Examples
    --------
    >>> utm_crs([131.2, 130.9], [43.1, 42.8]), utm_crs([36.8], [-1.3])
    ('EPSG:32652', 'EPSG:32737')
    >>> utm_crs([], [])
    'EPSG:32652'
    """
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    keep = np.isfinite(lon) & np.isfinite(lat)
    if not keep.any():
        return METRIC_CRS
    x, y = float(np.median(lon[keep])), float(np.median(lat[keep]))
    zone = min(int((x + 180) // 6) + 1, 60)
    return f"EPSG:{(32600 if y >= 0 else 32700) + zone}"


#: The project's bundled geodata folder.
GEODATA_DIR = Path(__file__).resolve().parents[2] / "geodata"

_LAYERS = ("countries", "border", "parks")


@dataclass(frozen=True)
class Boundaries:
    """The boundary layers every map and analysis shares (all in EPSG:4326)."""

    countries: gpd.GeoDataFrame
    border: gpd.GeoDataFrame
    parks: gpd.GeoDataFrame
    #: The user's own layers, drawn over the bundled ones: (name, layer in EPSG:4326).
    extra: tuple[tuple[str, gpd.GeoDataFrame], ...] = ()

    def park(self, park_id: str) -> gpd.GeoDataFrame:
        """One park by its ``park_id`` (``land-of-the-leopard``, ``kedrovaya-pad``, ...)."""
        found = self.parks[self.parks["park_id"] == park_id]
        if found.empty:
            known = ", ".join(self.parks["park_id"])
            raise KeyError(f"park_id={park_id!r} is not in the park layer; known: {known}.")
        return found

    def area_km2(self, layer: str = "parks") -> pd.Series:
        """Area of each feature of a polygon layer in km², computed in UTM 52N."""
        frame = getattr(self, layer)
        return frame.to_crs(METRIC_CRS).area / 1e6


def load_boundaries(folder: str | Path = GEODATA_DIR) -> Boundaries:
    """Read the countries, border and park layers from a geodata folder.

    Parameters
    ----------
    folder : str or Path, default the bundled ``geodata/``
        Folder holding ``countries.geojson``, ``border.geojson`` and ``parks.geojson``.

    Returns
    -------
    Boundaries

    Raises
    ------
    FileNotFoundError
        If a layer file is missing (names the file).
    ValueError
        If a layer has no CRS or holds invalid geometries.

    Examples
    --------
    >>> b = load_boundaries()
    >>> sorted(b.countries["iso_a3"])
    ['CHN', 'PRK', 'RUS']
    >>> round(float(b.area_km2().iloc[0]), -1)
    2650.0
    """
    folder = Path(folder)
    paths = [folder / f"{name}.geojson" for name in _LAYERS]
    for name, path in zip(_LAYERS, paths, strict=True):
        if not path.exists():
            raise FileNotFoundError(f"{path}: boundary layer '{name}' is missing.")
    # each reader of a package asks for the layers: they are parsed once per version of
    # the files (a tenth of the load of the demo otherwise), and each caller gets copies:
    # shallow ones, which pandas copies on a write (the geometries themselves cannot be
    # changed), so no caller's change reaches the others; a deep copy of the layers took
    # 3 ms of each load of the demo
    stamp = tuple((str(p.resolve()), st.st_size, st.st_mtime_ns)
                  for p, st in ((p, p.stat()) for p in paths))
    return Boundaries(**{name: frame.copy(deep=False)
                         for name, frame in _layers(stamp).items()})


@functools.lru_cache(maxsize=8)
def _layers(stamp: tuple) -> dict[str, gpd.GeoDataFrame]:
    frames = {}
    for name, (path, _, _) in zip(_LAYERS, stamp, strict=True):
        frame = gpd.read_file(path)
        if frame.crs is None:
            raise ValueError(f"{path}: the layer has no CRS; landmap will not guess one.")
        if not frame.is_valid.all():
            bad = np.flatnonzero(~frame.is_valid.to_numpy())
            raise ValueError(f"{path}: invalid geometry in feature(s) {bad.tolist()}.")
        frames[name] = frame.to_crs("EPSG:4326")
    return frames


def country_of(
    lon: np.ndarray | pd.Series,
    lat: np.ndarray | pd.Series,
    boundaries: Boundaries,
) -> np.ndarray:
    """ISO code of the country each point lies in (``""`` for sea or outside the layers).

    Parameters
    ----------
    lon, lat : array-like of float
        WGS84 coordinates in degrees.
    boundaries : Boundaries
        Layers from :func:`load_boundaries`.

    Returns
    -------
    numpy.ndarray of str

    Examples
    --------
    >>> b = load_boundaries()
    >>> country_of([130.782, 130.366, 131.9], [42.708, 42.863, 42.6], b).tolist()
    ['RUS', 'CHN', '']
    """
    xy = np.column_stack([np.asarray(lon, float), np.asarray(lat, float)])
    # Many deployments share a station: look each distinct place up once.
    places, back = np.unique(xy, axis=0, return_inverse=True)
    found = np.full(len(places), "", dtype=object)
    countries = boundaries.countries.sort_values("iso_a3", kind="stable")
    # A point where two layers' countries overlap lies in both; the first (sorted ISO
    # code) wins. Inside means in the interior, as a spatial join's "within" has it.
    for iso, shape in zip(countries["iso_a3"], countries.geometry, strict=True):
        if shape is None or shape.is_empty:
            continue
        shapely.prepare(shape)
        inside = shapely.contains_xy(shape, places[:, 0], places[:, 1]) & (found == "")
        found[inside] = iso
    return found[back.ravel()]

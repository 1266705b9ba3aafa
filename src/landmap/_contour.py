"""Marching squares (contourpy) turned into shapely polygons, for the home-range isopleths
and the outlines viewers see in place of exact shapes."""

from __future__ import annotations

import itertools

import numpy as np
import shapely
from contourpy import FillType, contour_generator


def tracer(xs: np.ndarray, ys: np.ndarray, z: np.ndarray):
    """A contour generator of ``z`` (rows along ``ys``) and its peak value."""
    return contour_generator(xs, ys, z, fill_type=FillType.OuterOffset), float(np.max(z))


def superlevel(generator, peak: float, threshold: float) -> list[shapely.Polygon]:
    """Polygons (with holes) where the surface is at least ``threshold``: lines through
    the grid, interpolated between its nodes, never along its cell edges."""
    if peak < threshold:
        return []
    points, offsets = generator.filled(threshold, peak * 2)
    polygons = []
    for xy, cuts in zip(points, offsets, strict=True):
        rings = [xy[a:b] for a, b in itertools.pairwise(cuts)]
        polygons.append(shapely.Polygon(rings[0], rings[1:]))
    # a line through a node exactly (the threshold is a node's value) repeats the node
    return list(shapely.remove_repeated_points(polygons, 1e-6)) if polygons else []

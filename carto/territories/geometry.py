"""Dissolving communes into larger zones (departments, EPCI, social-action districts).

Why ``coverage_union_all`` first: the bundle's communes form a coverage (shared borders, made
valid and coverage-simplified at build time), so the coverage union dissolves inner borders
exactly, with no slivers, and much faster than a general union. Hand-made data (a district
file, a corrupt contour) may not be a clean coverage: the general union of valid shapes is
then the fallback.
"""

from __future__ import annotations

import numpy as np
import shapely


def dissolve(geometries: np.ndarray) -> shapely.Geometry:
    """One shape covering ``geometries`` (an array of polygons), without inner borders."""
    shape = shapely.coverage_union_all(geometries)
    if not shape.is_valid:
        shape = shapely.union_all(shapely.make_valid(geometries))
    return shape

"""The portrait's map: zones projected into a box, drawn as SVG (HTML) or as paths (PDF).

Why hand-drawn: no rendering dependency, the SVG opens offline, and the PDF draws the very
same projected polygons, so both files show the same map. Labels are escaped ``<title>``
tooltips.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from carto.diagnosis.portrait.model import MapShape

HIGHLIGHT_FILL = "#1f4e96"
CONTEXT_FILL = "#e4e4e4"


def project(
    shapes: Sequence[MapShape], width: float, height: float, margin: float = 4.0
) -> list[tuple[MapShape, list[list[tuple[float, float]]]]]:
    """Shapes as rings of (x, y) in a width × height box, y downwards, aspect kept.

    Why equirectangular scaled by cos(latitude): at the scale of a department it is
    indistinguishable from Lambert-93, and needs no projection library.
    """
    points = [p for s in shapes for poly in s.polygons for ring in poly for p in ring]
    if not points:
        return []
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    k = math.cos(math.radians((min(ys) + max(ys)) / 2))
    span_x = max((max(xs) - min(xs)) * k, 1e-9)
    span_y = max(max(ys) - min(ys), 1e-9)
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    off_x = (width - span_x * scale) / 2
    off_y = (height - span_y * scale) / 2
    x0, y1 = min(xs), max(ys)

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (off_x + (lon - x0) * k * scale, off_y + (y1 - lat) * scale)

    return [(s, [[xy(*p) for p in ring] for poly in s.polygons for ring in poly]) for s in shapes]


def map_svg(
    shapes: Sequence[MapShape], width: int = 480, height: int = 360, standalone: bool = True
) -> str:
    """SVG of the zones; labels are escaped ``<title>`` tooltips.

    ``standalone=False`` drops the XML namespace, which HTML5 does not need, so that an HTML
    page holds no ``http://`` at all.
    """
    xmlns = 'xmlns="http://www.w3.org/2000/svg" ' if standalone else ""
    parts = [
        f'<svg {xmlns}viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="Carte du territoire">'
    ]
    ordered = sorted(project(shapes, width, height), key=lambda item: item[0].highlight)
    for shape, rings in ordered:
        path = " ".join(
            "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + " Z" for ring in rings
        )
        fill = HIGHLIGHT_FILL if shape.highlight else CONTEXT_FILL
        parts.append(
            f'<path d="{path}" fill="{fill}" fill-opacity="0.75" fill-rule="evenodd" '
            f'stroke="#ffffff" stroke-width="0.6"><title>{html.escape(shape.label)} '
            f"({html.escape(shape.code)})</title></path>"
        )
    parts.append("</svg>")
    return "".join(parts)

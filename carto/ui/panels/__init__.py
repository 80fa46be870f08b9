"""The panels below the map, one module per panel; only the panel chosen is built.

Why one at a time rather than tabs: tabs would build all five on every rerun.
"""

from __future__ import annotations

from collections.abc import Callable

from carto.ui.guard import french_errors
from carto.ui.panels.context import PanelContext
from carto.ui.panels.diagnosis import diagnosis_panel
from carto.ui.panels.imports import imports_panel
from carto.ui.panels.sites import sites_and_districts_panel
from carto.ui.panels.sources import sources_panel
from carto.ui.panels.table import zone_table_panel

PANELS = {
    "table": "Tableau",
    "diagnosis": "Diagnostic partagé",
    "sites": "Sites et territoires d'action sociale",
    "imports": "Données importées",
    "sources": "Sources",
}
_SHOW: dict[str, Callable[[PanelContext], None]] = {
    "table": zone_table_panel,
    "diagnosis": diagnosis_panel,
    "sites": sites_and_districts_panel,
    "imports": lambda ctx: imports_panel(ctx.bundle),
    "sources": sources_panel,
}

__all__ = ["PANELS", "PanelContext", "show"]


def show(panel: str | None, ctx: PanelContext) -> None:
    """Build the panel chosen (none while the selector is cleared); a failure is shown in
    French and logged, and the map above stays."""
    if panel in _SHOW:
        with french_errors(f"affichage du panneau « {PANELS[panel]} »"):
            _SHOW[panel](ctx)

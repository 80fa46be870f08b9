"""Panel « Tableau »: the zones with the view's indicators in French, and the CSV export."""

from __future__ import annotations

import streamlit as st

from carto.compose.table import code_width, shown_indicator_ids
from carto.territories.levels import level as level_words
from carto.ui import cache
from carto.ui.panels.context import PanelContext


def zone_table_panel(ctx: PanelContext) -> None:
    terr, key = ctx.terr, ctx.key
    st.subheader(f"Tableau des {level_words(terr.level).plural}")
    kept_codes = ctx.kept.at(key.level)
    zone_table = cache.get_zone_table(key, kept_codes)
    table = zone_table.frame
    if kept_codes is not None:
        st.caption("Seules les communes retenues par les filtres figurent dans le tableau.")
    shown_ids = shown_indicator_ids(ctx.state, ctx.catalogue, table)
    styled = cache.get_table_styler(key, kept_codes, shown_ids)
    st.dataframe(
        styled.styler,
        hide_index=True,
        width="stretch",
        column_config={
            "Code": st.column_config.TextColumn(width=code_width(table)),
            "EPCI": st.column_config.TextColumn(width=240),  # long names: the figures first
        },
    )
    hidden = len(table.columns) - len(styled.columns)
    st.caption(
        f"{hidden} autre(s) indicateur(s) dans l'export CSV."
        if hidden > 0
        else "Cliquez sur un en-tête de colonne pour trier."
    )
    st.download_button(
        "Exporter le tableau (CSV pour Excel)",
        data=zone_table.csv,
        file_name=f"atlas_{ctx.state.department}_{terr.level}.csv",
        mime="text/csv",
    )

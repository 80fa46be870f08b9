"""« Exporter la carte (PNG) »: the map shown, drawn on the server when the button is pressed.

Why a deferred download: drawing the image takes about a second; Streamlit calls the function
only when the button is clicked (on a thread of its own), so no rerun pays for it.
"""

from __future__ import annotations

import streamlit as st

from carto.map.choropleth import ChoroplethView
from carto.map.image import image_texts, map_png
from carto.territories.zones import Territory


def export_button(view: ChoroplethView, terr: Territory, key: str = "export_png") -> None:
    texts = image_texts(view, terr.label, terr.level)
    st.download_button(
        "Exporter la carte (PNG)",
        data=lambda: map_png(view, terr.zones, texts, terr.level, terr.code),
        file_name=f"carte_{terr.code}_{terr.level}_{view.indicator.id}.png",
        mime="image/png",
        on_click="ignore",
        key=key,
        help="Image 1600 × 900 avec le titre, la légende et la source, pour un diaporama "
        "ou un rapport.",
    )

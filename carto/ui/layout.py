"""The page's layout for a projector: the map, its legend and its source on one screen.

Why CSS sized on the window: the same page is projected at 1280 × 720, read at 1400 × 1000
and on a 390 × 844 phone; the map takes the window's height minus what stands above
it (title, filter banner), so that the legend beside it and the source under the legend are
never pushed below the fold. Streamlit's own top padding (a blank band of ~130 px above the
title) is reduced to what its header needs. The style comes with the map (``page_style``).
"""

from __future__ import annotations

from dataclasses import dataclass

from carto.map.legend import LEGEND_CSS

MAP_FRAME = "div.atlas-map"  # the live map's element (carto.ui.livemap)
ABOVE_MAP_PX = 112  # header, title and gaps above the map (measured at 1280 × 720)
BANNER_PX = 96  # the filter banner (up to three lines)
MEETING_TITLE_PX = 16  # the larger title of the meeting mode
UNDER_TWO_MAPS_PX = 300  # side by side, each legend stands under its map
MIN_MAP_PX = 320


@dataclass(frozen=True)
class PageLayout:
    meeting: bool = False
    banner: bool = False  # a filter banner stands above the map
    two_maps: bool = False

    @property
    def above_map(self) -> int:
        """Pixels of the window's height not given to the map."""
        return (
            ABOVE_MAP_PX
            + (BANNER_PX if self.banner else 0)
            + (MEETING_TITLE_PX if self.meeting else 0)
            + (UNDER_TWO_MAPS_PX if self.two_maps else 0)
        )


def page_css(layout: PageLayout) -> str:
    """The page's style for this layout (pure: the tests read it)."""
    title = "2.1rem" if layout.meeting else "1.7rem"
    legend = ".atlas-legend{font-size:1.25rem!important}" if layout.meeting else ""
    return f"""<style>
[data-testid="stMainBlockContainer"]{{padding:2.75rem 1.5rem 2rem 1.5rem}}
[data-testid="stHeader"]{{height:2.5rem;min-height:2.5rem}}
[data-testid="stMainBlockContainer"] h1{{font-size:{title};padding:0 0 .25rem 0;line-height:1.2}}
{MAP_FRAME}{{height:max({MIN_MAP_PX}px, calc(100vh - {layout.above_map}px))!important}}
@media (max-width: 640px){{
  [data-testid="stMainBlockContainer"]{{padding:3rem .75rem 2rem .75rem}}
  {MAP_FRAME}{{height:62vh!important}}
}}
{legend}
</style>"""


def page_style(layout: PageLayout) -> str:
    """The legend's and the page's style, which the live map puts into the page
    (``carto.ui.livemap``): an element of its own (Markdown with HTML, ``st.html``) made a
    fresh browser fetch and compile its HTML parser or sanitiser before the map."""
    return LEGEND_CSS + page_css(layout)

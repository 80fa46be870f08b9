"""In a real browser, offline: a view's link reopens the same view in a fresh context;
meeting mode and side-by-side maps. Screenshots go to tests/screenshots/ (git-ignored)."""

from __future__ import annotations

import re

import browserkit as bk
import pytest

pytestmark = pytest.mark.browser


def _choose(page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.locator("input").fill(option.split(" · ")[0])  # search the long list as a user would
    page.get_by_role("option", name=option, exact=True).click()


def _legend(page) -> str:
    legend = page.locator(".atlas-legend").first
    legend.wait_for()
    return legend.inner_text()


def _layer_names(frame) -> list[str]:
    return frame.evaluate(
        """() => { const n = [];
          window.map.eachLayer(l => { if (l.feature && l.feature.properties.nom)
            n.push(l.feature.properties.nom); });
          return n; }"""
    )


def test_a_link_reopens_the_same_view_in_a_fresh_browser(app_url):
    with bk.browser() as browser:
        first = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = first.new_page()
        page.goto(app_url + "?dep=54&sel=54395&fpop=lt1500")
        bk.wait_for_map(page)
        _choose(
            page, "Indicateur", "Population municipale · Population · publié pour les 591 communes"
        )
        page.wait_for_url(re.compile(r"ind=population"))
        _choose(page, "Méthode", "Seuils naturels (Jenks)")
        page.wait_for_url(re.compile(r"cls=jenks"))
        page.get_by_text("Mairies", exact=True).click()
        page.wait_for_url(re.compile(r"lay=[^&]*mairies"))
        frame = bk.wait_for_map(page)
        page.wait_for_function(
            "() => document.querySelector('.atlas-legend') &&"
            " document.querySelector('.atlas-legend').innerText.includes('Population municipale')"
        )
        link = page.url
        legend = _legend(page)
        summary = page.get_by_text(re.compile(r"communes sur 591")).first.inner_text()
        names_before = _layer_names(frame)
        bk.screenshot(page, "vue_avant_lien")
        assert "Seuils naturels" not in legend  # the legend shows bounds, not the method
        first.close()

        second = browser.new_context(viewport={"width": 1400, "height": 1000})
        page2 = second.new_page()
        page2.goto(link)
        frame2 = bk.wait_for_map(page2)
        assert "Meurthe-et-Moselle (54)" in page2.locator("h1").first.inner_text()
        assert _legend(page2) == legend
        assert page2.get_by_text(re.compile(r"communes sur 591")).first.inner_text() == summary
        page2.get_by_role("heading", name="Nancy").wait_for()
        names_after = _layer_names(frame2)
        assert sorted(names_after) == sorted(names_before)
        assert any(n.startswith("Mairie de ") for n in names_after)
        assert len(frame2.evaluate(bk.DRAWN_CODES_JS)) == 591
        bk.screenshot(page2, "vue_ouverte_par_lien")
        second.close()


def test_meeting_mode_shows_a_full_width_map_with_its_source(app_url):
    with bk.browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(app_url + "?dep=54&meet=1")
        frame = bk.wait_for_map(page)
        caption = frame.locator(".atlas-map-caption")
        caption.wait_for()
        assert "Source : Insee, Filosofi 2021" in caption.inner_text()
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_attribute("data-collapsed") == "true"
        size = page.locator("h1").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 32  # larger than the normal title, still on one line at 1280 px
        width = page.query_selector(bk.MAP_FRAME).bounding_box()["width"]
        assert width > 0.7 * 1400  # the map takes the page's width, its legend beside it
        bk.screenshot(page, "mode_reunion")


# The zone codes drawn by the n-th map of the page (side by side: two in-page Leaflet maps).
_MAP_CODES_JS = """n => {
  const codes = [];
  Object.values(window.__atlasMaps)[n].eachLayer(l => {
    const p = l.feature && l.feature.properties;
    if (p && p.code && p.fill) codes.push(p.code);
  });
  return codes;
}"""


def test_side_by_side_maps_each_with_its_legend(app_url):
    with bk.browser() as browser:
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(app_url + "?dep=54&ind=densite&sbs=1&ind2=population")
        page.wait_for_function(
            """() => { const maps = Object.values(window.__atlasMaps || {});
                  return maps.length == 2
                    && maps.every(m => Object.keys(m._layers).length > 2); }"""
        )
        for n in range(2):
            assert len(page.evaluate(_MAP_CODES_JS, n)) == 591
        page.locator(".atlas-legend").nth(1).wait_for()  # the legends follow the drawn maps
        legends = page.locator(".atlas-legend").all_inner_texts()
        assert any("Densité" in t for t in legends) and any("Population" in t for t in legends)
        # The maps move together, and the address follows the view without a rerun.
        page.evaluate(
            "() => { Object.values(window.__atlasMaps)[0].setView([48.69, 6.18], 11,"
            " {animate: false}); }"
        )
        page.wait_for_function(
            "() => { const m = Object.values(window.__atlasMaps)[1];"
            " return m.getZoom() === 11 && Math.abs(m.getCenter().lat - 48.69) < 1e-4; }"
        )
        page.wait_for_url(re.compile(r"c=48\.69000,6\.18000&z=11"))
        bk.screenshot(page, "cote_a_cote")

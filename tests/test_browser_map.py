"""In a real browser, offline: the map draws the communes of 54, the legend and the hover."""

from __future__ import annotations

import browserkit as bk
import pytest

pytestmark = pytest.mark.browser


def test_map_draws_the_591_communes_and_the_legend_offline(app_url):
    with bk.browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(app_url)
        frame = bk.wait_for_map(page)
        codes = frame.evaluate(bk.DRAWN_CODES_JS)
        assert len(codes) == 591
        assert all(c.startswith("54") for c in codes)
        # Leaflet came from the app itself, and nothing was asked of any other host (the
        # components' modules are blobs the page makes from what the app sent).
        assert any(u.endswith("/app/static/vendor/leaflet/leaflet.js") for u in requests)
        local = (app_url, "data:", f"blob:{app_url.rstrip('/')}/")
        assert all(u.startswith(local) for u in requests), [
            u for u in requests if not u.startswith(local)
        ]
        legend = page.locator(".atlas-legend")
        legend.wait_for()
        text = legend.inner_text()
        # A fresh install opens on a needs indicator, with its source line, in the legend and
        # inside the map (the caption a screenshot keeps).
        assert "Niveau de vie médian (€)" in text
        assert text.count("communes") >= 5
        assert "Source : Insee, Filosofi 2021" in text
        assert "Secret statistique" in text
        caption = frame.locator(".atlas-map-caption")
        caption.wait_for()
        assert "Niveau de vie médian" in caption.inner_text()
        assert "Source : Insee, Filosofi 2021" in caption.inner_text()
        # Canvas really painted: some pixels carry the palette's darkest class colour.
        painted = frame.evaluate(
            """() => {
              const c = document.querySelector('.leaflet-overlay-pane canvas');
              const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              let n = 0;
              for (let i = 0; i < d.length; i += 4)
                if (d[i] > 150 && d[i+1] < 40 && d[i+2] < 60) n++;
              return n;
            }"""
        )
        assert painted > 1000
        bk.screenshot(page, "carte_54")


def test_hover_shows_name_code_and_value(app_url):
    with bk.browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(app_url)
        frame = bk.wait_for_map(page)
        text = _hover_nancy(page, frame)
        assert "Nancy" in text and "54395" in text and "€" in text


# Fill colour and a mark set on each drawn commune's polygon (to see whether it was reused).
_FILLS_JS = """() => { const out = {};
  window.map.eachLayer(l => { const p = l.feature && l.feature.properties;
    if (p && p.code && 'fill' in p) out[p.code] = [l.options.fillColor, !!l.__seen]; });
  return out; }"""


def _hover_nancy(page, frame) -> str:
    """Centre the map on Nancy at a zoom where the commune fills the view, then hover the
    middle of the map (robust to the page's layout); the tooltip's text."""
    frame.evaluate(
        """() => { window.map.eachLayer(l => {
          if (l.feature && l.feature.properties.code === '54395')
            window.map.setView(l.getCenter(), 14, {animate: false}); }); }"""
    )
    box = page.query_selector(bk.MAP_FRAME).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x - 30, y - 30)
    page.mouse.move(x, y, steps=5)
    tooltip = page.locator(f"{bk.MAP_FRAME} .leaflet-tooltip")
    tooltip.wait_for(timeout=10_000)
    return tooltip.inner_text()


def test_indicator_change_recolours_the_same_polygons_with_new_tooltips(app_url):
    """The choropleth keeps the polygons it drew (same outlines) and gives them the new
    indicator's colours, values and tooltip label."""
    with bk.browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(app_url)
        frame = bk.wait_for_map(page)
        frame.evaluate("() => { window.map.eachLayer(l => { if (l.feature) l.__seen = true; }); }")
        before = frame.evaluate(_FILLS_JS)
        assert len(before) == 591
        box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Indicateur").first
        box.locator("input").fill("Population municipale")
        page.get_by_role(
            "option", name="Population municipale · Population · publié pour les 591 communes"
        ).click()
        frame.wait_for_function(
            "() => { let n = 0; window.map.eachLayer(l => { const p = l.feature &&"
            " l.feature.properties; if (p && 'fill' in p && p.valeur.includes('hab')) n++; });"
            " return n === 591; }",
            timeout=30_000,
        )
        after = frame.evaluate(_FILLS_JS)
        assert sorted(after) == sorted(before)
        assert all(seen for _fill, seen in after.values())  # the very same polygons
        changed = sum(after[c][0] != before[c][0] for c in before)
        assert changed > 100
        # the map's accessible name follows the indicator it shows
        label = page.locator(bk.MAP_FRAME).get_attribute("aria-label")
        assert label == "Carte : Population municipale", label
        text = _hover_nancy(page, frame)
        assert "Population municipale" in text and "Niveau de vie" not in text
        assert "Nancy" in text and "54395" in text and "hab" in text


# When the page's Leaflet map first holds a feature, when the page first shows a data grid, a
# sidebar widget and the signalling component (ms since the epoch), and that component's
# tallest height once the sidebar's widgets are there.
_MARKS_JS = """
(() => {
  const mark = (k) => {
    try {
      const top = window.top;
      top.__marks = top.__marks || {};
      if (!(k in top.__marks)) top.__marks[k] = performance.timeOrigin + performance.now();
    } catch (e) { /* another origin: not ours */ }
  };
  const poll = () => {
    if (window.map && window.map.eachLayer) {
      let found = false;
      window.map.eachLayer(l => { if (l.feature) found = true; });
      if (found) mark('map');
    }
    if (window === window.top) {
      if (document.querySelector('[data-testid="stDataFrame"]')) mark('table');
      if (document.querySelector('[data-testid="stSidebar"] [data-testid="stSelectbox"]'))
        mark('widgets');
      const signal = document.querySelector(".st-key-w_after_map");
      if (signal) {
        mark('signal');
        // what matters: it takes no room once there are widgets below it to push down
        if (document.querySelector('[data-testid="stSidebar"] [data-testid="stSelectbox"]'))
          window.__signalHeight = Math.max(window.__signalHeight || 0,
                                           signal.getBoundingClientRect().height);
      }
    }
    setTimeout(poll, 10);
  };
  poll();
})();
"""


def test_table_and_widgets_come_by_themselves_once_the_map_is_drawn(app_url):
    """The widgets and the panel below the map wait for the browser's signal, then show
    without a click."""
    with bk.browser() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.add_init_script(_MARKS_JS)
        page = context.new_page()
        page.goto(app_url)
        bk.wait_for_map(page)
        page.wait_for_selector('[data-testid="stDataFrame"]', timeout=30_000)
        page.wait_for_selector('[data-testid="stSidebar"] [data-testid="stSelectbox"]')
        marks = page.evaluate("window.__marks")
        assert marks["map"] < marks["table"], marks
        assert marks["map"] < marks["widgets"], marks
        assert page.get_by_text("Tableau des communes").is_visible()
        assert page.get_by_text("dès que la carte est dessinée").count() == 0
        # the signalling component came first and never took any room
        assert marks["signal"] < marks["table"], marks
        assert page.evaluate("window.__signalHeight") < 1
        context.close()


def test_without_leaflet_the_map_says_so_in_french_and_the_page_still_comes(app_url):
    """Leaflet refused by the network: the map's place says why, and the widgets still come
    (the map-drawn signal answers after its timeout)."""
    with bk.browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.route("**/vendor/leaflet/leaflet.js", lambda route: route.abort())
        page.goto(app_url)
        alert = page.locator(f"{bk.MAP_FRAME}[role='alert']")
        alert.wait_for(timeout=30_000)
        assert "La carte n'a pas pu être affichée" in alert.inner_text()
        page.get_by_role("combobox", name="Indicateur").wait_for(timeout=30_000)

"""In a real browser at 1280 × 720 (a projector) and 390 × 844 (a phone): the map, its legend
and its source on one screen, the wheel that scrolls the page, a territory found, observed and
portrayed with the keyboard alone, « Effacer la sélection », the filter banner, and no English
word of Streamlit left on the page. Screenshots go to tests/screenshots/."""

from __future__ import annotations

import re

import browserkit as bk
import pytest

from carto.ui.french import ENGLISH_DEFAULTS

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
SEARCH = "Rechercher une commune"


def _box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def _inside(box: dict, height: int) -> bool:
    return box["y"] >= 0 and box["y"] + box["height"] <= height + 0.5


def _check_one_screen(page, height: int) -> None:
    """The map, the legend and the source are inside the window, nothing above the title."""
    title = _box(page, "h1")
    assert title["y"] < 70, f"blank band above the title: {title['y']} px"
    assert _inside(_box(page, bk.MAP_FRAME), height), _box(page, bk.MAP_FRAME)
    assert _inside(_box(page, ".atlas-legend"), height)
    assert _inside(_box(page, ".atlas-source"), height)
    assert page.locator(".atlas-source").first.inner_text().startswith("Source : ")


def _zones_fill(frame) -> float:
    """Share of the map's height or width (the larger) taken by the drawn territory."""
    return frame.evaluate(
        """() => {
          const b = L.latLngBounds([]);
          window.map.eachLayer(l => { if (l.feature && l.getBounds) b.extend(l.getBounds()); });
          const a = window.map.latLngToContainerPoint(b.getNorthWest());
          const c = window.map.latLngToContainerPoint(b.getSouthEast());
          const size = window.map.getSize();
          return Math.max((c.y - a.y) / size.y, (c.x - a.x) / size.x);
        }"""
    )


def _scroll_top(page) -> float:
    return page.locator('[data-testid="stMain"]').evaluate("e => e.scrollTop")


def _sidebar_open(page) -> bool:
    return page.locator('[data-testid="stSidebar"]').bounding_box()["x"] >= 0


def test_map_legend_and_source_on_one_screen_in_normal_and_meeting_mode(app_url):
    with bk.browser() as browser:
        page = browser.new_page(viewport=PROJECTOR)
        page.goto(app_url)
        frame = bk.wait_for_map(page)
        page.locator(".atlas-legend").wait_for()
        _check_one_screen(page, PROJECTOR["height"])
        assert _zones_fill(frame) > 0.75  # the department fills its map (was half of it)
        bk.screenshot(page, "carte_1280x720")
        # Meeting mode from the sidebar closes the sidebar, as the link's meet=1 does.
        assert _sidebar_open(page)
        page.get_by_text("Mode réunion", exact=True).click()
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stSidebar\"]')"
            ".getBoundingClientRect().right <= 0"
        )
        page.wait_for_function(
            "() => parseFloat(getComputedStyle(document.querySelector('.atlas-legend'))"
            ".fontSize) >= 19"
        )
        page.wait_for_timeout(500)
        _check_one_screen(page, PROJECTOR["height"])
        assert _box(page, bk.MAP_FRAME)["width"] > 0.7 * PROJECTOR["width"]
        bk.screenshot(page, "reunion_1280x720")
        # At 1400 px the map takes the width it is given, and the department fills it.
        page.set_viewport_size({"width": 1400, "height": 1000})
        page.wait_for_timeout(800)
        assert _box(page, bk.MAP_FRAME)["width"] > 0.7 * 1400
        assert _zones_fill(frame) > 0.75
        bk.screenshot(page, "reunion_1400x1000")


def test_wheel_over_the_map_scrolls_the_page_unless_the_map_was_clicked(app_url):
    with bk.browser() as browser:
        page = browser.new_page(viewport=PROJECTOR)
        page.goto(app_url)
        frame = bk.wait_for_page(page)  # the panels below the map give the page its length
        zoom = frame.evaluate("() => window.map.getZoom()")
        box = _box(page, bk.MAP_FRAME)
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.wheel(0, 300)
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stMain\"]').scrollTop > 100"
        )
        assert frame.evaluate("() => window.map.getZoom()") == zoom  # the map did not zoom
        page.locator('[data-testid="stMain"]').evaluate("e => e.scrollTo(0, 0)")
        # With a modifier key held, the wheel zooms the map and the page stays.
        box = _box(page, bk.MAP_FRAME)
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.keyboard.down("Control")
        page.mouse.wheel(0, -120)
        page.keyboard.up("Control")
        frame.wait_for_function(f"() => window.map.getZoom() > {zoom}")
        assert _scroll_top(page) == 0
        # Once the map is clicked, the wheel zooms it until the pointer leaves it.
        frame.evaluate("() => { window.map.fire('click', {latlng: window.map.getCenter()}); }")
        zoomed = frame.evaluate("() => window.map.getZoom()")
        page.wait_for_timeout(300)
        page.mouse.wheel(0, -120)
        frame.wait_for_function(f"() => window.map.getZoom() > {zoomed}")
        assert _scroll_top(page) == 0


def _tab_to(page, test_js: str, limit: int = 160) -> None:
    """Press Tab until the focused element passes ``test_js`` (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const e = document.activeElement; return !!({test_js}); }}"):
            return
    raise AssertionError(f"focus never reached: {test_js}")


def test_search_select_observe_and_portray_with_the_keyboard_alone(app_url):
    with bk.browser() as browser:
        page = browser.new_page(viewport=PROJECTOR)
        page.goto(app_url)
        frame = bk.wait_for_map(page)
        page.get_by_role("radio", name="Tableau").wait_for()  # panels are there
        _tab_to(page, f"e.getAttribute('aria-label') === '{SEARCH}'")
        page.keyboard.type("Nancy")
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Nancy", exact=True).wait_for()
        page.wait_for_url(re.compile(r"sel=54395"))  # the link carries it once the run ends
        # The map looks at Nancy and outlines it, as a click would have selected it.
        frame.wait_for_function("() => window.map.getZoom() >= 10")
        frame.wait_for_function(
            "() => { let w = 0; window.map.eachLayer(l => { if (l.feature &&"
            " l.feature.properties.code === '54395') w = l.options.weight; }); return w >= 4; }"
        )
        frame.wait_for_function("() => !window.map._animatingZoom")
        page.wait_for_timeout(300)
        mapped = page.locator(".atlas-legend-title").first.inner_text().rsplit(" (", 1)[0]
        main = page.locator('[data-testid="stMainBlockContainer"]').inner_text()
        assert re.search(rf"{re.escape(mapped)} : \d", main)  # Nancy's value, readable
        bk.screenshot(page, "selection_nancy_1280x720")
        _tab_to(page, "e.innerText === 'Observer'")
        page.keyboard.press("Enter")
        page.get_by_text("Nouvelle observation — Nancy").wait_for()
        _tab_to(page, "e.getAttribute('aria-label') === 'Organisation'")
        page.keyboard.type("CCAS de Nancy")
        page.keyboard.press("Tab")
        page.keyboard.type("Jeanne Martin")
        _tab_to(page, "e.getAttribute('aria-label') === 'Observation'")
        page.keyboard.type("Hausse des demandes d'aide alimentaire.")
        _tab_to(page, 'e.innerText === "Enregistrer l\'observation"')
        page.keyboard.press("Enter")
        page.get_by_text(re.compile(r"Observation enregistrée \(n° \d+\)")).wait_for()
        page.get_by_text("Commune : Nancy").first.wait_for()  # named, never « 54395 »
        _tab_to(page, "e.innerText && e.innerText.startsWith('Préparer le portrait')")
        page.keyboard.press("Enter")
        page.get_by_role("button", name="PDF").wait_for(timeout=60_000)
        page.get_by_role("button", name="PDF").scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        bk.screenshot(page, "observation_nancy_1280x720")


def test_clear_selection_clears_it_for_good(app_url):
    with bk.browser() as browser:
        page = browser.new_page(viewport=PROJECTOR)
        page.goto(app_url)
        frame = bk.wait_for_map(page)
        frame.evaluate(
            """() => { window.map.eachLayer(l => {
                 if (l.feature && l.feature.properties.code === '54395')
                   window.map.setView(l.getCenter(), 13, {animate: false});
               }); }"""
        )
        box = _box(page, bk.MAP_FRAME)
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.get_by_role("heading", name="Nancy", exact=True).wait_for()
        page.get_by_role("button", name="Effacer la sélection").click()
        page.get_by_role("heading", name="Nancy", exact=True).wait_for(state="detached")
        page.wait_for_timeout(1500)  # the map's last click must not bring it back
        assert page.get_by_role("heading", name="Nancy", exact=True).count() == 0
        assert "sel=" not in page.url
        search = page.get_by_role("combobox", name=SEARCH)
        assert search.input_value() == ""


def test_filter_banner_states_the_criteria(app_url):
    with bk.browser() as browser:
        page = browser.new_page(viewport=PROJECTOR)
        page.goto(app_url + "?dep=54&f=densite:100:&fpop=5000_19999")
        bk.wait_for_map(page)
        banner = page.get_by_text(re.compile(r"^Filtres : ")).first
        text = banner.inner_text()
        assert text.startswith(
            "Filtres : densité de population ≥ 100\u00a0hab./km², communes de 5\u00a0000 à "
            "19\u00a0999 habitants : "
        )
        assert re.search(r": \d+ communes sur 591 — [\d\u00a0]+ habitants sur 733\u00a0481\.", text)
        _check_one_screen(page, PROJECTOR["height"])  # the banner leaves the map on screen
        bk.screenshot(page, "bandeau_filtres_1280x720")


def _english_left(page) -> list[str]:
    """Streamlit's English defaults found in the visible text or in a visible placeholder."""
    shown = page.evaluate(
        """() => {
          const texts = [document.body.innerText];
          document.querySelectorAll('input[placeholder], textarea[placeholder]').forEach(e => {
            if (e.offsetParent !== null) texts.push(e.getAttribute('placeholder'));
          });
          return texts.join('\\n');
        }"""
    )
    return [w for w in ENGLISH_DEFAULTS if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", shown)]


def test_no_english_word_of_streamlit_on_the_page(app_url):
    with bk.browser() as browser:
        page = browser.new_page(viewport=PROJECTOR)
        page.goto(app_url)
        bk.wait_for_map(page)
        page.get_by_role("radio", name="Tableau").wait_for()
        page.get_by_text("Filtrer les communes").click()  # empty multiselects
        page.get_by_role("radio", name="Données importées").click()
        page.get_by_text("200\u00a0Mo par fichier").first.wait_for()  # the file uploaders
        assert page.get_by_role("button", name="Parcourir").count() >= 2
        assert _english_left(page) == []
        page.get_by_role("radio", name="Sites et territoires d'action sociale").click()
        page.get_by_text("Importer un découpage (CSV ou GeoJSON)").click()
        name = page.get_by_role("textbox", name="Nom du jeu de districts")
        name.fill("Secteurs")  # shows Streamlit's « Press Enter to apply »
        page.get_by_text("Entrée pour valider").wait_for()
        assert _english_left(page) == []
        page.get_by_role("radio", name="Tableau").click()
        page.get_by_role("heading", name="Tableau des communes").wait_for()
        page.get_by_role("radio", name="Tableau").click()  # the tab already chosen
        page.wait_for_timeout(800)
        assert page.get_by_role("heading", name="Tableau des communes").is_visible()
        grid = page.locator('[data-testid="stDataFrame"]').first
        grid.hover()
        page.locator('[data-testid="stElementToolbar"] button').first.hover()
        page.locator('[data-testid="stTooltipContent"]').first.wait_for()
        assert _english_left(page) == []
        labels = page.evaluate(
            "() => [...document.querySelectorAll('[aria-label]')]"
            ".map(e => e.getAttribute('aria-label'))"
        )
        assert not [label for label in labels if label in ENGLISH_DEFAULTS]
        bk.screenshot(page, "tableau_1280x720")


def test_phone_screens(app_url):
    with bk.browser() as browser:
        page = browser.new_page(viewport=PHONE)
        page.goto(app_url + "?sel=54395")
        bk.wait_for_map(page)
        page.locator(".atlas-legend").wait_for()
        assert not _sidebar_open(page)
        map_box = _box(page, bk.MAP_FRAME)
        assert map_box["width"] > 0.9 * PHONE["width"] and _inside(map_box, PHONE["height"])
        bk.screenshot(page, "carte_390x844")
        page.get_by_role("heading", name="Nancy", exact=True).scroll_into_view_if_needed()
        bk.screenshot(page, "selection_390x844")

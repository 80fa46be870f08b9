"""In a real browser: image and link Markdown typed by a partner, stored and shown to every
viewer, is shown as text everywhere — no request to the image's address, no working link
(issue 16, defect 5).

Swept places: the indicator's caption (partner source), the Sources panel (label, unit,
source), the imports' expander labels, the partner column heading of the mapping step, the
district heading and table and the selected zone's heading, the filters banner, the site
import's messages, the saved view's confirmation.
"""

from __future__ import annotations

import re

import browserkit as bk
import pytest

from carto.common.text import WORD_JOINER, md_escape
from carto.districts.model import DistrictSet
from carto.districts.storage import save_district_set
from carto.indicators.catalogue import Kind
from carto.indicators.sources.imports import ColumnMapping, PartnerMapping, import_partner
from carto.indicators.sources.store import save_dataset
from carto.territories.bundle import read_bundle
from carto.viewstate.codec import Filters, RangeFilter, ViewState, to_query_string

pytestmark = pytest.mark.browser

TRACK = "http://127.0.0.1:9/track.png"
PHISH = "https://phish.example/"


def img(tag: str) -> str:
    return f"![{tag}]({TRACK}?{tag})"


def link(tag: str) -> str:
    return f"[{tag}]({PHISH}{tag})"


TITLE = f"CAF {img('titre')} {link('titre')}"
LABEL = f"Part {img('libelle')} {link('libelle')}"
UNIT = link("unite")
SOURCE = f"{img('source')} {link('source')}"
DISTRICT_A = f"Nord {img('d')}"
DISTRICT_B = f"Sud {link('d')}"
SET = f"Jeu {link('jeu')}"
VIEW = f"Vue {img('vue')} {link('vue')}"
SITE = f"CCAS {img('site')}"
CATEGORY = link("cat")
COLUMN = f"alloc {img('col')}"


def _seed() -> tuple[str, str]:
    communes = read_bundle().communes
    codes = sorted(communes.loc[communes["DEP"] == "54", "CODGEO"])
    rows = "\n".join(f"{c};{i % 97}" for i, c in enumerate(codes))
    mapping = PartnerMapping(
        TITLE, SOURCE, "code", (ColumnMapping("v", LABEL, Kind.VALUE, unit=UNIT, vintage="2024"),)
    )
    dataset = import_partner(f"code;v\n{rows}\n".encode(), mapping, name="caf.csv")
    stored = save_dataset(dataset)
    half = len(codes) // 2
    mapping_d = {c: DISTRICT_A if i < half else DISTRICT_B for i, c in enumerate(codes)}
    save_district_set(DistrictSet("54", SET, mapping_d))
    state = ViewState(
        department="54",
        level="district",
        district_set=SET,
        indicator=stored.indicators[0].id,
        selected=DISTRICT_A,
        filters=Filters(ranges=(RangeFilter(stored.indicators[0].id, 0.0, None),)),
    )
    return stored.indicators[0].id, "?" + to_query_string(state)


HOSTILE_DOM = """() => {
  const docs = [document, ...[...document.querySelectorAll('iframe')]
    .map(f => { try { return f.contentDocument } catch (e) { return null } }).filter(Boolean)];
  const found = [];
  for (const d of docs) {
    for (const e of d.querySelectorAll('img[src*="track.png"], a[href*="phish.example"]'))
      found.push(e.outerHTML.slice(0, 200));
  }
  return found;
}"""


def displayed(literal: str) -> str:
    """How the page shows a typed text: as typed, bare addresses broken by a word joiner."""
    return re.sub(r"\\(.)", r"\1", md_escape(literal))


def _panel(page, label: str) -> None:
    """Choose a panel below the map (a segmented control: buttons holding a paragraph)."""
    page.locator(f'button:has(p:text-is("{label}"))').first.click()
    page.wait_for_timeout(1500)


def test_markdown_typed_by_partners_is_shown_as_text_everywhere(tmp_path, monkeypatch):
    bk.require_browser()
    data = tmp_path / "donnees"
    monkeypatch.setenv("ATLAS_DATA_DIR", str(data))
    _, query = _seed()
    requests: list[str] = []
    seen: list[str] = []
    with bk.serve(env={"ATLAS_DATA_DIR": str(data)}) as url, bk.browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("request", lambda r: requests.append(r.url))
        page.goto(url + query)
        bk.wait_for_map(page)
        page.get_by_text(displayed(DISTRICT_A), exact=False).first.wait_for(timeout=60_000)
        seen.append(page.inner_text("body"))  # caption, banner, legend, selected district

        _panel(page, "Sources")
        page.get_by_text(displayed(img("source")), exact=False).first.wait_for(timeout=30_000)
        seen.append(page.inner_text("body"))

        _panel(page, "Données importées")
        page.get_by_text(displayed(img("titre")), exact=False).first.wait_for(timeout=30_000)
        page.get_by_text("Tableau d'un partenaire").first.click()
        page.locator("input[type=file]").first.set_input_files(
            files=[{"name": "caf.csv", "mimeType": "text/csv",
                    "buffer": f"code;{COLUMN}\n54395;3\n".encode()}]
        )  # fmt: skip
        columns = page.get_by_role("combobox", name=re.compile("Colonnes de valeurs"))
        columns.wait_for(timeout=30_000)
        columns.click()
        page.keyboard.type("alloc")
        page.keyboard.press("Enter")
        page.get_by_text(displayed(f"Colonne « {COLUMN} »"), exact=False).first.wait_for(
            timeout=30_000
        )
        seen.append(page.inner_text("body"))

        _panel(page, "Sites et territoires d'action sociale")
        page.get_by_text(displayed(DISTRICT_A), exact=False).first.wait_for(timeout=30_000)
        page.get_by_text("Importer une liste de sites").first.click()
        csv = f"nom;categorie;code commune\n{SITE};{CATEGORY};54395\n{SITE} 2;CCAS;99999\n"
        page.locator("input[type=file]").first.set_input_files(
            files=[{"name": "sites.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
        )
        page.get_by_text("non reconnue", exact=False).first.wait_for(timeout=30_000)
        seen.append(page.inner_text("body"))

        _panel(page, "Diagnostic partagé")
        page.get_by_label("Nom de la vue").fill(VIEW)
        page.get_by_role("button", name="Enregistrer la vue actuelle").click()
        page.get_by_text(displayed(f"Vue « {VIEW} » enregistrée"), exact=False).first.wait_for(
            timeout=30_000
        )
        seen.append(page.inner_text("body"))
        bk.screenshot(page, "injection_markdown")
        leaked = page.evaluate(HOSTILE_DOM)
        app = url
    text = "\n".join(seen).replace(WORD_JOINER, "")  # the joiner that breaks bare addresses
    for literal in (TITLE, LABEL, SOURCE, UNIT, DISTRICT_A, VIEW, SITE, CATEGORY, COLUMN):
        assert literal in text, literal  # shown, as typed
    assert leaked == []
    fetched = [u for u in requests if not u.startswith(app)]  # the app's own link holds them
    assert not [u for u in fetched if "track.png" in u or "phish.example" in u]

"""The deployment recipe, end to end (issue 15): PostgreSQL, two app servers and nginx started
on loopback by ``deploy/atlas-cluster.sh``; a browser pinned to server A imports a table,
saves a district set and writes an observation with the edit code; a browser pinned to
server B sees all three; server A is killed; the first browser reloads and finds the same
view and the same data through B. Nothing is written to the servers' data folder.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

import browserkit as bk
import pytest
from clusterkit import AFFINITY_COOKIE, cluster
from pgcluster import private_cluster

from carto.common import backends
from carto.indicators.sources.store import list_datasets
from carto.territories.bundle import read_bundle

pytestmark = [
    pytest.mark.deploy,
    pytest.mark.postgres,
    pytest.mark.browser,
    pytest.mark.integration,
]

SECRET = "code-du-diagnostic-54"
TITLE = "Allocataires CAF test"
LABEL = "Allocataires test"
SET_NAME = "Secteurs du test"
NOTE = "Files d'attente plus longues au CCAS de Nancy depuis septembre."


def _partner_csv() -> bytes:
    communes = read_bundle().communes
    codes = sorted(communes.loc[communes["DEP"] == "54", "CODGEO"])
    return ("code;alloc\n" + "\n".join(f"{c};{i % 50}" for i, c in enumerate(codes))).encode()


def _districts_csv() -> bytes:
    communes = read_bundle().communes
    codes = sorted(communes.loc[communes["DEP"] == "54", "CODGEO"])
    half = len(codes) // 2
    rows = [f"{c};{'Nord' if i < half else 'Sud'}" for i, c in enumerate(codes)]
    return ("code;district\n" + "\n".join(rows)).encode()


def _panel(page, label: str) -> None:
    """Choose a panel below the map (clicking the panel shown would close it)."""
    button = page.locator(f'button:has(p:text-is("{label}"))').first
    button.wait_for(timeout=60_000)
    if button.get_attribute("aria-checked") != "true":
        button.click()


def _textbox(page, label: str):
    return page.get_by_role("textbox", name=label, exact=True).first


def _edit_code(page) -> None:
    field = page.locator("input[type=password]").first
    field.fill(SECRET)
    field.press("Enter")
    page.get_by_text("Code d'édition saisi").first.wait_for(timeout=30_000)


def _import_table(page) -> None:
    _panel(page, "Données importées")
    page.get_by_text("Tableau d'un partenaire").first.click()
    page.locator("input[type=file]").first.set_input_files(
        files=[{"name": "caf.csv", "mimeType": "text/csv", "buffer": _partner_csv()}]
    )
    columns = page.get_by_role("combobox", name=re.compile("Colonnes de valeurs"))
    columns.click()
    page.keyboard.type("alloc")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    _textbox(page, "Libellé affiché").fill(LABEL)
    _textbox(page, "Titre du jeu de données").fill(TITLE)
    page.get_by_role("button", name="Importer le tableau").click()
    page.get_by_text(f"Import enregistré : « {TITLE} »").first.wait_for(timeout=60_000)


def _save_districts(page) -> None:
    _panel(page, "Sites et territoires d'action sociale")
    page.get_by_text("Importer un découpage (CSV ou GeoJSON)").first.click()
    uploader = page.locator('[data-testid="stFileUploader"]').filter(
        has_text="Importer un découpage (CSV code commune"
    )
    uploader.locator("input[type=file]").first.set_input_files(
        files=[{"name": "secteurs.csv", "mimeType": "text/csv", "buffer": _districts_csv()}]
    )
    _textbox(page, "Nom du jeu de districts").fill(SET_NAME)
    _textbox(page, "Nom du jeu de districts").press("Enter")
    page.get_by_role("button", name="Enregistrer ce découpage").click()
    page.get_by_text(f"Découpage « {SET_NAME} » enregistré.").first.wait_for(timeout=60_000)


def _write_observation(page) -> None:
    _panel(page, "Diagnostic partagé")
    _textbox(page, "Organisation").fill("CCAS de Nancy")
    _textbox(page, "Auteur").fill("Jeanne Martin")
    _textbox(page, "Observation").fill(NOTE)
    page.get_by_role("button", name="Enregistrer l'observation").click()
    page.get_by_text("Observation enregistrée (n°").first.wait_for(timeout=60_000)


def _sees_everything(page) -> str:
    """The view of the link: the imported indicator drawn, the set's districts outlined, the
    observation listed; returns the legend."""
    frame = bk.wait_for_map(page)
    page.wait_for_function(
        "label => [...document.querySelectorAll('.atlas-legend')]"
        ".some(e => e.innerText.includes(label))",
        arg=LABEL,
        timeout=60_000,
    )
    legend = page.locator(".atlas-legend").first.inner_text()
    page.get_by_role("heading", name="Nancy").first.wait_for(timeout=60_000)  # the selection
    frame.wait_for_function(  # the set's districts, outlined and labelled over the map
        """() => { const t = [...document.querySelectorAll('.atlas-label')]
                     .map(e => e.innerText); return t.includes('Nord') && t.includes('Sud'); }""",
        timeout=60_000,
    )
    _panel(page, "Diagnostic partagé")
    page.get_by_text(NOTE).first.wait_for(timeout=60_000)
    return legend


def _stored_datasets(url: str) -> list:
    """The datasets the servers stored, read from the database by this process."""
    previous = os.environ.get("ATLAS_DATABASE_URL")
    os.environ["ATLAS_DATABASE_URL"] = url
    try:
        return list_datasets()
    finally:
        os.environ.pop("ATLAS_DATABASE_URL")
        if previous is not None:
            os.environ["ATLAS_DATABASE_URL"] = previous
        backends.close_all()


def _pinned(browser, proxy: str, cookie: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_cookies([{"name": AFFINITY_COOKIE, "value": cookie, "url": proxy}])
    return context.new_page()


@contextlib.contextmanager
def screenshots_on_failure(pages: list) -> Iterator[None]:
    """Keep what each page showed when a step fails (tests/screenshots/, git-ignored)."""
    try:
        yield
    except BaseException:
        for n, page in enumerate(pages):
            with contextlib.suppress(Exception):
                bk.screenshot(page, f"deploiement_echec_{n}")
        raise


def test_two_servers_one_atlas_and_a_server_lost(tmp_path: Path):
    bk.require_browser()
    data = tmp_path / "donnees"  # the servers' data folder: must stay empty
    data.mkdir()
    env = {"ATLAS_EDIT_SECRET": SECRET, "ATLAS_DATA_DIR": str(data)}
    pages: list = []
    with (
        private_cluster() as pg,
        cluster(tmp_path / "run", pg.url, extra_env=env) as servers,
        bk.browser() as browser,
        screenshots_on_failure(pages),
    ):
        a, b = servers.ports
        cookie_a, cookie_b = servers.cookie_for(a), servers.cookie_for(b)
        pages.append(page_a := _pinned(browser, servers.proxy, cookie_a))
        page_a.goto(servers.proxy + "?dep=54&sel=54395")
        bk.wait_for_map(page_a)
        _panel(page_a, "Données importées")
        _edit_code(page_a)
        _import_table(page_a)
        _save_districts(page_a)
        _write_observation(page_a)

        # The view a partner would share: the imported indicator, the set, Nancy selected.
        [dataset] = _stored_datasets(pg.url)
        link = (
            f"{servers.proxy}?dep=54&ind={dataset.indicators[0].id}&dset={SET_NAME}"
            "&lay=communes,districts&sel=54395"
        )
        page_a.goto(link)
        bk.wait_for_map(page_a)

        pages.append(page_b := _pinned(browser, servers.proxy, cookie_b))
        page_b.goto(link)
        legend = _sees_everything(page_b)  # B sees the import, the set and the observation
        assert servers.upstream(cookie_a) == cookie_a and servers.upstream() in (cookie_a, cookie_b)

        servers.kill(a)
        page_a.reload()
        assert _sees_everything(page_a) == legend  # the same view and data, through B
        assert servers.upstream(cookie_a) == cookie_b  # A's group falls back on B
        cookies = {c["name"]: c["value"] for c in page_a.context.cookies()}
        assert cookies[AFFINITY_COOKIE] == cookie_b  # the browser now stays on B
        bk.screenshot(page_a, "serveur_perdu_meme_vue")
    assert sorted(data.rglob("*")) == []  # nothing a user created touched the servers' disk

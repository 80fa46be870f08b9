"""The exported HTML portrait in a real browser, offline: it draws, loads nothing, runs nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from browserkit import CHROMIUM, CHROMIUM_ARGS, require_browser
from shapely.geometry import box

from carto.diagnosis.model import Observation
from carto.diagnosis.portrait.files import to_html
from carto.diagnosis.portrait.model import MapShape, PortraitData, SiteRow

XSS = "<img src=x onerror=alert(1)>"


@pytest.mark.browser
def test_html_portrait_opens_offline_and_never_runs_user_text(tmp_path: Path):
    require_browser()
    from playwright.sync_api import sync_playwright

    ring = tuple(box(6.0, 48.6, 6.2, 48.7).exterior.coords)
    obs = Observation(
        "commune", "54395", "54", f"CCAS {XSS}", "Jeanne", "santé",
        f"Note <script>alert(2)</script> {XSS}", date(2025, 1, 2), id=1,
    )  # fmt: skip
    data = PortraitData(
        territory_name=f"Nancy {XSS}",
        territory_level="Commune",
        territory_code="54395",
        department_name="Meurthe-et-Moselle",
        sites=(SiteRow(f"CCAS {XSS}", "CCAS"),),
        observations=(obs,),
        shapes=(MapShape("54395", f"Nancy {XSS}", ((ring,),)),),
    )
    page_path = tmp_path / "portrait.html"
    page_path.write_text(to_html(data), encoding="utf-8")

    requests: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(page_path.as_uri())
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)
        assert page.locator("img").count() == 0 and page.locator("script").count() == 0
        assert page.locator("svg path").count() == 1
        body = page.inner_text("body")
        browser.close()
    assert dialogs == []
    assert requests == [page_path.as_uri()]
    assert f"Nancy {XSS}" in body and "<script>alert(2)</script>" in body

"""In headless chromium: the button copies the page's own address plus the view's query string."""

from __future__ import annotations

from pathlib import Path

import browserkit as bk
import pytest

pytestmark = pytest.mark.browser

APP = """
from carto.ui.link import render_copy_link_button
render_copy_link_button("v=1&dep=57&sel=Lun%C3%A9ville&meet=1")
"""


@pytest.fixture
def app_url(tmp_path: Path):
    bk.require_browser()
    script = tmp_path / "app.py"
    script.write_text(APP, encoding="utf-8")
    with bk.serve(script, env={"ATLAS_DATA_DIR": str(tmp_path / "data")}) as url:
        yield url


def test_copy_button_writes_the_full_link_to_the_clipboard(app_url: str) -> None:
    with bk.browser() as browser:
        context = browser.new_context()
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
        page = context.new_page()
        page.goto(app_url + "?unrelated=1")
        frame = page.frame_locator("iframe").first
        frame.get_by_role("button", name="Copier le lien de cette vue").click(timeout=20_000)
        frame.get_by_text("Lien copié.").wait_for(timeout=10_000)
        copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == app_url + "?v=1&dep=57&sel=Lun%C3%A9ville&meet=1"

"""In headless chromium: the button copies the page's own address plus the view's query string."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
APP = """
from carto.ui.link import render_copy_link_button
render_copy_link_button("v=1&dep=57&sel=Lun%C3%A9ville&meet=1")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def app_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium absent (/usr/bin/chromium)")
    pytest.importorskip("playwright")
    script = tmp_path / "app.py"
    script.write_text(APP, encoding="utf-8")
    port = _free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless=true",
           f"--server.port={port}", "--server.address=127.0.0.1",
           "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"]  # fmt: skip
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path / "data"))  # inherited by the server
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urlopen(url + "_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_copy_button_writes_the_full_link_to_the_clipboard(app_url: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-quic",
                  "--no-first-run"],
        )  # fmt: skip
        try:
            context = browser.new_context()
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
            page = context.new_page()
            page.goto(app_url + "?unrelated=1")
            frame = page.frame_locator("iframe").first
            frame.get_by_role("button", name="Copier le lien de cette vue").click(timeout=20_000)
            frame.get_by_text("Lien copié.").wait_for(timeout=10_000)
            copied = page.evaluate("navigator.clipboard.readText()")
        finally:
            browser.close()
    assert copied == app_url + "?v=1&dep=57&sel=Lun%C3%A9ville&meet=1"

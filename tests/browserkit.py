"""Real-browser harness: the app served on 127.0.0.1, Debian's chromium driven by playwright.

No browser is downloaded (``playwright install`` is never run) and chromium is started with
the flags that keep it off the network, so a test proves the map draws offline.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.request import urlopen

import pytest

REPO_DIR = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREENSHOTS = REPO_DIR / "tests" / "screenshots"
MAP_FRAME = "div.atlas-map"  # the live map, drawn in the page (carto/ui/livemap.py)


def require_browser() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium absent (/usr/bin/chromium) : apt-get install chromium")
    pytest.importorskip("playwright", reason="paquet playwright absent")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(script: Path = REPO_DIR / "streamlit_app.py", env: dict | None = None) -> Iterator[str]:
    """Start ``streamlit run`` (the atlas: ``python -m carto.ui.serve``) on a free loopback
    port; yield its URL once its health endpoint answers; always stop it."""
    port = free_port()
    # The atlas starts as deployed: its launcher imports the app before the server listens.
    start = (
        ["-m", "carto.ui.serve"]
        if Path(script).resolve() == (REPO_DIR / "streamlit_app.py").resolve()
        else ["-m", "streamlit", "run", str(script)]
    )
    cmd = [
        sys.executable, *start,
        "--server.headless=true", f"--server.port={port}", "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd,
        cwd=REPO_DIR,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(150):
            try:
                urlopen(url + "_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("le serveur Streamlit n'a pas démarré")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.contextmanager
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def wait_for_map(page, timeout: float = 60_000):
    """Wait until Leaflet has drawn at least one GeoJSON feature; return the frame holding the
    map (the page's own: the map is drawn in the page, ``window.map``)."""
    page.wait_for_selector(MAP_FRAME, timeout=timeout)
    page.locator(
        f"{MAP_FRAME} .leaflet-overlay-pane canvas, {MAP_FRAME} .leaflet-overlay-pane path"
    ).first.wait_for(timeout=timeout)
    frame = page.main_frame
    frame.wait_for_function(
        "() => window.map && Object.keys(window.map._layers).length > 2", timeout=timeout
    )
    return frame


def wait_for_page(page, timeout: float = 60_000):
    """The map, then the rest of the page: the widgets, legend and panels come with the rerun
    that follows the browser's « map drawn » (carto/ui/after_map.py). Returns the map's frame."""
    frame = wait_for_map(page, timeout)
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.wait_for(
        timeout=timeout
    )
    page.locator(".atlas-legend").first.wait_for(timeout=timeout)
    return frame


# Feature codes drawn by Leaflet (GeoJSON layers that carry an INSEE code), read in the page.
DRAWN_CODES_JS = """
() => {
  const codes = [];
  window.map.eachLayer(l => {
    if (l.feature && l.feature.properties && l.feature.properties.code && l.feature.properties.fill)
      codes.push(l.feature.properties.code);
  });
  return codes;
}
"""


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path

"""Serve Leaflet from the app itself, so the map draws with no internet.

Why copy at start-up: Streamlit's static serving only serves ``static/`` next to the script,
and Leaflet must come from a package registry (the ``django-js-lib-leaflet`` wheel, pinned in
pyproject.toml), never be hand-copied into the repository. Copying is idempotent and cheap.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from carto.common.paths import REPO_DIR

STATIC_DIR = REPO_DIR / "static"
LEAFLET_DIR = STATIC_DIR / "vendor" / "leaflet"
LEAFLET_URL = "/app/static/vendor/leaflet"
LEAFLET_JS = [("leaflet", f"{LEAFLET_URL}/leaflet.js")]
LEAFLET_CSS = [("leaflet_css", f"{LEAFLET_URL}/leaflet.css")]


def leaflet_source() -> Path:
    """Leaflet 1.9.4 inside the installed django-js-lib-leaflet wheel (Django not imported)."""
    root = resources.files("js_lib_leaflet") / "static" / "js_lib_leaflet"
    return Path(str(root))


def ensure_leaflet(target: Path = LEAFLET_DIR) -> Path:
    """Copy leaflet.js, leaflet.css and its images into ``static/`` if not already there."""
    src = leaflet_source()
    if not (src / "leaflet.js").exists():
        raise FileNotFoundError(
            "Leaflet introuvable : installez le projet (pip install -e .), "
            "qui apporte le paquet django-js-lib-leaflet."
        )
    target.mkdir(parents=True, exist_ok=True)
    for name in ("leaflet.js", "leaflet.css"):
        dst = target / name
        if not dst.exists() or dst.stat().st_size != (src / name).stat().st_size:
            shutil.copyfile(src / name, dst)
    if (src / "images").is_dir():
        shutil.copytree(src / "images", target / "images", dirs_exist_ok=True)
    return target

"""The launcher imports the app's code before the server listens (carto/ui/serve.py).

What matters for the first visitor: after the preload, the first run has little left to
import (the interface layer and the map component), and nothing that declares a Streamlit
component was imported before the runtime existed (the page would get empty frames; the
browser tests, which start the atlas through the launcher, see the map drawn).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from carto.ui.serve import APP, SKIPPED, domain_modules, streamlit_argv

REPO_DIR = Path(__file__).resolve().parents[1]

PROBE = """
import json, sys
from carto.ui.serve import preload
preload()
before = set(sys.modules)
import carto.ui.cache, carto.ui.mapview, carto.ui.sidebar, carto.ui.views, carto.ui.after_map
import carto.ui.panels
after = set(sys.modules) - before
print(json.dumps({"before": sorted(before), "after": sorted(after)}))
"""


def _probe() -> dict[str, list[str]]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO_DIR, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_preload_leaves_only_the_interface_to_import():
    seen = _probe()
    assert not [m for m in seen["before"] if m.startswith("carto.ui.") and m != "carto.ui.serve"]
    heavy = ("geopandas", "pyarrow", "folium", "mapclassify", "scipy", "shapely", "pandas")
    assert all(h in seen["before"] for h in heavy)
    left = [m for m in seen["after"] if not m.startswith(("carto.ui", "streamlit.", "carto_"))]
    # What the first run still imports is small: no scientific library, no domain module.
    assert not [m for m in left if m.split(".")[0] in {*heavy, "carto", "sklearn"}], left


def test_every_domain_module_is_preloaded_and_the_interface_is_not():
    names = domain_modules()
    files = [
        p.relative_to(REPO_DIR).with_suffix("")
        for p in (REPO_DIR / "carto").rglob("*.py")
        if p.name != "__init__.py"
    ]
    expected = {".".join(f.parts) for f in files if not ".".join(f.parts).startswith(SKIPPED)}
    assert expected <= set(names)
    assert not [n for n in names if n.startswith(SKIPPED)]


def test_streamlit_is_asked_to_run_the_app_with_the_options_given():
    argv = streamlit_argv(["--server.port=8502", "--server.headless=true"])
    assert argv == ["streamlit", "run", str(APP), "--server.port=8502", "--server.headless=true"]
    assert APP.name == "streamlit_app.py" and APP.exists()

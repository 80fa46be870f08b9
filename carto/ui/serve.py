"""Start the atlas's Streamlit server with the app's libraries already imported.

    python -m carto.ui.serve [streamlit options]     # e.g. --server.port=8502

Why: ``streamlit run`` imports nothing of the app until the first browser connects, so the
first partner after a (re)start waits while one core imports Streamlit's runtime, folium,
geopandas, pyarrow and mapclassify/scipy (about 1,7 s of the first visit's 2,2 s on the
benchmark machine). Importing the same modules before the server listens moves that wait to
the start, where nobody is looking at a page: the health endpoint answers once the server can
serve quickly, and the deployment recipe waits for it. Only code is loaded here (not the
interface layer, see ``SKIPPED``); data are read
at the first view, by department (``carto.territories.partitions``), then warmed in the
background (``carto.ui.warmup``). The script run is the plain ``streamlit run`` one, in this
same process, so every option of ``streamlit run`` applies.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

import carto

APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"
# Not preloaded: carto.ui declares Streamlit components (the map, the map-drawn signal) at
# import time, which must happen once the server's runtime exists, or the page gets empty
# elements. Everything below the interface is plain Python.
SKIPPED = ("carto.ui",)
# Libraries only the interface layer imports (the table's Styler).
LIBRARIES = ("streamlit", "pandas.io.formats.style")


def domain_modules() -> list[str]:
    """Every module of ``carto`` below its interface layer, i.e. all the app's code and,
    through it, the libraries it uses (geopandas, pyarrow, folium, mapclassify and scipy)."""
    names: list[str] = []
    pending = [("carto.", list(carto.__path__))]
    while pending:  # by hand: pkgutil.walk_packages would import carto.ui to recurse into it
        prefix, path = pending.pop()
        for info in pkgutil.iter_modules(path, prefix):
            if info.name in SKIPPED:
                continue
            names.append(info.name)
            if info.ispkg:
                folder = Path(path[0]) / info.name.rsplit(".", 1)[-1]
                pending.append((info.name + ".", [str(folder)]))
    return sorted(names)


def preload() -> list[str]:
    """Import the app's domain code and the interface's libraries; returns the names."""
    names = [*LIBRARIES, *domain_modules()]
    for name in names:
        importlib.import_module(name)
    return names


def streamlit_argv(options: list[str], app: Path = APP) -> list[str]:
    """The command line handed to Streamlit's own entry point."""
    return ["streamlit", "run", str(app), *options]


def main(options: list[str] | None = None) -> int:
    preload()
    from streamlit.web import cli

    sys.argv = streamlit_argv(sys.argv[1:] if options is None else options)
    return cli.main()


if __name__ == "__main__":
    raise SystemExit(main())

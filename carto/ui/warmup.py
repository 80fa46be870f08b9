"""The server's warm-up: all of France read in the background once the first view is drawn.

Why after the first view: the first visit after a start should wait for its department only
(``carto.territories.bundle.Bundle.department``); the national tables are read next, while the
user looks at the map, by a thread of their own.
"""

from __future__ import annotations

import gc
import logging
import threading

from carto.indicators.national import NationalData
from carto.territories.bundle import Bundle
from carto.ui import cache

WARM_UP_DELAY_S = 2.0  # the first view's browser draws its map first, on the same machine
_WARM_UP = threading.Lock()
_warm_up_started = threading.Event()


def warm_up_in_background() -> None:
    """After the first view, read all of France in a thread of its own, once per process.

    The first view read its department alone (``Bundle.department``); the France view, the
    reference values over all of France and the panels naming any commune of France (imports,
    sites, districts) need every commune. They would read it themselves at first use (waiting
    for a read in progress); the warm-up reads it before anyone waits for it.
    """
    with _WARM_UP:
        if _warm_up_started.is_set():
            return
        _warm_up_started.set()
    # A full collection (Python's own, as objects are allocated; Streamlit's after every run
    # is off in .streamlit/config.toml) walks every object alive (~0,3 s after the imports).
    # What lives now (modules, the first view's caches) stays for the process's life: frozen,
    # collections walk only what comes after.
    gc.freeze()
    bundle, national = cache.get_bundle(), cache.get_national()
    timer = threading.Timer(WARM_UP_DELAY_S, _warm, (bundle, national))
    timer.daemon = True
    timer.name = "atlas-warm-up"
    timer.start()


def _warm(bundle: Bundle, national: NationalData) -> None:
    try:
        bundle.warm()
        national.warm()
    except Exception:  # the next use reads again and says what is wrong, in French
        logging.getLogger(__name__).exception("préchargement des données nationales")
    # France read, frozen as well: every full collection would walk it again (after each run,
    # when Streamlit collected then, that cost a new session more than its own script did).
    gc.collect()
    gc.freeze()

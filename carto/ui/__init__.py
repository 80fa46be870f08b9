"""Streamlit widgets, panels and caches: the only package of ``carto`` that imports Streamlit.

It draws widgets and wraps the builders of ``carto.compose`` in ``st.cache_*``; no domain rule
is written here. ``cache`` (the cached parts of a view), ``state`` (widgets ↔ link),
``sidebar/`` (one module per section), ``views`` and ``mapview`` (the map fragment),
``livemap`` (the map drawn in the page), ``panels/`` (one module per panel below the map),
``link``, ``after_map``, ``table``, ``hooks`` (every private name of a third-party package,
guarded), ``edit_code`` (the code typed once per session), ``guard`` (French messages instead
of tracebacks, confirmation before a replacement) and ``uploads`` (each upload parsed once).
May import every other package of ``carto``.
"""

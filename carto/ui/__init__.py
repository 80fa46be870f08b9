"""Streamlit widgets, panels and caches: the only package of ``carto`` that imports Streamlit.

It wires widgets to the pure packages below and wraps their builders in ``st.cache_*``; no
domain rule is written here. May import every other package of ``carto``.
"""

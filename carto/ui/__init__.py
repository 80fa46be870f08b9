"""Streamlit widgets and panels: the only part of carto that imports streamlit."""

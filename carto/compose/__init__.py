"""What one view shows, assembled from the domains: the typed keys of a view, the territory
drawn (communes, EPCI, districts or IRIS, with imported measures and the distance to sites),
the map views asked for (plain, comparison, evolution) and the table under the map.

Why a package of its own: the Streamlit layer must only wrap these builders in ``st.cache_*``
and draw widgets; what a view is made of is decided here, without Streamlit, so it is tested
as plain functions. Everything crossing its boundary is a frozen dataclass or a DataFrame.

May import ``viewstate``, ``map``, ``diagnosis``, ``sites``, ``districts``, ``indicators``,
``territories`` and ``common``; never ``ui`` nor Streamlit.
"""

"""What is drawn: class breaks and palettes, legends, GeoJSON and the offline Leaflet base map,
choropleth and diverging (comparison, evolution) views, proportional circles, and the layers
sent with each rerun.

May import ``sites``, ``districts``, ``indicators``, ``territories`` and ``common``; never
``diagnosis``, ``viewstate`` or ``ui``.
"""

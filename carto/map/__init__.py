"""What is drawn: class breaks and palettes (shared by two vintages), legends, GeoJSON, its
compact form for the browser (``compact``, drawn by ``vector``) and the offline Leaflet base
map, choropleth and diverging (comparison, evolution) views, proportional circles, the
town-hall layer, and the layers sent with each rerun.

May import ``sites``, ``districts``, ``indicators``, ``territories`` and ``common``; never
``diagnosis``, ``viewstate`` or ``ui``.
"""

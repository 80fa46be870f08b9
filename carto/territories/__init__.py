"""Where: the bundled geography (communes, EPCI, departments, regions, town halls), commune
history across the yearly geography changes and how a file's codes land on the current communes
(``codes``), IRIS contours (and the checks of polygons read from people's files,
``polygons_in``), population size classes, how
communes dissolve into larger zones, and the French names of every level (``levels``).

May import ``carto.common`` only. Knows nothing of indicators beyond the raw measure columns of
the bundle.
"""

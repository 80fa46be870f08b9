"""The local social network on the map: categories of structures (CCAS, CIAS, MDS, CAF…),
site lists and their storage, importers (generic files and national sources), how sites are
drawn, and the distance from each commune to the nearest site (coverage).

May import ``carto.indicators``, ``carto.territories`` and ``carto.common``; never ``districts``.
"""

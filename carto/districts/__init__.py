"""The Département's social-action districts (circonscriptions, territoires d'action sociale,
MDS): sets of districts as commune groupings, their storage, geometry, importers and tables.

May import ``carto.indicators``, ``carto.territories`` and ``carto.common``; never ``sites``.
"""

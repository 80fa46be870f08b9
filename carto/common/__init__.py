"""What every domain needs and none owns: French number and date formats, robust reading of
the tables people download, the markers of missing values (s, nd, ns, so…) and their French
labels, CSV for French Excel, atomic writes, text normalisation, paths.

Imports nothing from ``carto``: it is the bottom layer.
"""

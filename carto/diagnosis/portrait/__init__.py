"""The territory portrait: its data model (``model``), how it is assembled from the atlas
(``build``), its map (``drawing``) and its files (``files``: HTML, XLSX, CSV; ``pdf``).

Every module imports ``model``, which imports none of them: the data never depends on how it
is drawn or written, and a new file format is one more module.
"""

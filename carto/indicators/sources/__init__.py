"""Where indicators come from: INSEE files as published, partners' tables, the stored imports
and the command-line importer. Part of ``carto.indicators`` and bound by its imports.
"""

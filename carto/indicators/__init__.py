"""What is measured: the indicator catalogue, its aggregation to any group of communes
(Σ numerators / Σ denominators), comparison with a reference, several vintages of one indicator.
``indicators.sources`` reads official INSEE files and partners' tables and stores the imports.

May import ``carto.territories`` and ``carto.common``.
"""

"""What is measured: the indicator catalogue, its aggregation to any group of communes
(Σ numerators / Σ denominators), comparison with a reference, several vintages of one indicator;
what each zone's cell shows (its value, its marker, « au moins ») and what is published instead;
the national indicators of ``data/`` (``national``, built by ``national_build`` and
``national_output``). ``indicators.sources`` reads official INSEE files and partners' tables and
stores the imports.

May import ``carto.territories`` and ``carto.common``.
"""

"""``python -m carto.import_cli FICHIER``: import an INSEE file or a partner's table.

Kept at the top of the package so that the documented command stays short; the work is done
in ``carto.indicators.sources.cli``.
"""

from carto.indicators.sources.cli import main

if __name__ == "__main__":
    raise SystemExit(main())

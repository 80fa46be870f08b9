"""``python -m carto.bundle_build``: the one command that rebuilds ``data/``.

It sits above the domain packages because a build touches several of them; the work itself is
done in ``carto.territories.build``.
"""

from carto.territories.build import main

if __name__ == "__main__":
    raise SystemExit(main())

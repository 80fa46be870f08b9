"""Atlas des besoins sociaux: the pure core behind ``streamlit_app.py``.

One package per domain, layered from the bottom up (enforced by ``tests/test_layering.py``
through the import-linter contracts in ``pyproject.toml``)::

    ui                                   the only package that imports Streamlit
    compose                              what one view shows, assembled from the domains
    viewstate                            what a link carries (a map's vocabulary included)
    map | diagnosis                      what is drawn, what partners write and take away
    sites | districts                    the local network and the social-action districts
    indicators                           what is measured, and how it aggregates
    territories                          where: communes, EPCI, departments, IRIS, history
    common                               French formats, files, text

A package may import the packages below it, never above it nor beside it. The two modules at
the top (``bundle_build``, ``import_cli``) are command-line entry points only.
"""

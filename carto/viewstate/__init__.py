"""What a link carries: the view state as one plain value, its URL parameters, the versioned
codec that tolerates any tampering, and the commune filters it declares.

May import ``map`` (palettes, classification methods, class bounds), ``sites``,
``districts``, ``indicators``, ``territories`` and ``common``; never ``diagnosis`` or ``ui``.
"""

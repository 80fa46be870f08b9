"""What partners write and take away: the shared store of observations and saved views (SQLite
or PostgreSQL, versioned migrations) and the territory portrait (PDF, HTML, XLSX, CSV).

May import ``sites``, ``districts``, ``indicators``, ``territories`` and ``common``; never
``map``, ``viewstate`` or ``ui``.
"""

"""Where user data lives: outside the tracked files, configurable for tests and deployments."""

from __future__ import annotations

import os
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_DIR / "data"


def user_data_dir() -> Path:
    """Folder for imports, district sets, the SQLite database (env ``ATLAS_DATA_DIR``)."""
    path = Path(os.environ.get("ATLAS_DATA_DIR") or REPO_DIR / "var")
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_data_folder(*parts: str) -> Path:
    """A folder of user data (``imports``, ``sites``, ``districts/54``…), created if missing.

    Read at each call, not once at import: tests and deployments point ``ATLAS_DATA_DIR``
    elsewhere after the modules are loaded.
    """
    path = user_data_dir().joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path

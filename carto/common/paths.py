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

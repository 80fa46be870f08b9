"""Each uploaded file is parsed once, not on every rerun while it stays in the uploader.

Why by content hash: a district polygon file or a large table took minutes to parse and was
parsed again at every click elsewhere on the page. The result (or the French error) is kept
in the session under the file's SHA-256 and the parse's parameters; a few files at most.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import streamlit as st

T = TypeVar("T")
_CACHE_KEY = "_parsed_uploads"
_DIGESTS_KEY = "_upload_digests"
MAX_KEPT = 6


def content_digest(upload: Any) -> str:
    """SHA-256 of an uploaded file, computed once per upload."""
    digests: dict = st.session_state.setdefault(_DIGESTS_KEY, {})
    marker = (getattr(upload, "file_id", None) or upload.name, upload.size)
    if marker not in digests:
        if len(digests) >= MAX_KEPT * 2:
            digests.clear()
        digests[marker] = hashlib.sha256(upload.getvalue()).hexdigest()
    return digests[marker]


def parsed_once(kind: str, upload: Any, parse: Callable[[], T], *params: Hashable) -> T:
    """``parse()`` for this file's content and ``params``, run once; its error is re-raised."""
    cache: dict = st.session_state.setdefault(_CACHE_KEY, {})
    key = (kind, content_digest(upload), params)
    if key not in cache:
        try:
            cache[key] = (True, parse())
        except Exception as exc:
            cache[key] = (False, exc)
        while len(cache) > MAX_KEPT:
            cache.pop(next(iter(cache)))
    ok, value = cache[key]
    if not ok:
        raise value
    return value

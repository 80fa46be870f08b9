"""Who a stored item is (an id that cannot collide) and when two names are the same name.

Why ids are never derived from a name or a file name: folding « CCAS du Grand Nancy » and
« ccas du grand-nancy ! » to one file, or every name in Cyrillic or Japanese to ``liste``, made
one save silently replace another. An item's id is drawn at random once and kept for its
life; its name is kept as typed and only compared, by :func:`name_key`, to ask before
replacing an item people would take for the same one.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

ID_BYTES = 6  # 12 hexadecimal characters: ~2.8e14 values, short enough for links
MAX_NAME = 120
_ID_RE = re.compile(r"[a-z0-9][a-z0-9_\-]{0,79}")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def new_id(prefix: str = "") -> str:
    """A fresh random id (``prefix`` + 12 hexadecimal characters)."""
    return f"{prefix}{secrets.token_hex(ID_BYTES)}"


def is_stored_id(text: object) -> bool:
    """An id that may name a file: lower-case letters, digits, ``_`` and ``-`` only.

    Ids written by earlier versions (the file name of a stored item) pass too.
    """
    return isinstance(text, str) and bool(_ID_RE.fullmatch(text))


def name_key(name: str) -> str:
    """The form two names share when people would take them for the same one.

    Case, accents, punctuation and spacing are ignored; letters of every script are kept,
    so « Список » and « Liste 日本 » stay distinct names.
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    key = _NOT_WORD.sub(" ", bare).strip()
    return key or " ".join(name.casefold().split())


class InvalidName(ValueError):
    """A name that cannot be used; the message is French."""


def clean_name(name: object, what: str, limit: int = MAX_NAME) -> str:
    """The name as typed, trimmed; refused when empty, too long or holding control characters."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidName(f"Donnez un nom {what}.")
    text = " ".join(name.split()) if "\n" in name or "\t" in name else name.strip()
    if len(text) > limit:
        raise InvalidName(f"Nom {what} trop long ({len(text)} caractères, limite {limit}).")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in text):
        raise InvalidName(f"Le nom {what} contient des caractères invisibles ou de contrôle.")
    return text


@dataclass(frozen=True)
class Named:
    """An item of a collection as a name clash reports it."""

    id: str
    name: str


class NameTaken(ValueError):
    """Another item has the same name; saving again with ``replace`` replaces it."""

    def __init__(self, message: str, existing: Named) -> None:
        super().__init__(message)
        self.existing = existing


T = TypeVar("T", bound=Named)


def same_name(items: Iterable[T], name: str, except_id: str | None = None) -> T | None:
    """The item whose name is the same as ``name`` (by :func:`name_key`), if any."""
    key = name_key(name)
    return next((i for i in items if i.id != except_id and name_key(i.name) == key), None)


def name_taken(what: str, existing: Named) -> NameTaken:
    """The French refusal, naming the item already stored under that name."""
    return NameTaken(
        f"{what} porte déjà ce nom : « {existing.name} » (noms comparés sans tenir compte "
        "des majuscules, des accents ni de la ponctuation). Confirmez le remplacement, ou "
        "choisissez un autre nom.",
        existing,
    )

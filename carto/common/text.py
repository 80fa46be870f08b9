"""Accent- and case-insensitive forms of French text, for matching and for ordering; and
the one escaping of text shown through Markdown.

Why one module: site importers, district files and category labels all match names typed by
people (« Centre Communal d'Action Sociale », « ST-DIE », « Saint-Dié »); the same folding must
apply everywhere, or a name found on one screen is missed on another.
"""

from __future__ import annotations

import re
import unicodedata


def strip_accents(text: str, form: str = "NFKD") -> str:
    """``"Dié"`` → ``"Die"``: the text decomposed (``form``), its combining marks dropped."""
    return "".join(ch for ch in unicodedata.normalize(form, text) if not unicodedata.combining(ch))


def normalize_text(text: object) -> str:
    """Accent-, case- and punctuation-insensitive form used to match names and labels."""
    raw = strip_accents(str(text or "")).lower()
    raw = re.sub(r"[^a-z0-9]+", " ", raw).strip()
    return re.sub(r"\bst(e?)\b", r"saint\1", raw)


def sort_key(text: str) -> str:
    """French alphabetical order (« Âge » before « Logement »), whatever the database's order."""
    return strip_accents(text.casefold(), "NFD")


# Everything Streamlit's Markdown gives a meaning to: emphasis, links and images, HTML, code,
# headings, lists, tables, LaTeX ($), directives and emoji (:red[…], :material/…:), entities
# (&), autolinks (www., …://) and setext headings (=).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])")


# GitHub-flavoured Markdown turns bare addresses into links after the escapes are read
# (``https://…``, ``www.…``, ``nom@domaine.fr``): an invisible word joiner breaks them.
_AUTOLINK = re.compile(r"(?i)(?:https?|ftp|mailto|www)(?=[:.])|(?=@)")
WORD_JOINER = "\u2060"


def md_escape(text: object) -> str:
    """Text typed by someone shown literally through Markdown: no link (not even a bare
    address), image, HTML, emphasis or directive; line breaks kept.

    Why one function: every string a user or a partner's file supplies (names, labels,
    sources, messages quoting them) reaches ``st.markdown``, a widget label or an alert,
    which all render Markdown; one escaping, applied everywhere, is the rule.
    """
    unlinked = _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, str(text))
    escaped = _MD_SPECIAL.sub(r"\\\1", unlinked)
    return escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "  \n")

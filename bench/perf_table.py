"""Write the README's performance table from the JSON of ``bench/bench_seat.py``.

    python bench/bench_seat.py --json bench/results/seat.json
    python bench/perf_table.py bench/results/seat.json            # rewrites README.md
    python bench/perf_table.py bench/results/seat.json --print    # shows it only

Why a script: the table is copied from a run, never typed; the machine and its load during
that run are written beside it. Only the text between the two markers changes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[1]
README = REPO_DIR / "README.md"
START = "<!-- bench_seat: start (written by bench/perf_table.py) -->"
END = "<!-- bench_seat: end -->"


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    digits = 0 if unit in ("ms", "o") else (2 if unit == "s" else 1)
    text = f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")
    return f"{text} {unit}"


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}".replace(".", ",")


def _decimal(text: object) -> str:
    return str(text).replace(".", ",")


def table(result: dict) -> str:
    m = result["machine"]
    lines = [
        f"Machine : {m['cpu']}, {m['nproc']} cœurs, {m['memory']} de mémoire, Python "
        f"{m['python']}. Charge (loadavg sur 1 min) : {_decimal(m['loadavg'])} au début du banc, "
        f"{_decimal(m['loadavg_end'])} à la fin (machine partagée) ; durée "
        f"{m.get('duration_s', '?')} s.",
        "",
        "| Mesure | Cas | Atlas | Référence naïve | Atlas / réf. | Budget | Verdict |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for r in result["rows"]:
        note = f" ({r['note']})" if r.get("note") else ""
        lines.append(
            f"| {r['figure']}{note} | {r['case']} | {_number(r['atlas'], r['unit'])} | "
            f"{_number(r['baseline'], r['unit'])} | {_ratio(r['ratio'])} | "
            f"{r['budget_text']} | {r['verdict']} |"
        )
    return "\n".join(lines)


def replace_between_markers(text: str, block: str) -> str:
    if START not in text or END not in text:
        raise SystemExit(f"marqueurs absents de {README.name} : {START} … {END}")
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    return f"{head}{START}\n{block}\n{END}{tail}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("result", type=Path, help="JSON écrit par bench_seat.py --json")
    parser.add_argument("--print", action="store_true", help="afficher sans écrire")
    parser.add_argument("--readme", type=Path, default=README)
    args = parser.parse_args()
    block = table(json.loads(args.result.read_text(encoding="utf-8")))
    if args.print:
        print(block)
        return 0
    text = args.readme.read_text(encoding="utf-8")
    args.readme.write_text(replace_between_markers(text, block), encoding="utf-8")
    print(f"{args.readme} : tableau réécrit ({block.count(chr(10)) - 3} lignes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

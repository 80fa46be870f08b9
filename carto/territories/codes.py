"""How the commune codes of an official file of an older geography land on the atlas's communes.

Why: the geography changes every 1 January. A file on the 2024 geography names communes
merged since (their rows add up into the new commune), communes that changed code when their
chef-lieu moved (the row is the whole commune under its former code: Orée d'Anjou is 49069 in
INSEE's 2021 to 2025 files and 49126 since), and misses communes re-established since. Each file
code gets one relation to the current communes, decided by one rule:

- the code is a current commune (or a municipal arrondissement): ``same``;
- it is a former commune of a current commune ``P`` (``history``), and ``P`` is in the file
  too: a part of a commune merged since (``merged``), added into ``P``;
- same, but ``P`` is not in the file: ``P``'s code did not exist in the file's geography, so
  ``P`` took a new code since. If the file has exactly one former commune of ``P``, that row is
  ``P`` itself under its former code (``former_code``); with several, ``P`` was merged as
  well (``merged``);
- otherwise the code is ``absent``: kept out, and reported.

No table of special cases: the rule reads the file and the bundle's history only.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

SAME = "same"
FORMER_CODE = "former_code"
MERGED = "merged"


@dataclass(frozen=True)
class CodeMatch:
    """Every code of one file, placed on the current communes (or not)."""

    target: pd.Series  # file code → current code, for the codes placed
    relation: pd.Series  # file code → SAME, FORMER_CODE or MERGED
    absent: tuple[str, ...]  # file codes that are no current commune's, nor a former one's
    not_in_file: tuple[str, ...]  # current communes and arrondissements without a row

    @property
    def merged_targets(self) -> frozenset[str]:
        """Current communes that several rows of the file add up to."""
        return frozenset(self.target[self.relation.eq(MERGED)])

    @property
    def former_codes(self) -> dict[str, str]:
        """Former code → current code, for communes whose code changed (same territory)."""
        changed = self.relation.eq(FORMER_CODE)
        return dict(zip(self.target.index[changed], self.target[changed], strict=True))

    def counts(self) -> dict[str, int]:
        """How many file codes fall in each case, and how many current communes have no row."""
        return {
            "codes_du_fichier": len(self.relation) + len(self.absent),
            "identiques": int(self.relation.eq(SAME).sum()),
            "anciens_codes": int(self.relation.eq(FORMER_CODE).sum()),
            "communes_fusionnees": int(self.relation.eq(MERGED).sum()),
            "communes_issues_de_fusions": len(self.merged_targets),
            "codes_absents": len(self.absent),
            "communes_sans_ligne": len(self.not_in_file),
        }


def match_file_codes(codes: pd.Index, communes: pd.DataFrame, history: pd.DataFrame) -> CodeMatch:
    """Place every code of a file (``codes``) on ``communes`` (CODGEO, TYPE: COM or ARM).

    ``history``: former communes (CODGEO_ANCIEN → CODGEO), as in the bundle.
    """
    file_codes = pd.Index(codes.astype("str")).unique()
    current = pd.Index(communes["CODGEO"].astype("str"))
    in_file = set(file_codes)
    parent_of = dict(
        zip(history["CODGEO_ANCIEN"].astype("str"), history["CODGEO"].astype("str"), strict=True)
    )
    target: dict[str, str] = {}
    relation: dict[str, str] = {}
    absent: list[str] = []
    for code in file_codes:
        if code in current:
            target[code], relation[code] = code, SAME
        elif code in parent_of and parent_of[code] in current:
            target[code] = parent_of[code]
        else:
            absent.append(code)
    parts: dict[str, list[str]] = {}
    for code, parent in target.items():
        if code != parent:
            parts.setdefault(parent, []).append(code)
    for parent, olds in parts.items():
        code_changed = parent not in in_file and len(olds) == 1
        for old in olds:
            relation[old] = FORMER_CODE if code_changed else MERGED
        if parent in in_file:
            relation[parent] = MERGED
    placed = pd.Index(sorted(target), dtype="str")
    covered = set(target.values())
    not_in_file = tuple(sorted(c for c in current if c not in covered))
    return CodeMatch(
        target=pd.Series([target[c] for c in placed], index=placed, dtype="str"),
        relation=pd.Series([relation[c] for c in placed], index=placed, dtype="str"),
        absent=tuple(sorted(absent)),
        not_in_file=not_in_file,
    )


def former_codes_of_communes(matches: list[CodeMatch]) -> dict[str, str]:
    """Former code → current code over several files (each file of its own geography)."""
    out: dict[str, str] = {}
    for match in matches:
        for old, new in match.former_codes.items():
            out.setdefault(old, new)
    return dict(sorted(out.items()))


def mark_former_codes(history: pd.DataFrame, changes: dict[str, str]) -> pd.DataFrame:
    """The history table with the former codes of whole communes typed ``COM``.

    Such a row (49069 → 49126) is no delegated commune's: it is the commune itself under the
    code it had until its chef-lieu moved, so its values belong to the commune whole.
    """
    out = history.copy()
    old = out["CODGEO_ANCIEN"].astype("str")
    is_change = old.map(changes).eq(out["CODGEO"].astype("str"))
    out.loc[is_change, "TYPE"] = "COM"
    return out

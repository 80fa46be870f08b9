"""The ids of an imported dataset and of its partner indicators.

Why apart from the importers: a dataset is given a random id when read, and keeps the id of
the dataset it replaces when saved over it (``carto.indicators.sources.store``), so that the
links and saved views naming its indicators keep working. A partner's columns and indicator
ids carry the dataset's id (two partners' « allocataires » never collide); the label only
makes the id readable, short enough for any link.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import Any, TypeVar

ID_SEPARATOR = "__"  # between a dataset's id and a column or label of a partner's table
MAX_LABEL_ID = 40  # 12 + 2 + 40 characters: a partner indicator's id fits in any link

D = TypeVar("D", bound=Any)


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:60] or "donnees"


def partner_indicator_ids(dataset_id: str, labels: list[str]) -> list[str]:
    """``<dataset id>__<label folded>``; two labels folding alike (« Taux (%) » and « taux »)
    get distinct ids."""
    ids: list[str] = []
    for number, label in enumerate(labels, start=1):
        base = f"{dataset_id}{ID_SEPARATOR}{slug(label)[:MAX_LABEL_ID]}"
        ids.append(base if base not in ids else f"{base}_{number}")
    return ids


def with_id(dataset: D, new: str) -> D:
    """An ``ImportedDataset`` under another id; a partner's columns and indicators follow."""
    if dataset.id == new:
        return dataset
    if dataset.kind != "partner":
        return replace(dataset, id=new)
    old = dataset.id + ID_SEPARATOR

    def rekey(name: str | None) -> str | None:
        return new + ID_SEPARATOR + name[len(old) :] if name and name.startswith(old) else name

    indicators = [
        replace(
            i,
            id=rekey(i.id),
            column=rekey(i.column),
            numerator=rekey(i.numerator),
            denominator=rekey(i.denominator),
        )
        for i in dataset.indicators
    ]
    return replace(
        dataset,
        id=new,
        values=dataset.values.rename(columns=rekey),
        secret=dataset.secret.rename(columns=rekey),
        indicators=indicators,
    )

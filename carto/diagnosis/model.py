"""What the shared diagnosis stores, and the checks made before anything is written.

Why apart from the database code: the UI needs the themes, levels and size limits (to build its
form and show limits) and the same checks, without opening a database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from carto.common import authorisation
from carto.common.frcsv import to_french_csv
from carto.common.identity import NameTaken
from carto.diagnosis.schema import StoreError
from carto.territories.levels import level

THEMES: tuple[str, ...] = (
    "accès aux droits",
    "logement",
    "emploi-insertion",
    "vieillissement",
    "enfance-famille",
    "santé",
    "mobilité",
    "autre",
)
# The levels an observation can be about, headed as everywhere else in the atlas.
LEVELS: dict[str, str] = {code: level(code).title for code in ("commune", "epci", "district")}
MAX_ORGANISATION = 120
MAX_AUTHOR = 120
MAX_TEXT = 5_000
MAX_VIEW_NAME = 80
MAX_QUERY_STRING = 4_000
MAX_CODE = 40
OLDEST_DATE = date(1990, 1, 1)

CSV_HEADER = (
    "Identifiant",
    "Niveau",
    "Code du territoire",
    "Département",
    "Organisation",
    "Auteur",
    "Thème",
    "Observation",
    "Date d'observation",
    "Créée le (UTC)",
    "Modifiée le (UTC)",
)


class InvalidInput(StoreError):
    """A field is missing, too long or not allowed; nothing was written."""


class WriteDenied(StoreError, authorisation.WriteDenied):
    """An edit secret is configured and was not given (or is wrong); reading stays open."""


class ViewNameTaken(InvalidInput, NameTaken):
    """A view of the same name exists (case and accents aside); ``replace`` replaces it."""


class StoreUnavailable(StoreError):
    """The database cannot be reached or written (server stopped, disk full)."""

    @classmethod
    def from_error(cls, exc: Exception) -> StoreUnavailable:
        detail = str(getattr(exc, "orig", exc)).lower()
        if "full" in detail or "no space" in detail:
            return cls(
                "Enregistrement impossible : le disque de la base du diagnostic partagé est "
                "plein. Rien n'a été enregistré ; prévenez l'administrateur de l'atlas."
            )
        if "readonly" in detail or "read-only" in detail:
            return cls(
                "Enregistrement impossible : la base du diagnostic partagé est en lecture "
                "seule. Rien n'a été enregistré ; prévenez l'administrateur de l'atlas."
            )
        return cls(
            "La base du diagnostic partagé est momentanément injoignable : observations et vues "
            "enregistrées ne peuvent être ni lues ni enregistrées. La carte reste utilisable ; "
            "réessayez dans un instant (rien de ce qui était enregistré n'est perdu)."
        )


def view_name_taken(existing: SavedView) -> ViewNameTaken:
    return ViewNameTaken(
        f"Une vue s'appelle déjà « {existing.name} » (noms comparés sans tenir compte des "
        "majuscules, des accents ni de la ponctuation) : confirmez le remplacement, ou "
        "choisissez un autre nom.",
        existing,
    )


class NotFound(StoreError):
    """The observation or view does not exist (any more): someone may have deleted it."""


@dataclass(frozen=True)
class ObservationDraft:
    """What a partner types; ids and timestamps are set by the store."""

    territory_level: str
    territory_code: str
    department: str
    organisation: str
    author: str
    theme: str
    text: str
    observed_on: date


@dataclass(frozen=True)
class Observation(ObservationDraft):
    id: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def csv_row(self) -> tuple[object, ...]:
        return (
            self.id,
            LEVELS.get(self.territory_level, self.territory_level),
            self.territory_code,
            self.department,
            self.organisation,
            self.author,
            self.theme,
            self.text,
            self.observed_on,
            self.created_at,
            self.updated_at,
        )


@dataclass(frozen=True)
class DiagnosisCopy:
    """What copying a database into another did (``Store.copy_from``)."""

    observations: int  # copied
    views: int  # copied
    present: int  # observations and views found already there
    left_out: tuple[str, ...] = ()


@dataclass(frozen=True)
class SavedView:
    id: int
    name: str
    query_string: str
    created_at: datetime
    updated_at: datetime


def clean_text(value: object, label: str, limit: int, multiline: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{label} : un texte est attendu.")
    text = value.strip()
    if not text:
        raise InvalidInput(f"{label} : ce champ est obligatoire.")
    if len(text) > limit:
        raise InvalidInput(
            f"{label} : {len(text)} caractères, la limite est de {limit}. Raccourcissez le texte ;"
            " rien n'a été enregistré."
        )
    allowed = "\n\t" if multiline else ""
    if any((ord(c) < 32 and c not in allowed and c != "\r") or ord(c) == 127 for c in text):
        raise InvalidInput(f"{label} : le texte contient des caractères de contrôle non autorisés.")
    return text.replace("\r\n", "\n").replace("\r", "\n") if multiline else text


def validate_observation(draft: ObservationDraft) -> ObservationDraft:
    """The draft, trimmed, or ``InvalidInput`` naming the first field at fault."""
    if draft.territory_level not in LEVELS:
        raise InvalidInput(
            f"Niveau de territoire « {str(draft.territory_level)[:30]} » inconnu "
            f"(attendu : {', '.join(LEVELS)})."
        )
    if draft.theme not in THEMES:
        raise InvalidInput(
            f"Thème « {str(draft.theme)[:40]} » inconnu (attendu : {', '.join(THEMES)})."
        )
    observed = draft.observed_on
    if isinstance(observed, datetime) or not isinstance(observed, date):
        raise InvalidInput("Date d'observation : une date est attendue.")
    if observed > datetime.now(UTC).date() or observed < OLDEST_DATE:
        raise InvalidInput(
            f"Date d'observation : elle doit être comprise entre le {OLDEST_DATE:%d/%m/%Y} "
            "et aujourd'hui."
        )
    return ObservationDraft(
        territory_level=draft.territory_level,
        territory_code=clean_text(draft.territory_code, "Code du territoire", MAX_CODE),
        department=clean_text(draft.department, "Département", 3),
        organisation=clean_text(draft.organisation, "Organisation", MAX_ORGANISATION),
        author=clean_text(draft.author, "Auteur", MAX_AUTHOR),
        theme=draft.theme,
        text=clean_text(draft.text, "Observation", MAX_TEXT, multiline=True),
        observed_on=observed,
    )


def clean_view(name: str, query_string: str | None = None) -> tuple[str, str | None]:
    clean_name = clean_text(name, "Nom de la vue", MAX_VIEW_NAME)
    if query_string is None:
        return clean_name, None
    if not isinstance(query_string, str):
        raise InvalidInput("Lien de la vue : un texte est attendu.")
    query = query_string.strip().removeprefix("?")
    if len(query) > MAX_QUERY_STRING:
        raise InvalidInput(
            f"Lien de la vue : {len(query)} caractères, la limite est de {MAX_QUERY_STRING}."
        )
    if any(ord(c) < 32 or ord(c) == 127 for c in query):
        raise InvalidInput("Lien de la vue : caractères de contrôle non autorisés.")
    return clean_name, query


def observations_csv(observations: Iterable[Observation]) -> bytes:
    """CSV export of observations for French Excel (``;``, UTF-8 BOM, formulas neutralised)."""
    return to_french_csv(CSV_HEADER, (o.csv_row() for o in observations))

"""Pure calculations and vocabularies of programme steering (no ORM).

The indicators' catalogue is built later by the indicators app; until then an action's target
names its indicator by one of ``INDICATOR_CODES`` (a plain string, so the catalogue can take
the codes over without a migration of the targets).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from io import BytesIO

# The indicators an action may set a target for: code -> French label. The indicators
# engineer's catalogue reads these codes (docs/steering.md, « Targets and sources »).
INDICATOR_CODES: dict[str, str] = {
    "people_assessed": "Personnes ayant fait un diagnostic",
    "people_trained": "Personnes formées",
    "workshops_held": "Ateliers réalisés",
    "computers_installed": "Ordinateurs installés",
    "referrals_sent": "Orientations envoyées",
    "referrals_taken_up": "Orientations abouties",
    "professionals_trained": "Professionnels formés",
    "audiences_reached": "Publics sensibilisés",
}

# Co-financers of a budget line: code -> label. « autres » asks for a name.
FINANCERS: dict[str, str] = {
    "feder": "FEDER (Union européenne)",
    "region": "Région",
    "epci": "EPCI",
    "etat": "État",
    "departement": "Département",
    "caf": "CAF",
    "autres": "Autres",
}

# Minutes of a meeting: what a committee usually writes them in, and how big at most.
MAX_MINUTES_BYTES = 10 * 1024 * 1024
MINUTES_KINDS = {
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def indicator_label(code: str) -> str:
    return INDICATOR_CODES.get(code, code)


def financer_label(code: str, other_name: str = "") -> str:
    if code == "autres" and other_name:
        return other_name
    return FINANCERS.get(code, code)


def date_order_problem(
    starts_on: dt.date | None, ends_on: dt.date | None, *, what: str = "La fin"
) -> str | None:
    """A French sentence when ``ends_on`` comes before ``starts_on``, else None."""
    if starts_on and ends_on and ends_on < starts_on:
        return f"{what} ({ends_on:%d/%m/%Y}) est avant le début ({starts_on:%d/%m/%Y})."
    return None


def partner_dates_problem(joined_on: dt.date | None, left_on: dt.date | None) -> str | None:
    if joined_on and left_on and left_on < joined_on:
        return (
            f"Un partenaire ne peut pas quitter l'action ({left_on:%d/%m/%Y}) avant de l'avoir "
            f"rejointe ({joined_on:%d/%m/%Y})."
        )
    return None


def amount_problem(amount: Decimal | None, *, what: str = "Le montant") -> str | None:
    if amount is not None and amount < 0:
        return f"{what} ne peut pas être négatif."
    return None


def target_problem(indicator_code: str, value: int | None, year: int | None) -> str | None:
    if indicator_code not in INDICATOR_CODES:
        return f"Indicateur inconnu « {indicator_code} » : choisissez dans la liste."
    if value is None or value < 0:
        return "La cible doit être un nombre positif ou nul."
    if year is None or not 2000 <= year <= 2100:
        return "Indiquez l'année de la cible (par exemple 2017)."
    return None


@dataclass(frozen=True)
class FinancerShare:
    code: str
    label: str
    amount: Decimal
    percent: int  # rounded share of the total
    offset: float = 0.0  # where its segment starts in a 0–100 bar (the shares before it)
    width: float = 0.0  # its exact share in that bar


@dataclass(frozen=True)
class BudgetSummary:
    total: Decimal
    shares: tuple[FinancerShare, ...]


def budget_summary(lines: Iterable[tuple[str, str, Decimal]]) -> BudgetSummary:
    """Total and each co-financer's share of ``(financer code, other name, amount)`` lines,
    largest first. Shares are rounded percentages of the total (0 when the total is 0)."""
    amounts: dict[tuple[str, str], Decimal] = {}
    for code, other_name, amount in lines:
        key = (code, other_name if code == "autres" else "")
        amounts[key] = amounts.get(key, Decimal(0)) + amount
    total = sum(amounts.values(), Decimal(0))
    shares: list[FinancerShare] = [
        FinancerShare(
            code=code,
            label=financer_label(code, other),
            amount=amount,
            percent=int((amount * 100 / total).quantize(Decimal(1))) if total else 0,
        )
        for (code, other), amount in amounts.items()
    ]
    shares.sort(key=lambda share: (-share.amount, share.label))
    placed, offset = [], 0.0
    for share in shares:
        width = float(share.amount * 100 / total) if total else 0.0
        placed.append(replace(share, offset=round(offset, 3), width=round(width, 3)))
        offset += width
    return BudgetSummary(total=total, shares=tuple(placed))


def sources_problem(sources: object, *, known_organisations: set[int]) -> str | None:
    """The « sources » of an action: a list of ``{"organisation": id, "workshop_kinds":
    [code, …]}``; each organisation must be one of ``known_organisations`` (the territory's)."""
    if not isinstance(sources, list):
        return "Les sources doivent être une liste."
    for source in sources:
        if not isinstance(source, Mapping) or set(source) - {"organisation", "workshop_kinds"}:
            return "Chaque source indique une structure et, si besoin, des types d'ateliers."
        if source.get("organisation") not in known_organisations:
            return "Une source désigne une structure qui n'est pas du territoire."
        kinds = source.get("workshop_kinds", [])
        if not isinstance(kinds, list) or not all(isinstance(k, str) and k for k in kinds):
            return "Les types d'ateliers d'une source sont une liste de codes."
    return None


def minutes_kind(head: bytes) -> str | None:
    """« pdf », « odt » or « docx » from the file's first bytes (never from its name), else
    None. ``head`` is the whole file (minutes are small: ``MAX_MINUTES_BYTES``)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(BytesIO(head)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                return "odt"
            if "word/document.xml" in names:
                return "docx"
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    return None


def minutes_problem(size: int, head: bytes) -> str | None:
    if size == 0:
        return "Ce fichier est vide."
    if size > MAX_MINUTES_BYTES:
        return f"Ce fichier dépasse {MAX_MINUTES_BYTES // (1024 * 1024)} Mo : réduisez-le."
    if minutes_kind(head) is None:
        return "Le compte rendu doit être un fichier PDF, ODT ou DOCX."
    return None

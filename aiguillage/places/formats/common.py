"""Normalisation shared by every reader: postal codes, coordinates, phones, e-mails, URLs,
dates, enumerations. ``RowCheck`` collects the French reasons while one row is converted.

Rule of thumb: a value we cannot use is dropped with a warning and the row is kept; a row is
rejected only when a field the standard requires (nom, adresse, code postal, commune, id) or
the position is unusable, because a wrong pin on the map is worse than no pin.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import lru_cache

from aiguillage.places import vocabulary
from aiguillage.places.formats.hours import is_valid_osm_hours
from aiguillage.places.formats.records import PlaceRecord

RESUME_MAX_LENGTH = 280

# The standard's patterns (schema.json v1.0.2), shared with the writers and the validator.
POSTAL_CODE = re.compile(r"^\d{5}$")
INSEE_CODE = re.compile(r"^([013-9]\d|2[AB1-9])\d{3}$")
PIVOT = re.compile(r"^[a-zA-Z0-9]{9,14}$")
_EMAIL = re.compile(r"^[^@\s|;,]+@[^@\s|;,]+\.[^@\s|;,]+$")
_URL = re.compile(r"^https?://[^\s/]+\.[^\s]+$", re.IGNORECASE)
_BARE_DOMAIN = re.compile(r"^(www\.)?[\w-]+(\.[\w-]+)+(/\S*)?$", re.IGNORECASE)
_FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_MULTI_SPACES = re.compile(r"\s+")
_EMAIL_SEPARATORS = re.compile(r"[|;,\s]+")
_URL_SEPARATORS = re.compile(r"[|;\s]+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_POSTAL_LINE = re.compile(r"[,\s]*\b(\d{5})\s+([^,\d][^,]*)$")

# Phone numbers: "(0)" in "+33 (0)4 …" is a national-prefix hint that must go before digits
# are joined; a candidate number is a run of digits with the usual separators.
_PHONE_NATIONAL_HINT = re.compile(r"\(0\)")
_PHONE_CANDIDATE = re.compile(r"(?:\+|00)?\d[\d \u00a0.\-]{6,}\d")
PHONE_STANDARD = re.compile(
    r"^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$"
)
# French overseas numbers keep their own country code (the standard lists them), by the first
# four digits of the national number.
_OVERSEAS_PREFIXES = {
    "0590": "+590", "0690": "+590", "0691": "+590",
    "0594": "+594", "0694": "+594",
    "0262": "+262", "0263": "+262", "0692": "+262", "0693": "+262",
    "0269": "+262", "0639": "+262",
    "0596": "+596", "0696": "+596", "0697": "+596",
    "0508": "+508",
}  # fmt: skip


@lru_cache(maxsize=8192)
def fold(value: str) -> str:
    """Comparison key: no case, no accents, straight apostrophes, single spaces."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    bare = bare.replace("’", "'").replace("`", "'").replace("\u00a0", " ")
    return _MULTI_SPACES.sub(" ", bare).strip()


def text(value: object) -> str:
    """A cell as stripped text; None and NaN become ""."""
    if type(value) is str:  # most cells: skip the checks below
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else str(value)
    return str(value).strip()


_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def _has_letter_or_digit(cell: str) -> bool:
    """False for "", "-", "/"…: what files write for "none"."""
    return _LETTER_OR_DIGIT.search(cell) is not None


def one_line(value: object) -> str:
    """Text on one line with single spaces (names, addresses)."""
    cell = text(value)
    # Most cells are already so: a printable string holds no whitespace but the plain
    # space, so without a double space the substitution would change nothing.
    if "  " not in cell and cell.isprintable():
        return cell
    return _MULTI_SPACES.sub(" ", cell)


def split_values(value: object) -> list[str]:
    """Values of a multi-valued cell: a JSON list, or text separated by "|" (v1) or ";" (v0,
    and the v1 README that still says ";")."""
    if value is None:
        return []
    if type(value) is str:
        separator = "|" if "|" in value else ";"
        return [part for part in map(str.strip, value.split(separator)) if part]
    if isinstance(value, list | tuple):
        items = [text(item) for item in value]
    else:
        cell = text(value)
        separator = "|" if "|" in cell else ";"
        items = [part.strip() for part in cell.split(separator)]
    return [item for item in items if item]


def split_address(value: object) -> tuple[str, str, str]:
    """(street, postal code, commune) of an address that may end with its postal line:
    "9 place de la Poste\n23800 Dun Le Palestel" or "20 Avenue de Ségur, 75007 Paris"."""
    lines = [line.strip(" ,") for line in text(value).splitlines() if line.strip(" ,")]
    street = " ".join(lines)
    match = _POSTAL_LINE.search(street)
    if not match:
        return _MULTI_SPACES.sub(" ", street), "", ""
    street = street[: match.start()]
    return _MULTI_SPACES.sub(" ", street).strip(" ,"), match.group(1), match.group(2).strip()


def slug(value: object) -> str:
    """Lower-case ASCII identifier: "Hinaura" -> "hinaura", "CD 72" -> "cd-72"."""
    return _NOT_SLUG.sub("-", fold(text(value))).strip("-")


def unique(values: Iterable[str]) -> list[str]:
    """Values without repeats, first occurrence kept."""
    return list(dict.fromkeys(values))


class Choices:
    """One enumeration: finds the exact label of a value written with other case, accents or
    apostrophes, and knows aliases (older spellings)."""

    def __init__(self, label: str, values: Iterable[str], aliases: Mapping[str, str] | None = None):
        self.label = label
        self.values = tuple(values)
        self._lookup = {fold(value): value for value in self.values}
        for alias, target in (aliases or {}).items():
            self._lookup[fold(alias)] = target

    def get(self, value: str) -> str | None:
        return self._lookup.get(fold(value))


# Multi-valued standard fields and their allowed values.
CHOICES: dict[str, Choices] = {
    "typologie": Choices(
        "typologie",
        vocabulary.TYPOLOGIES,
        # Pôle emploi became France Travail (FT) in 2024; older files still say PE.
        {"PE": "FT", "POLE_EMPLOI": "FT"},
    ),
    "itinerance": Choices("itinérance", vocabulary.ITINERANCE, {"Itinerante": "Itinérant"}),
    "services": Choices("services", vocabulary.SERVICES),
    "publics_specifiquement_adresses": Choices(
        "publics spécifiquement adressés", vocabulary.PUBLICS_SPECIFIQUEMENT_ADRESSES
    ),
    "prise_en_charge_specifique": Choices(
        "prise en charge spécifique", vocabulary.PRISE_EN_CHARGE_SPECIFIQUE
    ),
    "frais_a_charge": Choices("frais à charge", vocabulary.FRAIS_A_CHARGE),
    "dispositif_programmes_nationaux": Choices(
        "dispositifs et programmes nationaux", vocabulary.DISPOSITIF_PROGRAMMES_NATIONAUX
    ),
    "formations_labels": Choices(
        "formations et labels", vocabulary.FORMATIONS_LABELS, vocabulary.FORMATIONS_LABELS_ALIASES
    ),
    "modalites_acces": Choices("modalités d'accès", vocabulary.MODALITES_ACCES),
    "modalites_accompagnement": Choices(
        "modalités d'accompagnement", vocabulary.MODALITES_ACCOMPAGNEMENT
    ),
}


def parse_date(value: object) -> date | None:
    """ISO date (a datetime's date part is enough) or French DD/MM/YYYY; None if unreadable."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    cell = text(value)
    try:
        return date.fromisoformat(cell[:10])
    except ValueError:
        pass
    match = _FRENCH_DATE.match(cell)
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            return None
    return None


def _to_float(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = float(text(value).replace(",", "."))
        except ValueError:
            return None
    return number if math.isfinite(number) else None


class RowCheck:
    """Collects errors (the row is rejected) and warnings (the row is kept) for one row."""

    __slots__ = ("errors", "warnings", "dropped_hours")

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.dropped_hours = ""

    def error(self, message: str) -> None:
        self.errors.append(message)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def required(self, label: str, value: object) -> str:
        cell = one_line(value)
        if not cell:
            self.error(f"champ obligatoire « {label} » vide")
        return cell

    def postal_code(self, value: object) -> str:
        cell = text(value).replace(" ", "")
        if not cell:
            self.error("champ obligatoire « code postal » vide")
            return ""
        if POSTAL_CODE.match(cell):
            return cell
        # Spreadsheets drop the leading zero of Ain, Aisne… codes.
        if cell.isdigit() and len(cell) == 4:
            self.warn(f"code postal « {cell} » complété en « 0{cell} »")
            return "0" + cell
        self.error(f"code postal « {cell} » invalide : 5 chiffres attendus")
        return ""

    def insee_code(self, value: object) -> str:
        cell = text(value).replace(" ", "").upper()
        if not cell or INSEE_CODE.match(cell):
            return cell
        if cell.isdigit() and len(cell) == 4:
            self.warn(f"code INSEE « {cell} » complété en « 0{cell} »")
            return "0" + cell
        self.warn(f"code INSEE « {cell} » invalide : ignoré")
        return ""

    def pivot(self, value: object) -> str:
        cell = text(value).replace(" ", "")
        # An all-zero SIRET is the placeholder that exports write when it is unknown.
        if not cell or not cell.strip("0"):
            return ""
        if PIVOT.match(cell):
            return cell
        self.warn(f"SIRET ou RNA « {cell} » invalide : ignoré")
        return ""

    def coordinates(self, latitude: object, longitude: object) -> tuple[float | None, float | None]:
        lat_text, lon_text = text(latitude), text(longitude)
        if not lat_text and not lon_text:
            return None, None
        lat = self._coordinate("latitude", latitude, lat_text, 90)
        lon = self._coordinate("longitude", longitude, lon_text, 180)
        if lat is None or lon is None:
            return None, None
        if lat == 0 and lon == 0:
            self.error("coordonnées (0, 0) : position manifestement fausse")
            return None, None
        return lat, lon

    def _coordinate(self, label: str, value: object, cell: str, bound: int) -> float | None:
        if not cell:
            other = "la longitude" if label == "latitude" else "la latitude"
            self.error(f"{label} absente alors que {other} est renseignée")
            return None
        number = _to_float(value)
        if number is None:
            self.error(f"{label} « {cell} » n'est pas un nombre")
            return None
        if not -bound <= number <= bound:
            self.error(f"{label} « {cell} » hors de l'intervalle -{bound}…{bound}")
            return None
        return number

    def phone(self, value: object) -> str:
        """International form without spaces (+33476123456), as the standard's pattern wants."""
        cell = text(value)
        if _is_standard_phone(cell):  # what standard files hold: nothing to repair
            return cell
        return self.repaired_phone(cell)

    def repaired_phone(self, cell: str) -> str:
        """The phone number found in ``cell`` in international form, with what was repaired."""
        if not _has_letter_or_digit(cell):  # "", "-", "/" mean none
            return ""
        candidates = _PHONE_CANDIDATE.findall(_PHONE_NATIONAL_HINT.sub("", cell))
        if not candidates:
            self.warn(f"téléphone « {cell} » non reconnu : ignoré")
            return ""
        if len(candidates) > 1:
            self.warn(f"plusieurs téléphones dans « {cell} » : seul le premier est gardé")
        number = _international_phone(candidates[0])
        if number is None:
            self.warn(f"téléphone « {cell} » non reconnu : ignoré")
            return ""
        if number.startswith("+33") and not candidates[0].lstrip().startswith(("+", "0")):
            self.warn(f"téléphone « {cell} » sans zéro initial : lu comme « {number} »")
        return number

    def emails(self, value: object) -> list[str]:
        found = []
        for cell in split_values(value):
            for part in _EMAIL_SEPARATORS.split(cell):
                part = part.strip().removeprefix("mailto:")
                if not _has_letter_or_digit(part):  # "", "-", "/" mean none
                    continue
                if _EMAIL.match(part):
                    found.append(part)
                else:
                    self.warn(f"courriel « {part} » invalide : ignoré")
        return unique(found)

    def urls(self, label: str, value: object) -> list[str]:
        found = []
        for cell in split_values(value):
            for part in _URL_SEPARATORS.split(cell):
                url = self._url(label, part)
                if url:
                    found.append(url)
        return unique(found)

    def url(self, label: str, value: object) -> str:
        return self._url(label, text(value))

    def _url(self, label: str, cell: str) -> str:
        if not _has_letter_or_digit(cell):  # "", "-", "/" mean none
            return ""
        if _URL.match(cell):
            return cell
        # "www.example.fr" is common in forms: the scheme is the only thing missing.
        if _BARE_DOMAIN.match(cell):
            return "https://" + cell
        self.warn(f"{label} « {cell} » n'est pas une adresse web : ignoré")
        return ""

    def hours(self, value: object) -> str:
        cell = text(value)
        if not cell:
            return ""
        if is_valid_osm_hours(cell):
            return cell
        self.warn(f"horaires « {cell} » illisibles au format OpenStreetMap : retirés")
        self.dropped_hours = cell
        return ""

    def update_date(self, value: object) -> date | None:
        cell = text(value)
        if not cell:
            self.warn("date de mise à jour absente")
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.warn(f"date de mise à jour « {cell} » illisible : ignorée")
        return parsed

    def choices(self, field_name: str, values: Iterable[str]) -> list[str]:
        """Exact standard labels of ``values``; unknown ones are dropped with a warning."""
        choices = CHOICES[field_name]
        found = []
        for value in values:
            label = choices.get(value)
            if label is None:
                self.warn(f"valeur inconnue « {value} » ignorée (champ « {choices.label} »)")
            else:
                found.append(label)
        return unique(found)

    def finish(self, record: PlaceRecord, *, strict: bool = False) -> PlaceRecord | None:
        """Last repairs on a built record; None when the row must be rejected.

        In strict mode (checking a file that claims to follow the standard) every repair
        becomes a reason to reject, so the producer sees what to fix.
        """
        if len(record.presentation_resume) > RESUME_MAX_LENGTH:
            full = record.presentation_resume
            record.presentation_resume = full[: RESUME_MAX_LENGTH - 1].rstrip() + "…"
            if not record.presentation_detail:
                record.presentation_detail = full
            self.warn(f"présentation résumée de {len(full)} caractères coupée à 280")
        if self.dropped_hours:
            # Free-text hours still help people: keep them readable in the description.
            note = f"Horaires (texte d'origine) : {self.dropped_hours}"
            detail = record.presentation_detail
            record.presentation_detail = f"{detail}\n\n{note}" if detail else note
        if strict:
            self.errors.extend(self.warnings)
            self.warnings = []
        if self.errors:
            return None
        record.warnings = self.warnings
        return record


def _is_standard_phone(cell: str) -> bool:
    """Already in the form ``repaired_phone`` gives: French numbers have 9 digits after +33."""
    if cell.startswith("+33"):
        return len(cell) == 12 and cell[3] != "0" and cell[3:].isdecimal()
    return PHONE_STANDARD.match(cell) is not None


def _international_phone(candidate: str) -> str | None:
    digits = "".join(char for char in candidate if char.isdigit())
    stripped = candidate.lstrip()
    if stripped.startswith("+"):
        number = "+" + digits
    elif stripped.startswith("00"):
        number = "+" + digits[2:]
    elif len(digits) == 10 and digits.startswith("0"):
        country = _OVERSEAS_PREFIXES.get(digits[:4], "+33")
        number = country + digits[1:]
    elif len(digits) == 9 and not digits.startswith("0"):
        number = "+33" + digits
    else:
        return None
    if number.startswith("+330"):
        number = "+33" + number[4:]
    if number.startswith("+33") and len(number) != 12:
        return None
    return number if PHONE_STANDARD.match(number) else None

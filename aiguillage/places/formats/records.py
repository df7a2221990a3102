"""What every reader produces: one normalised place per row, or the reasons it was rejected."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


class FormatError(Exception):
    """The whole file cannot be read (encoding, broken JSON, missing columns, unknown format).

    The message is French and names the problem and where it is, for the person importing.
    """


@dataclass(slots=True)
class PlaceRecord:
    """One place, normalised to the national standard v1.0.2 (field names are its columns)."""

    source: str  # e.g. "hinaura", "france-services", "data-inclusion:dora", "standard"
    source_id: str  # id within that source; (source, source_id) is the natural key
    nom: str
    adresse: str
    code_postal: str
    commune: str
    code_insee: str = ""
    complement_adresse: str = ""
    latitude: float | None = None
    longitude: float | None = None
    pivot: str = ""  # SIRET or RNA; "" when unknown
    typologie: list[str] = field(default_factory=list)
    telephone: str = ""  # international form, e.g. +33476123456
    courriels: list[str] = field(default_factory=list)
    site_web: list[str] = field(default_factory=list)
    horaires: str = ""  # OSM opening_hours, checked with opening-hours-py
    presentation_resume: str = ""  # at most 280 characters
    presentation_detail: str = ""
    itinerance: list[str] = field(default_factory=list)
    structure_parente: str = ""
    date_maj: date | None = None
    services: list[str] = field(default_factory=list)
    publics_specifiquement_adresses: list[str] = field(default_factory=list)
    prise_en_charge_specifique: list[str] = field(default_factory=list)
    frais_a_charge: list[str] = field(default_factory=list)
    dispositif_programmes_nationaux: list[str] = field(default_factory=list)
    formations_labels: list[str] = field(default_factory=list)
    autres_formations_labels: str = ""
    modalites_acces: list[str] = field(default_factory=list)
    modalites_accompagnement: list[str] = field(default_factory=list)
    fiche_acces_libre: str = ""
    prise_rdv: str = ""
    # Our additions, never exported under a standard column.
    extra_services: list[str] = field(default_factory=list)  # codes of vocabulary.EXTRA_SERVICES
    languages: list[str] = field(default_factory=list)  # codes of vocabulary.LANGUAGES
    capacity_note: str = ""
    # French notes on values that were dropped or repaired while the row was kept.
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ParsedRow:
    """One row (CSV line or JSON element) of a source file, accepted or rejected.

    ``line`` is 1-based: for a CSV the physical line where the row starts (the header is
    line 1, so the first data row is 2); for JSON the position of the element in the array.
    ``origin`` names the file when it is not the main one (the data·inclusion services file).
    """

    line: int
    record: PlaceRecord | None
    errors: list[str] = field(default_factory=list)
    unit: str = "ligne"  # "ligne" (CSV) or "élément n°" (JSON), for messages
    origin: str = ""

    @property
    def accepted(self) -> bool:
        return self.record is not None

    @property
    def location(self) -> str:
        """Where the row is, in French: « ligne 12 » or « élément n°12 »."""
        separator = "" if self.unit.endswith("°") else " "
        where = f"{self.unit}{separator}{self.line}"
        return f"{where} de {self.origin}" if self.origin else where

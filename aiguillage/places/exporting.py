"""Open data out: the places of a territory in the national formats."""

from __future__ import annotations

import io
from collections.abc import Iterator

from aiguillage.places import formats
from aiguillage.places.models import Place
from aiguillage.territories.models import Territory

EXPORT_FORMATS: dict[str, tuple[str, str, str]] = {
    # code: (label, file extension, content type)
    "lieux-mediation-numerique-v1": (
        "Lieux de médiation numérique v1.0.2 (CSV)",
        "csv",
        "text/csv; charset=utf-8",
    ),
    "geojson": ("GeoJSON (carte)", "geojson", "application/geo+json"),
    "data-inclusion-v1-structures": (
        "data·inclusion v1 — structures (JSON)",
        "json",
        "application/json",
    ),
    "data-inclusion-v1-services": (
        "data·inclusion v1 — services (JSON)",
        "json",
        "application/json",
    ),
}


def record_from_place(place: Place) -> formats.PlaceRecord:
    return formats.PlaceRecord(
        source=place.source or "Aiguillage",
        source_id=str(place.public_id),
        nom=place.nom,
        adresse=place.adresse,
        code_postal=place.code_postal,
        commune=place.commune,
        code_insee=place.code_insee,
        complement_adresse=place.complement_adresse,
        latitude=place.latitude,
        longitude=place.longitude,
        pivot=place.pivot,
        typologie=list(place.typologie),
        telephone=place.telephone,
        courriels=list(place.courriels),
        site_web=list(place.site_web),
        horaires=place.horaires,
        presentation_resume=place.presentation_resume,
        presentation_detail=place.presentation_detail,
        itinerance=list(place.itinerance),
        structure_parente=place.structure_parente,
        date_maj=place.date_maj,
        services=list(place.services),
        publics_specifiquement_adresses=list(place.publics_specifiquement_adresses),
        prise_en_charge_specifique=list(place.prise_en_charge_specifique),
        frais_a_charge=list(place.frais_a_charge),
        dispositif_programmes_nationaux=list(place.dispositif_programmes_nationaux),
        formations_labels=list(place.formations_labels),
        autres_formations_labels=place.autres_formations_labels,
        modalites_acces=list(place.modalites_acces),
        modalites_accompagnement=list(place.modalites_accompagnement),
        fiche_acces_libre=place.fiche_acces_libre,
        prise_rdv=place.prise_rdv,
        extra_services=list(place.extra_services),
        languages=list(place.languages),
        capacity_note=place.capacity_note,
    )


def exported_places(territory: Territory | None) -> Iterator[formats.PlaceRecord]:
    places = Place.objects.published().order_by("nom", "id")
    if territory is not None:
        places = places.in_territory(territory)
    for place in places.iterator(chunk_size=2000):
        yield record_from_place(place)


def export_text(territory: Territory | None, file_format: str) -> str:
    """The whole export as text (territories hold thousands of places, not millions)."""
    out = io.StringIO()
    records = exported_places(territory)
    if file_format == "lieux-mediation-numerique-v1":
        formats.write_standard_csv(records, out)
    elif file_format == "geojson":
        formats.write_geojson(records, out)
    elif file_format == "data-inclusion-v1-structures":
        formats.write_data_inclusion_v1(records, out, io.StringIO())
    elif file_format == "data-inclusion-v1-services":
        formats.write_data_inclusion_v1(records, io.StringIO(), out)
    else:
        raise ValueError(f"Format d'export inconnu : {file_format}")
    return out.getvalue()

"""State changes of places: the one path for writes (views, admin, imports, demo)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from aiguillage.journal.actions import log_event
from aiguillage.places.hours import validate_opening_hours
from aiguillage.places.models import Place, PlaceChange, PlaceChangeKind
from aiguillage.places.rules import derive_search_fields
from aiguillage.territories.models import Commune, Territory


class PlaceError(ValueError):
    """A rule refused the change; the message is French and shown to the user."""


# Fields people edit; derived and bookkeeping fields are set here, never by callers.
EDITABLE_FIELDS: tuple[str, ...] = (
    "organisation",
    "pivot",
    "nom",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "latitude",
    "longitude",
    "typologie",
    "telephone",
    "courriels",
    "site_web",
    "horaires",
    "presentation_resume",
    "presentation_detail",
    "source",
    "itinerance",
    "structure_parente",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
    "fiche_acces_libre",
    "prise_rdv",
    "extra_services",
    "languages",
    "capacity_note",
    "is_published",
    "location_is_approximate",
)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def check_place_values(values: Mapping[str, Any], *, territory: Territory) -> None:
    """Raise ``PlaceError`` (French message) when ``values`` break a rule of places.

    Forms check the same things field by field for nicer messages; this is the
    last word, shared by every path that writes (views, admin, imports, demo).
    """
    message = validate_opening_hours(values.get("horaires") or "")
    if message:
        raise PlaceError(message)
    latitude, longitude = values.get("latitude"), values.get("longitude")
    if (latitude is None) != (longitude is None):
        raise PlaceError("Indiquez la latitude et la longitude, ou aucune des deux.")
    if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise PlaceError(
            "Les coordonnées sont hors des limites (latitude −90…90, longitude −180…180)."
        )
    # A structure manages places of its own territory only: coordinators of one
    # territory must not be able to hand a place to another territory's structure.
    organisation = values.get("organisation")
    if organisation is not None and organisation.territory_id != territory.pk:
        raise PlaceError("Cette structure n'appartient pas au territoire du lieu.")


def _attach_commune(place: Place) -> None:
    if place.code_insee:
        place.commune_ref = Commune.objects.filter(insee_code=place.code_insee).first()


def _apply_derived(place: Place) -> None:
    for name, value in derive_search_fields(place.__dict__).items():
        setattr(place, name, value)


@transaction.atomic
def create_place(
    *, actor: Any, territory: Territory, values: Mapping[str, Any], note: str = ""
) -> Place:
    """Create a place of ``territory``, dated today, and keep its first values as a change."""
    unknown = set(values) - set(EDITABLE_FIELDS) - {"is_demo"}
    if unknown:
        raise PlaceError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    check_place_values(values, territory=territory)
    place = Place(territory=territory, date_maj=timezone.localdate(), **values)
    _attach_commune(place)
    _apply_derived(place)
    place.save()
    PlaceChange.objects.create(
        place=place,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=PlaceChangeKind.CREATED,
        changes={name: [None, _jsonable(value)] for name, value in values.items()},
        note=note,
    )
    log_event("place_created", actor=actor, obj=place, territory_id=territory.pk)
    return place


@transaction.atomic
def update_place(*, actor: Any, place: Place, values: Mapping[str, Any], note: str = "") -> Place:
    """Apply the changed values, keep the before/after of each, and move ``date_maj``."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise PlaceError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    # The structure is checked only when the caller sets it: a place stays editable
    # even if its structure has since moved to another territory.
    current = {name: getattr(place, name) for name in EDITABLE_FIELDS if name != "organisation"}
    check_place_values(current | dict(values), territory=place.territory)
    changes = {}
    for name, value in values.items():
        before = getattr(place, name)
        if before != value:
            changes[name] = [_jsonable(before), _jsonable(value)]
            setattr(place, name, value)
    if not changes:
        return place
    place.date_maj = timezone.localdate()
    _attach_commune(place)
    _apply_derived(place)
    place.save()
    PlaceChange.objects.create(
        place=place,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=PlaceChangeKind.UPDATED,
        changes=changes,
        note=note,
    )
    log_event(
        "place_updated",
        actor=actor,
        obj=place,
        territory_id=place.territory_id,
        data={"fields": sorted(changes)},
    )
    return place

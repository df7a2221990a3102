"""Donors, their contacts, and collections with what was given.

A collection's receipt number is given once, in order per programme and year
(« DON-2017-0004 »): the programme's row is locked while the next number is read and
written, so two people recording at the same instant never share a number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from aiguillage.equipment import rules
from aiguillage.equipment.errors import EquipmentError
from aiguillage.equipment.models import (
    Collection,
    CollectionItem,
    Donor,
    DonorContact,
    DonorKind,
    ItemType,
    PartnerRole,
    Programme,
)
from aiguillage.equipment.programme_actions import has_role
from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import Organisation

# --- Donors -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DonorValues:
    name: str
    kind: str
    siret: str = ""
    address: str = ""
    notes: str = ""


def _clean_donor(programme: Programme, values: DonorValues, *, except_pk: int | None) -> dict:
    name = " ".join(values.name.split())
    if not name:
        raise EquipmentError("Indiquez le nom du donateur.")
    if values.kind not in DonorKind.values:
        raise EquipmentError("Choisissez le type de donateur dans la liste.")
    siret = "".join(values.siret.split())
    if siret and not (siret.isdigit() and len(siret) == 14):
        raise EquipmentError("Le SIRET compte 14 chiffres (ou laissez-le vide).")
    same = Donor.objects.filter(programme=programme, name__iexact=name)
    if except_pk is not None:
        same = same.exclude(pk=except_pk)
    if same.exists():
        raise EquipmentError(f"Le donateur « {name} » existe déjà dans ce programme.")
    return {
        "name": name[:200],
        "kind": values.kind,
        "siret": siret,
        "address": values.address.strip()[:300],
        "notes": values.notes.strip()[:300],
    }


@transaction.atomic
def create_donor(*, actor: Any, programme: Programme, values: DonorValues) -> Donor:
    donor = Donor.objects.create(
        programme=programme, **_clean_donor(programme, values, except_pk=None)
    )
    log_event("donor_created", actor=actor, obj=donor, territory_id=programme.territory_id)
    return donor


@transaction.atomic
def update_donor(*, actor: Any, donor: Donor, values: DonorValues) -> Donor:
    current = Donor.objects.select_for_update().get(pk=donor.pk)
    clean = _clean_donor(current.programme, values, except_pk=current.pk)
    changed = sorted(key for key, value in clean.items() if getattr(current, key) != value)
    if changed:
        Donor.objects.filter(pk=current.pk).update(**clean, updated_at=timezone.now())
        log_event(
            "donor_updated",
            actor=actor,
            obj=current,
            territory_id=current.programme.territory_id,
            data={"fields": changed},
        )
    current.refresh_from_db()
    return current


@dataclass(frozen=True)
class ContactValues:
    name: str
    role: str = ""
    email: str = ""
    phone: str = ""


def _clean_contact(values: ContactValues) -> dict:
    name = " ".join(values.name.split())
    if not name:
        raise EquipmentError("Indiquez le nom du contact.")
    email, phone = values.email.strip(), values.phone.strip()
    if not email and not phone:
        raise EquipmentError("Indiquez un courriel ou un téléphone pour joindre ce contact.")
    return {"name": name[:120], "role": values.role.strip()[:120], "email": email, "phone": phone}


@transaction.atomic
def save_contact(
    *, actor: Any, donor: Donor, values: ContactValues, contact: DonorContact | None = None
) -> DonorContact:
    """Add a contact to ``donor``, or correct ``contact``."""
    clean = _clean_contact(values)
    if contact is None:
        contact = DonorContact.objects.create(donor=donor, **clean)
        event = "donor_contact_added"
    else:
        if contact.donor_id != donor.pk:
            raise EquipmentError("Ce contact appartient à un autre donateur.")
        DonorContact.objects.filter(pk=contact.pk).update(**clean, updated_at=timezone.now())
        contact.refresh_from_db()
        event = "donor_contact_updated"
    log_event(
        event,
        actor=actor,
        obj=donor,
        territory_id=donor.programme.territory_id,
        data={"contact": contact.pk},
    )
    return contact


@transaction.atomic
def remove_contact(*, actor: Any, contact: DonorContact) -> None:
    donor = contact.donor
    log_event(
        "donor_contact_removed",
        actor=actor,
        obj=donor,
        territory_id=donor.programme.territory_id,
        data={"contact": contact.pk},
    )
    contact.delete()


# --- Collections --------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemLine:
    item_type: str
    quantity: int
    description: str = ""


def _check_items(items: Sequence[ItemLine]) -> list[ItemLine]:
    if not items:
        raise EquipmentError("Indiquez au moins une ligne de matériel collecté.")
    for line in items:
        if line.item_type not in ItemType.values:
            raise EquipmentError("Choisissez le type de matériel dans la liste.")
        if line.quantity is None or line.quantity < 1:
            raise EquipmentError("La quantité de chaque ligne est d'au moins 1.")
        if line.quantity > 10_000:
            raise EquipmentError("Une ligne compte au plus 10 000 appareils.")
    return list(items)


@transaction.atomic
def record_collection(
    *,
    actor: Any,
    programme: Programme,
    donor: Donor,
    collected_on: dt.date,
    collected_by: Organisation,
    items: Sequence[ItemLine],
    notes: str = "",
) -> Collection:
    """A pick-up at ``donor`` by ``collected_by`` (a partner with the « collecte » role),
    with its item lines and the next receipt number of the programme for that year."""
    if donor.programme_id != programme.pk:
        raise EquipmentError("Ce donateur n'est pas un donateur de ce programme.")
    if collected_on > timezone.localdate():
        raise EquipmentError("La date de la collecte ne peut pas être dans le futur.")
    if not has_role(programme, collected_by, PartnerRole.COLLECTION):
        raise EquipmentError(
            f"{collected_by.name} n'est pas partenaire « collecte » de ce programme : "
            "choisissez une structure qui collecte."
        )
    lines = _check_items(items)
    # The lock serialises numbering: the next number is read and used under it.
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    year = collected_on.year
    taken = Collection.objects.filter(
        programme=locked, receipt_number__startswith=f"{locked.receipt_prefix}-{year}-"
    ).values_list("receipt_number", flat=True)
    sequence = rules.next_sequence(locked.receipt_prefix, year, taken)
    collection = Collection.objects.create(
        programme=locked, donor=donor, collected_on=collected_on, collected_by=collected_by,
        receipt_number=rules.receipt_number(locked.receipt_prefix, year, sequence),
        notes=notes.strip()[:300], created_by=actor,
    )  # fmt: skip
    CollectionItem.objects.bulk_create(
        CollectionItem(
            collection=collection,
            item_type=line.item_type,
            quantity=line.quantity,
            description=line.description.strip()[:200],
        )  # fmt: skip
        for line in lines
    )
    log_event(
        "collection_recorded",
        actor=actor,
        obj=collection,
        territory_id=programme.territory_id,
        data={"receipt": collection.receipt_number, "items": sum(i.quantity for i in lines)},
    )
    return collection


@transaction.atomic
def log_receipt_downloaded(*, actor: Any, collection: Collection) -> None:
    """The donation receipt was opened (a document naming the donor leaves the site)."""
    log_event(
        "collection_receipt_downloaded",
        actor=actor,
        obj=collection,
        territory_id=collection.programme.territory_id,
        data={"receipt": collection.receipt_number},
    )

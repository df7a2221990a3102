"""The one path for writes on items: create, edit, withdraw from the catalogue.

Bookings are in ``booking_actions``; late-return reminders in ``reminder_actions``.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import Organisation
from aiguillage.pool import rules
from aiguillage.pool.errors import PoolError
from aiguillage.pool.models import Booking, Item, ItemCategory, ItemCondition

EDITABLE = ("name", "category", "description", "condition", "accessories", "is_available_for_loan")


def _checked(values: dict[str, Any]) -> dict[str, Any]:
    """The item's editable values, checked; raises ``PoolError`` in French."""
    data = {key: values[key] for key in EDITABLE if key in values}
    data["name"] = " ".join(str(data.get("name", "")).split())[:120]
    if not data["name"]:
        raise PoolError("Donnez un nom à l'objet.")
    if data.get("category") not in ItemCategory.values:
        raise PoolError("Choisissez la catégorie dans la liste.")
    data.setdefault("condition", ItemCondition.GOOD)
    if data["condition"] not in ItemCondition.values:
        raise PoolError("Choisissez l'état dans la liste.")
    data["accessories"] = rules.clean_accessories(data.get("accessories") or [])
    problem = rules.accessories_problem(data["accessories"])
    if problem:
        raise PoolError(problem)
    return data


def _check_photo(photo: UploadedFile) -> None:
    head = photo.read(16)
    photo.seek(0)
    problem = rules.photo_problem(size=photo.size or 0, head=head)
    if problem:
        raise PoolError(problem)
    # The stored name's extension follows the content, not what the sender called it.
    photo.name = f"photo.{rules.photo_kind(head)}"


@transaction.atomic
def create_item(
    *,
    actor: Any,
    organisation: Organisation,
    values: dict[str, Any],
    photo: UploadedFile | None = None,
    is_demo: bool = False,
) -> Item:
    """A structure puts an item in the territory's pool."""
    if organisation.territory_id is None:
        raise PoolError("Votre structure doit d'abord rejoindre un territoire pour prêter.")
    data = _checked(values)
    if photo is not None:
        _check_photo(photo)
    item = Item(
        organisation=organisation,
        territory_id=organisation.territory_id,
        created_by=actor,
        is_demo=is_demo,
        **data,
    )
    if photo is not None:
        item.photo = photo
    item.save()
    log_event(
        "pool_item_created",
        actor=actor,
        obj=item,
        territory_id=item.territory_id,
        data={"organisation": organisation.pk, "category": item.category},
    )
    return item


@transaction.atomic
def update_item(
    *,
    actor: Any,
    item: Item,
    values: dict[str, Any],
    photo: UploadedFile | None = None,
    remove_photo: bool = False,
) -> Item:
    """Change an item's description; a new photo replaces the old one."""
    current = Item.objects.select_for_update().get(pk=item.pk)
    if current.withdrawn_at is not None:
        raise PoolError("Cet objet est retiré du catalogue : il ne se modifie plus.")
    data = _checked(values)
    if photo is not None:
        _check_photo(photo)
    changed = sorted(key for key, value in data.items() if getattr(current, key) != value)
    for key, value in data.items():
        setattr(current, key, value)
    old_photo = current.photo.name if current.photo else ""
    if photo is not None:
        current.photo = photo
        changed.append("photo")
    elif remove_photo and old_photo:
        current.photo = ""
        changed.append("photo")
    current.save()
    if old_photo and "photo" in changed:
        storage = current.photo.storage
        transaction.on_commit(lambda: storage.delete(old_photo))
    log_event(
        "pool_item_updated",
        actor=actor,
        obj=current,
        territory_id=current.territory_id,
        data={"fields": changed},
    )
    return current


@transaction.atomic
def withdraw_item(*, actor: Any, item: Item) -> Item:
    """Take an item out of the catalogue for good (history stays). Refused while a booking
    still holds it: cancel or close those first."""
    current = Item.objects.select_for_update().get(pk=item.pk)
    if current.withdrawn_at is not None:
        raise PoolError("Cet objet est déjà retiré du catalogue.")
    if Booking.objects.filter(item=current).active().exists():
        raise PoolError(
            "Cet objet a des réservations en cours : refusez-les, annulez-les ou attendez "
            "son retour avant de le retirer."
        )
    now = timezone.now()
    Item.objects.filter(pk=current.pk).update(
        withdrawn_at=now, is_available_for_loan=False, updated_at=now
    )
    log_event("pool_item_withdrawn", actor=actor, obj=current, territory_id=current.territory_id)
    current.refresh_from_db()
    return current

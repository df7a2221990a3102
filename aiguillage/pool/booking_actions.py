"""The one path for writes on bookings: request, approve, decline, cancel, check out,
return.

No overlap, ever: ``request_booking`` locks the item's row (PostgreSQL; SQLite's IMMEDIATE
transactions serialise every writer already), then looks for an active booking of the item
over the same period and refuses with « Cet objet est déjà réservé du … au … ». On
PostgreSQL the exclusion constraint ``pool_booking_no_overlap`` is the backstop: its
IntegrityError becomes the same French message. Every status change goes through
``transition`` along ``models.ALLOWED_TRANSITIONS`` and leaves a ``BookingStatusChange``
and a journal entry.

``now`` is the moment of the action: the present, except when the demo replays a past loan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import Organisation
from aiguillage.pool import notifications, rules
from aiguillage.pool.errors import PoolError
from aiguillage.pool.models import (
    OWNER_MOVES,
    Booking,
    BookingStatus,
    BookingStatusChange,
    Item,
    ItemCondition,
    transition_problem,
)

S = BookingStatus
OVERLAP_CONSTRAINT = "pool_booking_no_overlap"


def lock_item(item: Item) -> Item:
    """The item's row, locked until the end of the transaction."""
    return Item.objects.select_for_update().select_related("territory").get(pk=item.pk)


def overlap_problem(item: Item, starts_at: dt.datetime, ends_at: dt.datetime) -> str | None:
    """The French refusal when an active booking of ``item`` overlaps the period."""
    clash = (
        Booking.objects.filter(item=item)
        .active()
        .overlapping(starts_at, ends_at)
        .order_by("starts_at")
        .first()
    )
    if clash is None:
        return None
    return _overlap_text(item, clash.starts_at, clash.ends_at)


def _overlap_text(item: Item, starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    tz = item.territory.tz
    return rules.overlap_message(starts_at.astimezone(tz), ends_at.astimezone(tz))


@transaction.atomic
def request_booking(
    *,
    actor: Any,
    item: Item,
    organisation: Organisation,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    purpose: str = "",
    now: dt.datetime | None = None,
    is_demo: bool = False,
) -> Booking:
    """A structure of the item's territory asks to borrow it for [starts_at, ends_at).

    The owner may book its own item (internal use): the period is then blocked for others,
    and the owner still approves it, as for anyone."""
    now = now or timezone.now()
    current = lock_item(item)
    if organisation.territory_id != current.territory_id:
        raise PoolError("Seules les structures du territoire de cet objet peuvent l'emprunter.")
    if not current.is_lendable:
        raise PoolError("Cet objet n'est pas prêté en ce moment.")
    problem = rules.period_problem(starts_at, ends_at, now=now) or overlap_problem(
        current, starts_at, ends_at
    )
    if problem:
        raise PoolError(problem)
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                item=current,
                territory_id=current.territory_id,
                owner_organisation_id=current.organisation_id,
                borrower_organisation=organisation,
                requested_by=actor,
                starts_at=starts_at,
                ends_at=ends_at,
                purpose=purpose.strip()[:300],
                status=S.REQUESTED,
                is_demo=is_demo,
            )
    except IntegrityError as error:
        # The database saw an overlap the check above did not (PostgreSQL's backstop).
        if OVERLAP_CONSTRAINT not in str(error):
            raise
        raise PoolError(_overlap_text(current, starts_at, ends_at)) from error
    BookingStatusChange.objects.create(
        booking=booking, from_status="", to_status=S.REQUESTED, actor=actor,
        organisation=organisation, note=booking.purpose, at=now,
    )  # fmt: skip
    log_event(
        "pool_booking_requested",
        actor=actor,
        obj=booking,
        territory_id=booking.territory_id,
        data={
            "item": str(current.public_id),
            "borrower": organisation.pk,
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
        },
    )
    transaction.on_commit(lambda: notifications.send_booking_requested(booking.pk))
    return booking


def transition(
    booking: Booking,
    *,
    to: str,
    actor: Any,
    organisation: Organisation | None,
    note: str = "",
    now: dt.datetime | None = None,
    changes: dict[str, Any] | None = None,
) -> Booking:
    """Move ``booking`` to ``to`` along the table, or raise ``PoolError`` and change nothing.
    The row is locked; ``changes`` are the other fields the move sets."""
    now = now or timezone.now()
    with transaction.atomic():
        current = Booking.objects.select_for_update().get(pk=booking.pk)
        problem = transition_problem(current.status, to)
        if problem:
            raise PoolError(problem)
        owner = organisation is not None and organisation.pk == current.owner_organisation_id
        borrower = organisation is not None and organisation.pk == current.borrower_organisation_id
        if to in OWNER_MOVES and not owner:
            raise PoolError("Seule la structure qui prête l'objet peut faire cela.")
        if not (owner or borrower):
            raise PoolError("Seules les deux structures du prêt peuvent l'annuler.")
        Booking.objects.filter(pk=current.pk).update(status=to, updated_at=now, **(changes or {}))
        BookingStatusChange.objects.create(
            booking=current, from_status=current.status, to_status=to, actor=actor,
            organisation=organisation, note=note.strip()[:300], at=now,
        )  # fmt: skip
        log_event(
            "pool_booking_status_changed",
            actor=actor,
            obj=current,
            territory_id=current.territory_id,
            data={"from": current.status, "to": to},
        )
        current.refresh_from_db()
        if to in (S.APPROVED, S.DECLINED, S.CANCELLED):
            transaction.on_commit(
                lambda: notifications.send_booking_answered(current.pk, organisation.pk)
            )
    return current


def approve_booking(
    *,
    actor: Any,
    booking: Booking,
    organisation: Organisation,
    note: str = "",
    now: dt.datetime | None = None,
) -> Booking:
    return transition(
        booking, to=S.APPROVED, actor=actor, organisation=organisation, note=note, now=now
    )


def decline_booking(
    *, actor: Any, booking: Booking, organisation: Organisation, note: str = ""
) -> Booking:
    return transition(booking, to=S.DECLINED, actor=actor, organisation=organisation, note=note)


def cancel_booking(
    *, actor: Any, booking: Booking, organisation: Organisation, note: str = ""
) -> Booking:
    """Either structure cancels before the hand-over; the period is free again."""
    return transition(booking, to=S.CANCELLED, actor=actor, organisation=organisation, note=note)


def _condition(condition: str) -> str:
    if condition not in ItemCondition.values:
        raise PoolError("Indiquez l'état de l'objet dans la liste.")
    return condition


def check_out_booking(
    *,
    actor: Any,
    booking: Booking,
    organisation: Organisation,
    condition: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> Booking:
    """The owner hands the item over, noting its condition. Not once the period is over:
    cancel, and book again."""
    now = now or timezone.now()
    condition = _condition(condition)
    if booking.ends_at <= now:
        raise PoolError("La période de cette réservation est passée : annulez-la.")
    return transition(
        booking, to=S.CHECKED_OUT, actor=actor, organisation=organisation, note=note, now=now,
        changes={"checked_out_at": now, "checkout_condition": condition},
    )  # fmt: skip


@transaction.atomic
def return_booking(
    *,
    actor: Any,
    booking: Booking,
    organisation: Organisation,
    condition: str,
    missing_accessories: Iterable[str] = (),
    note: str = "",
    now: dt.datetime | None = None,
) -> Booking:
    """The owner takes the item back: its condition, the accessories missing (from the
    item's list), a note. The item's own condition follows."""
    now = now or timezone.now()
    condition = _condition(condition)
    item = lock_item(booking.item)
    missing = rules.clean_accessories(missing_accessories)
    unknown = [name for name in missing if name not in item.accessories]
    if unknown:
        raise PoolError(f"Accessoire inconnu pour cet objet : {', '.join(unknown)}.")
    returned = transition(
        booking, to=S.RETURNED, actor=actor, organisation=organisation, note=note, now=now,
        changes={
            "returned_at": now, "return_condition": condition,
            "missing_accessories": missing, "return_note": note.strip()[:300],
        },
    )  # fmt: skip
    if item.condition != condition:
        Item.objects.filter(pk=item.pk).update(condition=condition, updated_at=now)
    if missing:
        log_event(
            "pool_accessories_missing",
            actor=actor,
            obj=returned,
            territory_id=returned.territory_id,
            data={"missing": missing},
        )
    return returned

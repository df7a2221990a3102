"""E-mails about loans of the equipment pool.

Actions schedule these functions with ``transaction.on_commit``; they take ids and reload
what they need. Messages go to structures (the professional who asked, or the structure's
managers once they have left it) and speak of equipment only; links need a login.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.template.loader import render_to_string
from django.urls import reverse

from aiguillage.accounts.models import Membership, Role
from aiguillage.accounts.notifications import absolute_url
from aiguillage.jobs.mail import queue_emails
from aiguillage.pool import rules
from aiguillage.pool.models import Booking


def _send(template: str, context: dict, recipients: Iterable[str]) -> int:
    recipients = sorted(set(recipients))
    if not recipients:
        return 0
    subject = render_to_string(f"pool/emails/{template}_subject.txt", context)
    body = render_to_string(f"pool/emails/{template}_body.txt", context)
    return queue_emails(" ".join(subject.split()), body, recipients)


def _managers(organisation_id: int) -> list[str]:
    return list(
        Membership.objects.filter(
            organisation_id=organisation_id, role=Role.MANAGER, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def borrower_emails(booking: Booking) -> list[str]:
    """Who asked for the loan, or the borrowing structure's managers once they left it."""
    asked = Membership.objects.filter(
        organisation_id=booking.borrower_organisation_id,
        user_id=booking.requested_by_id,
        user__is_active=True,
    ).values_list("user__email", flat=True)
    return list(asked) or _managers(booking.borrower_organisation_id)


def owner_emails(booking: Booking) -> list[str]:
    """The lending structure's managers, or all its members when it has none."""
    return _managers(booking.owner_organisation_id) or list(
        Membership.objects.filter(
            organisation_id=booking.owner_organisation_id, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def _context(booking: Booking) -> dict:
    tz = booking.territory.tz
    return {
        "booking": booking,
        "item": booking.item.name,
        "owner": booking.owner_organisation.name,
        "borrower": booking.borrower_organisation.name,
        "period": rules.period_text(
            booking.starts_at.astimezone(tz), booking.ends_at.astimezone(tz)
        ),
        "url": absolute_url(reverse("pool:booking_detail", args=[booking.public_id])),
    }


def _load(booking_id: int) -> Booking | None:
    return (
        Booking.objects.select_related(
            "item", "territory", "owner_organisation", "borrower_organisation"
        )
        .filter(pk=booking_id)
        .first()
    )


def send_booking_requested(booking_id: int) -> int:
    """A structure asks to borrow: the lending structure is told."""
    booking = _load(booking_id)
    if booking is None:
        return 0
    return _send("booking_requested", _context(booking), owner_emails(booking))


def send_booking_answered(booking_id: int, by_organisation_id: int) -> int:
    """Accepted, refused or cancelled: the other structure is told."""
    booking = _load(booking_id)
    if booking is None:
        return 0
    by_owner = by_organisation_id == booking.owner_organisation_id
    context = _context(booking) | {"by_owner": by_owner, "status": booking.get_status_display()}
    note = booking.changes.order_by("-at", "-id").values_list("note", flat=True).first()
    context["note"] = note or ""
    if by_owner and booking.owner_organisation_id == booking.borrower_organisation_id:
        return 0  # the structure answered its own request
    return _send(
        "booking_answered", context, borrower_emails(booking) if by_owner else owner_emails(booking)
    )


def send_late_reminder(booking_id: int) -> int:
    """The item should be back: the borrowing structure is reminded."""
    booking = _load(booking_id)
    if booking is None:
        return 0
    return _send("late_return", _context(booking), borrower_emails(booking))

"""E-mails about referrals.

Actions schedule these functions with ``transaction.on_commit``; they take ids and reload
what they need. Bodies carry no personal data beyond the person's first name, subjects
none at all, and the link leads to a page that requires logging in.
"""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from aiguillage.accounts.models import Membership, Role
from aiguillage.accounts.notifications import absolute_url
from aiguillage.jobs.mail import queue_emails
from aiguillage.organisations.models import Organisation
from aiguillage.referrals import rules
from aiguillage.referrals.models import Referral, ReferralStatus, ReferralStatusChange
from aiguillage.referrals.permissions import follows_person, receiver_sees_person


def _send(template: str, context: dict, recipients: list[str]) -> int:
    """One message per recipient, so that nobody sees the others' addresses."""
    if not recipients:
        return 0
    subject = render_to_string(f"referrals/emails/{template}_subject.txt", context)
    subject = " ".join(subject.split())
    body = render_to_string(f"referrals/emails/{template}_body.txt", context)
    return queue_emails(subject, body, recipients)


def _member_emails(organisation: Organisation) -> list[str]:
    return list(
        Membership.objects.filter(organisation=organisation, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )


def _sender_emails(referral: Referral) -> list[str]:
    """The person who sent it; their structure's managers if they have left."""
    if (
        referral.sent_by.is_active
        and Membership.objects.filter(
            user=referral.sent_by, organisation=referral.sender_organisation
        ).exists()
    ):
        return [referral.sent_by.email]
    return list(
        Membership.objects.filter(
            organisation=referral.sender_organisation, role=Role.MANAGER, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def _referral(referral_id: int) -> Referral | None:
    return (
        Referral.objects.select_related(
            "person", "place", "sender_organisation", "receiver_organisation", "sent_by"
        )
        .filter(pk=referral_id)
        .first()
    )


def _context(referral: Referral) -> dict:
    return {
        "referral": referral,
        "first_name": referral.person_first_name,
        "place_name": referral.place.nom,
        "sender": referral.sender_organisation.name,
        "receiver": referral.receiver_organisation.name,
        "url": absolute_url(reverse("referrals:referral_detail", args=[referral.public_id])),
        "expires_on": referral.created_at + dt.timedelta(days=rules.EXPIRY_AFTER_DAYS),
    }


def send_referral_received(referral_id: int) -> int:
    """A new referral: every member of the receiving structure is told where to answer."""
    referral = _referral(referral_id)
    if referral is None or referral.status != ReferralStatus.SENT:
        return 0
    recipients = _member_emails(referral.receiver_organisation)
    return _send("referral_received", _context(referral), recipients)


def send_reminder(referral_id: int) -> int:
    referral = _referral(referral_id)
    if referral is None or referral.status != ReferralStatus.SENT:
        return 0
    recipients = _member_emails(referral.receiver_organisation)
    return _send("referral_reminder", _context(referral), recipients)


def send_status_changed(change_id: int) -> int:
    """The other side learns each change: the sender for answers and outcomes, the
    receiver when the sender cancels."""
    change = ReferralStatusChange.objects.filter(pk=change_id).first()
    if change is None:
        return 0
    referral = _referral(change.referral_id)
    if referral is None:
        return 0
    if change.to_status == ReferralStatus.CANCELLED:
        recipient = referral.receiver_organisation
        recipients = _member_emails(recipient)
    else:
        recipient = referral.sender_organisation
        recipients = _sender_emails(referral)
    context = _context(referral)
    # The first name only to a structure that still sees it (permissions, issue 11): not to
    # the receiver of a cancelled referral, nor to a redirecting sender once it ended.
    if not (
        follows_person([recipient.pk], referral) or receiver_sees_person(referral, timezone.now())
    ):
        context["first_name"] = ""
    context |= {
        "change": change,
        "status_label": ReferralStatus(change.to_status).label.lower(),
        "is_cancelled": change.to_status == ReferralStatus.CANCELLED,
        "is_expired": change.to_status == ReferralStatus.EXPIRED,
    }
    return _send("status_changed", context, recipients)

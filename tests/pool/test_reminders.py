"""Late returns: ``remind_late_pool_returns`` e-mails the borrowing structure through a real
SMTP conversation, once a day at most, and only with --wet-run."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from io import StringIO

import pytest
from django.core.management import call_command

from aiguillage.journal.models import JournalEntry
from aiguillage.pool import booking_actions
from aiguillage.pool.models import Booking
from aiguillage.pool.reminder_actions import bookings_to_remind, remind_late_booking

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def late(owner, organisation, booking):
    """Handed over, and its period ended yesterday (the dates are moved by the test)."""
    booking_actions.approve_booking(actor=owner, booking=booking, organisation=organisation)
    booking_actions.check_out_booking(
        actor=owner, booking=booking, organisation=organisation, condition="bon"
    )
    shift = booking.ends_at - (booking.ends_at.now(dt.UTC) - dt.timedelta(days=1))
    Booking.objects.filter(pk=booking.pk).update(
        starts_at=booking.starts_at - shift, ends_at=booking.ends_at - shift
    )
    booking.refresh_from_db()
    return booking


def _run(*args) -> str:
    out = StringIO()
    call_command("remind_late_pool_returns", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_counts_and_sends_nothing(smtp_server, late):
    smtp_server.envelopes.clear()  # the request's and the answer's messages
    assert _run() == "1 prêts en retard à rappeler (simulation, ajoutez --wet-run).\n"
    assert smtp_server.envelopes == []
    assert Booking.objects.get(pk=late.pk).late_reminded_at is None


def test_the_borrower_gets_one_reminder_a_day(smtp_server, settings, late, borrower, owner):
    settings.SITE_URL = "https://aiguillage.example"
    smtp_server.envelopes.clear()  # the request's and the answer's messages
    assert _run("--wet-run") == "1 prêts en retard rappelés.\n"
    assert [envelope.rcpt_tos for envelope in smtp_server.envelopes] == [[borrower.email]]
    message = email.message_from_bytes(
        smtp_server.envelopes[0].original_content, policy=email.policy.default
    )
    assert str(message["Subject"]) == "Matériel à rendre : 6 tablettes Android"
    body = message.get_content()
    assert "l'objet n'a pas encore été rendu" in body
    assert f"https://aiguillage.example/espace/pret-materiel/reservations/{late.public_id}/" in body
    assert JournalEntry.objects.filter(event="pool_late_return_reminded").count() == 1
    # A rerun the same day sends nothing more.
    assert _run("--wet-run") == "0 prêts en retard rappelés.\n"
    assert len(smtp_server.envelopes) == 1


def test_a_reminder_of_yesterday_is_sent_again_today(late):
    now = late.ends_at + dt.timedelta(days=1)
    Booking.objects.filter(pk=late.pk).update(late_reminded_at=now - dt.timedelta(days=1))
    assert bookings_to_remind(now=now) == [late]
    assert remind_late_booking(booking=late, now=now)


def test_a_loan_not_over_yet_or_returned_is_not_reminded(owner, organisation, late, booking):
    assert bookings_to_remind(now=late.ends_at - dt.timedelta(minutes=1)) == []
    booking_actions.return_booking(
        actor=owner, booking=late, organisation=organisation, condition="bon"
    )
    assert bookings_to_remind(now=late.ends_at + dt.timedelta(days=1)) == []

"""E-mails given up are not kept forever (issue 11): their bodies hold first names and
reset links. A delivered message already leaves no row; one still tried is kept."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from aiguillage.jobs.models import OutgoingEmail, OutgoingEmailStatus

pytestmark = pytest.mark.django_db


def _email(status: str, *, days_old: float) -> OutgoingEmail:
    email = OutgoingEmail.objects.create(
        to="mediatrice@exemple.fr",
        subject="Nouvelle orientation",
        body="Fatima vous est orientée.",
        status=status,
    )
    created_at = timezone.now() - dt.timedelta(days=days_old)
    OutgoingEmail.objects.filter(pk=email.pk).update(created_at=created_at)
    return email


@pytest.fixture
def outbox():
    return {
        "old given up": _email(OutgoingEmailStatus.FAILED, days_old=31),
        "recent given up": _email(OutgoingEmailStatus.FAILED, days_old=29),
        "old pending": _email(OutgoingEmailStatus.PENDING, days_old=40),
        "recent pending": _email(OutgoingEmailStatus.PENDING, days_old=0),
        "old being sent": _email(OutgoingEmailStatus.SENDING, days_old=40),
    }


def _run(*arguments: str) -> str:
    out = StringIO()
    call_command("purge_given_up_emails", *arguments, stdout=out)
    return out.getvalue()


def _left() -> set[int]:
    return set(OutgoingEmail.objects.values_list("pk", flat=True))


def test_a_dry_run_counts_and_deletes_nothing(outbox):
    assert "1 e-mail(s) abandonné(s) à supprimer" in _run("--min-age-days", "30")
    assert _left() == {email.pk for email in outbox.values()}


def test_given_up_emails_older_than_the_period_are_deleted(outbox):
    output = _run("--min-age-days", "30", "--wet-run")

    assert "1 e-mail(s) abandonné(s) supprimé(s)" in output
    assert _left() == {email.pk for name, email in outbox.items() if name != "old given up"}


def test_messages_still_tried_are_kept_whatever_their_age(outbox):
    _run("--min-age-days", "1", "--wet-run")
    kept = {email.pk for name, email in outbox.items() if "given up" not in name}
    assert _left() == kept


def test_the_period_defaults_to_30_days(outbox):
    _run("--wet-run")
    assert outbox["old given up"].pk not in _left()
    assert outbox["recent given up"].pk in _left()


def test_the_output_names_no_address_and_no_subject(outbox):
    output = _run("--min-age-days", "30", "--wet-run")
    assert "exemple.fr" not in output and "orientation" not in output.lower()

"""Scheduled commands: reminders after 10 days, expiry after 30, retention of closed ones."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command, get_commands
from django.utils import timezone

from aiguillage.referrals import actions
from aiguillage.referrals.models import Referral, ReferralStatus
from aiguillage.shared_data import REPOSITORY_ROOT

S = ReferralStatus


def _age(referral: Referral, days: int) -> None:
    Referral.objects.filter(pk=referral.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days),
        last_activity_at=timezone.now() - dt.timedelta(days=days),
    )


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_referral_unanswered_for_ten_days_is_reminded_once(
    referral, owner, colleague_read_only, django_capture_on_commit_callbacks
):
    _age(referral, 11)
    assert "1 orientations à relancer, 0 à expirer (simulation" in _run("follow_up_referrals")
    referral.refresh_from_db()
    assert referral.reminded_at is None

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert "1 orientations relancées, 0 expirées." in _run("follow_up_referrals", "--wet-run")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([owner.email, colleague_read_only.email])
    assert mail.outbox[0].subject.startswith("Rappel : une orientation vers")
    assert "Benali" not in mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        assert "0 orientations relancées" in _run("follow_up_referrals", "--wet-run")


def test_a_recent_or_answered_referral_is_left_alone(referral, owner):
    _age(referral, 5)
    assert "0 orientations à relancer, 0 à expirer" in _run("follow_up_referrals")
    actions.accept_referral(
        referral=referral,
        actor=owner,
        organisation=referral.receiver_organisation,
        version=0,
        come_hours="mardi",
    )
    _age(referral, 40)
    assert "0 orientations relancées, 0 expirées." in _run("follow_up_referrals", "--wet-run")


def test_after_thirty_days_it_expires_and_the_sender_is_told(
    referral, social_worker, django_capture_on_commit_callbacks
):
    _age(referral, 31)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert "0 orientations relancées, 1 expirées." in _run("follow_up_referrals", "--wet-run")
    referral.refresh_from_db()
    assert referral.status == S.EXPIRED
    change = referral.changes.latest("id")
    assert change.actor is None and change.note == "Sans réponse après 30 jours"
    assert [m.to for m in mail.outbox] == [[social_worker.email]]
    assert "a expiré" in mail.outbox[0].body


def test_closed_referrals_are_anonymised_after_the_retention_period(referral, owner, settings):
    settings.REFERRAL_RETENTION_MONTHS = 24
    actions.decline_referral(
        referral=referral,
        actor=owner,
        organisation=referral.receiver_organisation,
        version=0,
        reason="autre",
        note="Voir avec Fatima",
    )
    _age(referral, 700)
    assert "0 orientations à anonymiser" in _run("anonymise_closed_referrals")
    _age(referral, 800)
    assert "1 orientations à anonymiser" in _run("anonymise_closed_referrals")
    referral.refresh_from_db()
    assert referral.anonymised_at is None

    _run("anonymise_closed_referrals", "--wet-run")
    referral.refresh_from_db()
    assert referral.anonymised_at is not None
    assert referral.person is None and referral.decline_note == "" and referral.message == ""
    assert referral.decline_reason == "autre" and referral.needs == ["demarche"]


def test_a_sent_referral_is_left_to_expire_first(referral):
    _age(referral, 900)
    assert "0 orientations anonymisées" in _run("anonymise_closed_referrals", "--wet-run")


def test_an_accepted_referral_never_followed_up_is_anonymised_after_the_retention_period(
    referral, owner, settings
):
    settings.REFERRAL_RETENTION_MONTHS = 24
    actions.accept_referral(
        referral=referral,
        actor=owner,
        organisation=referral.receiver_organisation,
        version=0,
        come_hours="mardi 14 h - 17 h",
    )
    _age(referral, 800)

    _run("anonymise_closed_referrals", "--wet-run")

    referral.refresh_from_db()
    assert referral.anonymised_at is not None and referral.person is None


@pytest.mark.parametrize("name", ["follow_up_referrals", "anonymise_closed_referrals"])
def test_the_commands_are_scheduled_and_exist(name):
    schedule = (REPOSITORY_ROOT / "deploy" / "schedule").read_text()
    assert f"manage.py {name} --wet-run" in schedule
    assert name in get_commands()


def test_an_anonymised_referral_loses_the_consent_that_pointed_to_the_person(referral, owner):
    assert referral.consent is not None
    actions.decline_referral(
        referral=referral, actor=owner, organisation=referral.receiver_organisation,
        version=0, reason="complet",
    )  # fmt: skip
    _age(referral, 800)
    _run("anonymise_closed_referrals", "--wet-run")
    referral.refresh_from_db()
    assert referral.anonymised_at is not None
    assert referral.consent is None and referral.person is None

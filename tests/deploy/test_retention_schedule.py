"""Personal data that no action deletes is deleted by a scheduled command (issue 11): login
records of django-axes, expired sessions (a referral being written lives in one), given-up
e-mails. Each line of deploy/schedule is run here as the worker runs it, on real rows."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from aiguillage.jobs.models import OutgoingEmail, OutgoingEmailStatus
from aiguillage.jobs.tasks import run_command
from tests.deploy.test_deploy_files import SCHEDULED

pytestmark = pytest.mark.django_db

# Command → its options in deploy/schedule (docs/deploy.md, « Personal data retention »).
RETENTION = {
    "axes_reset_logs": ("--age", "90"),
    "clearsessions": (),
    "purge_given_up_emails": ("--min-age-days", "30", "--wet-run"),
}


def _line(name: str):
    lines = [command for command in SCHEDULED if command.name == name]
    assert len(lines) == 1, f"{name} is not in deploy/schedule"
    return lines[0]


def _run_as_scheduled(name: str) -> None:
    line = _line(name)
    run_command.call(line.name, list(line.arguments))


@pytest.mark.parametrize("name", RETENTION)
def test_each_retention_command_is_scheduled_daily_with_its_period(name):
    line = _line(name)
    assert (line.day, line.month, line.weekday) == ("*", "*", "*")
    assert line.minute.isdigit() and line.hour.isdigit(), "once a day"
    assert line.arguments == RETENTION[name]


def test_login_records_are_kept_90_days(db):
    def login(days_ago: int) -> AccessLog:
        record = AccessLog.objects.create(
            username="mediatrice@exemple.fr", ip_address="192.0.2.7", user_agent="Firefox"
        )
        at = timezone.now() - dt.timedelta(days=days_ago)
        AccessLog.objects.filter(pk=record.pk).update(attempt_time=at)
        return record

    old, recent = login(91), login(89)

    _run_as_scheduled("axes_reset_logs")

    assert list(AccessLog.objects.values_list("pk", flat=True)) == [recent.pk]
    assert old.pk != recent.pk


def test_expired_sessions_are_deleted_every_day(db):
    def session(expires_in: dt.timedelta) -> str:
        store = SessionStore()
        store["referral_draft"] = {"message": "Elle doit refaire sa déclaration CAF."}
        store.create()
        Session.objects.filter(session_key=store.session_key).update(
            expire_date=timezone.now() + expires_in
        )
        return store.session_key

    expired, alive = session(-dt.timedelta(minutes=1)), session(dt.timedelta(hours=1))

    _run_as_scheduled("clearsessions")

    assert set(Session.objects.values_list("session_key", flat=True)) == {alive}
    assert expired != alive


def test_given_up_emails_are_deleted_after_30_days(db):
    def email(status: str, days_ago: int) -> int:
        row = OutgoingEmail.objects.create(
            to="mediatrice@exemple.fr", subject="s", body="Fatima", status=status
        )
        at = timezone.now() - dt.timedelta(days=days_ago)
        OutgoingEmail.objects.filter(pk=row.pk).update(created_at=at)
        return row.pk

    email(OutgoingEmailStatus.FAILED, 31)
    kept = {email(OutgoingEmailStatus.FAILED, 29), email(OutgoingEmailStatus.PENDING, 31)}

    _run_as_scheduled("purge_given_up_emails")

    assert set(OutgoingEmail.objects.values_list("pk", flat=True)) == kept

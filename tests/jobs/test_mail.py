"""E-mails leave through the queue: a mail server that is down or stuck delays a message,
never loses it, and never fails the action that wrote it."""

from __future__ import annotations

import datetime as dt
import socket
import threading

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from aiguillage.jobs import mail
from aiguillage.jobs.models import OutgoingEmail, OutgoingEmailStatus
from aiguillage.jobs.tasks import deliver_email
from tests.conftest import _free_port


@pytest.fixture
def unreachable_smtp(settings):
    """Nothing listens on the mail server's port (server down)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _free_port()
    return settings


@pytest.fixture
def stuck_smtp(settings):
    """A server that accepts the connection and never says a word."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = listener.getsockname()[1]
    settings.EMAIL_TIMEOUT = 1
    yield settings
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def test_a_message_is_delivered_once_and_leaves_no_copy(db, smtp_server):
    assert mail.queue_emails("Sujet", "Corps", ["b@exemple.fr", "a@exemple.fr", "a@exemple.fr"])
    assert sorted(envelope.rcpt_tos[0] for envelope in smtp_server.envelopes) == [
        "a@exemple.fr",
        "b@exemple.fr",
    ]
    assert not OutgoingEmail.objects.exists()


def test_a_server_down_keeps_the_message_for_a_later_attempt(db, unreachable_smtp, queued):
    mail.queue_emails("Votre orientation", "Bonjour", ["a@exemple.fr"])
    email = OutgoingEmail.objects.get()
    [task] = DBTaskResult.objects.all()
    deliver_email.call(*task.args_kwargs["args"])

    email.refresh_from_db()
    assert email.status == OutgoingEmailStatus.PENDING
    assert email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error
    assert email.next_attempt_at > timezone.now()
    retry = DBTaskResult.objects.exclude(pk=task.pk).get()
    assert retry.run_after == email.next_attempt_at
    assert retry.args_kwargs["args"] == [email.pk]


def test_the_message_leaves_when_the_server_is_back(db, unreachable_smtp, smtp_server):
    # smtp_server points the settings at the real server again: it "came back".
    email = OutgoingEmail.objects.create(to="a@exemple.fr", subject="S", body="B", attempts=3)
    deliver_email.call(email.pk)
    assert [envelope.rcpt_tos for envelope in smtp_server.envelopes] == [["a@exemple.fr"]]
    assert not OutgoingEmail.objects.exists()


def test_a_stuck_server_costs_the_worker_one_timeout_only(db, stuck_smtp):
    email = OutgoingEmail.objects.create(to="a@exemple.fr", subject="S", body="B")
    started = timezone.now()
    retry_at = mail.deliver(email.pk)
    email.refresh_from_db()
    assert retry_at is not None and email.status == OutgoingEmailStatus.PENDING
    assert "timed out" in email.last_error or "Timeout" in email.last_error
    assert timezone.now() - started < dt.timedelta(seconds=10)


def test_a_message_is_given_up_after_the_retry_period(db, unreachable_smtp):
    email = OutgoingEmail.objects.create(to="a@exemple.fr", subject="S", body="B", attempts=9)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=unreachable_smtp.EMAIL_RETRY_HOURS)
    )
    assert mail.deliver(email.pk) is None
    email.refresh_from_db()
    assert email.status == OutgoingEmailStatus.FAILED
    assert email.attempts == 10


def test_a_message_being_sent_by_another_worker_is_not_sent_twice(db, smtp_server):
    email = OutgoingEmail.objects.create(
        to="a@exemple.fr", subject="S", body="B", status=OutgoingEmailStatus.SENDING
    )
    OutgoingEmail.objects.filter(pk=email.pk).update(claimed_at=timezone.now())
    assert mail.deliver(email.pk) is None
    assert smtp_server.envelopes == []
    # A claim older than the timeout belongs to a dead worker: the message is sent.
    OutgoingEmail.objects.filter(pk=email.pk).update(
        claimed_at=timezone.now() - mail.SENDING_CLAIM_TIMEOUT - dt.timedelta(seconds=1)
    )
    assert mail.deliver(email.pk) is None
    assert len(smtp_server.envelopes) == 1


def test_the_action_succeeds_when_the_mail_server_is_down(
    client, owner, organisation, unreachable_smtp, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/espace/structures/{organisation.public_id}/inviter/",
            {"email": "nouvelle@exemple.fr", "role": "member"},
        )
    assert response.status_code == 302
    email = OutgoingEmail.objects.get()
    assert email.to == "nouvelle@exemple.fr" and email.status == OutgoingEmailStatus.PENDING


def test_the_demo_seeder_can_discard_fictional_messages(db):
    with mail.emails_discarded():
        assert mail.queue_emails("S", "B", ["a@exemple.fr"]) == 0
    assert not OutgoingEmail.objects.exists()


def test_pending_messages_are_enqueued_again_by_the_scheduled_command(db, queued):
    from django.core.management import call_command

    due = OutgoingEmail.objects.create(to="a@exemple.fr", subject="S", body="B")
    OutgoingEmail.objects.create(
        to="b@exemple.fr",
        subject="S",
        body="B",
        next_attempt_at=timezone.now() + dt.timedelta(hours=1),
    )
    call_command("deliver_pending_emails")
    assert not DBTaskResult.objects.exists()  # dry run
    call_command("deliver_pending_emails", "--wet-run")
    assert [task.args_kwargs["args"] for task in DBTaskResult.objects.all()] == [[due.pk]]

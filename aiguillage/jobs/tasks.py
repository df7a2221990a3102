"""Tasks of the background-work app: e-mail delivery and scheduled commands."""

from __future__ import annotations

from django.core.management import call_command
from django_tasks import task

from aiguillage.jobs import mail
from aiguillage.jobs.queue import can_defer


@task()
def deliver_email(email_id: int) -> None:
    retry_at = mail.deliver(email_id)
    if retry_at is not None and can_defer(deliver_email):
        deliver_email.using(run_after=retry_at).enqueue(email_id)


@task()
def run_command(name: str, arguments: list[str]) -> None:
    """A periodic command of ``deploy/schedule``, run by a worker instead of cron."""
    call_command(name, *arguments)

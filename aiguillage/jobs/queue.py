"""Putting work on the task queue, trying it again, and giving it up with a French message.

Every long or failure-prone job (uploaded imports, coverage runs, e-mails, scheduled
commands) is a task of the Tasks API that a ``run_worker`` process runs. Actions enqueue
tasks on commit, with ids only. A task that raises is tried again later, with a growing
delay, up to ``JOB_MAX_ATTEMPTS``; a task whose worker died is handed to another worker
(``jobs.workers``), up to the same limit. When a job is given up, the handler registered
for its task writes a message the coordinator can read on the page that follows the job.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks.base import Task

logger = logging.getLogger(__name__)

# task module path -> handler(*task args, message=...) that records the failure for people.
_GIVE_UP_HANDLERS: dict[str, Callable[..., None]] = {}


class PermanentJobError(Exception):
    """The job cannot succeed by trying again (its input is gone or invalid): give up now."""


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Enqueue once the caller's transaction commits: the worker then sees what it reads."""
    transaction.on_commit(partial(task.enqueue, *args, **kwargs))


def register_give_up(task: Task, handler: Callable[..., None]) -> None:
    """``handler(*args, message=...)`` is called once when ``task`` is given up."""
    _GIVE_UP_HANDLERS[task.module_path] = handler


def give_up(task_path: str, args: list, kwargs: dict, message: str) -> None:
    handler = _GIVE_UP_HANDLERS.get(task_path)
    if handler is None:
        logger.error("Task %s given up: %s", task_path, message)
        return
    handler(*args, message=message, **{k: v for k, v in kwargs.items() if k != "attempt"})


def retry_delay(attempt: int, *, base_seconds: int = 30, cap_seconds: int = 900) -> dt.timedelta:
    """Delay before the attempt after ``attempt``: 30 s, 1 min, 2 min… at most 15 min."""
    return dt.timedelta(seconds=min(cap_seconds, base_seconds * 2 ** max(0, attempt - 1)))


def can_defer(task: Task) -> bool:
    return task.get_backend().supports_defer


@contextmanager
def attempt_of(task: Task, *args: Any, attempt: int) -> Iterator[None]:
    """Run a task's body; on failure enqueue the next attempt, or give the job up.

    A ``PermanentJobError`` gives up at once. Other errors are retried while
    ``attempt < JOB_MAX_ATTEMPTS`` (and the backend can defer); the error is logged
    without its arguments (they are ids, but messages may quote personal data).
    """
    try:
        yield
    except PermanentJobError as error:
        give_up(task.module_path, list(args), {}, str(error))
    except Exception as error:
        if attempt < settings.JOB_MAX_ATTEMPTS and can_defer(task):
            logger.warning(
                "Task %s failed (attempt %s, %s); retrying",
                task.name,
                attempt,
                type(error).__name__,
            )
            task.using(run_after=timezone.now() + retry_delay(attempt)).enqueue(
                *args, attempt=attempt + 1
            )
            return
        give_up(
            task.module_path,
            list(args),
            {},
            f"Échec après {attempt} essai{'s' if attempt > 1 else ''} : {error}",
        )
        raise

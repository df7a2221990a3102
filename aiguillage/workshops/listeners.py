"""What other apps hear of a workshop's life, without the workshops importing them.

A referral to a workshop moves to « personne venue » at the person's first presence and to
« accompagnement fait » when the cycle is settled; each app registers its function here in
its ``AppConfig.ready`` (as people.anonymisation does). Listeners run inside the action's
transaction: if one fails, the roll call fails with it and nothing is half-recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ATTENDANCE_LISTENERS: list[Callable[..., None]] = []
ENROLMENT_LISTENERS: list[Callable[..., None]] = []


def on_attendance(function: Callable[..., None]) -> Callable[..., None]:
    """``function(attendance, *, actor)`` after a presence, excuse or absence is recorded."""
    if function not in ATTENDANCE_LISTENERS:
        ATTENDANCE_LISTENERS.append(function)
    return function


def on_enrolment_status(function: Callable[..., None]) -> Callable[..., None]:
    """``function(enrolment, *, to, actor)`` after an enrolment changed status."""
    if function not in ENROLMENT_LISTENERS:
        ENROLMENT_LISTENERS.append(function)
    return function


def attendance_recorded(attendance: Any, *, actor: Any) -> None:
    for function in ATTENDANCE_LISTENERS:
        function(attendance, actor=actor)


def enrolment_status_changed(enrolment: Any, *, to: str, actor: Any) -> None:
    for function in ENROLMENT_LISTENERS:
        function(enrolment, to=to, actor=actor)

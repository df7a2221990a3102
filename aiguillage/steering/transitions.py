"""The one check of this app's three state machines (plan versions, actions, proposals):
is a move allowed by the machine's table, and if not, the French sentence that says why."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models


def transition_problem(
    table: Mapping[str, frozenset[str]],
    status_enum: type[models.TextChoices],
    from_status: str,
    to_status: str,
    *,
    noun: str,
) -> str | None:
    """None when ``table`` lets ``from_status`` go to ``to_status``; ``noun`` is the French
    subject (« Ce plan », « Cette action »)."""
    if to_status in table.get(from_status, frozenset()):
        return None
    current = status_enum(from_status).label.lower()
    wanted = status_enum(to_status).label.lower()
    if from_status == to_status:
        return f"{noun} est déjà « {current} »."
    if not table.get(from_status):
        return f"{noun} est « {current} » : son état ne change plus."
    return f"{noun} est « {current} » : impossible de passer à « {wanted} »."

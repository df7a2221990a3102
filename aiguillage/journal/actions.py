"""One ``log_<event>`` function per journaled event."""

from __future__ import annotations

from typing import Any

from aiguillage.journal.models import JournalEntry


def log_event(
    event: str,
    *,
    actor: Any | None,
    obj: Any | None = None,
    territory_id: int | None = None,
    data: dict | None = None,
) -> JournalEntry:
    """Append one entry. ``obj`` is any model instance; its public id is preferred."""
    object_type = obj._meta.label_lower if obj is not None else ""
    object_id = ""
    if obj is not None:
        object_id = str(getattr(obj, "public_id", None) or obj.pk)
    user = actor if getattr(actor, "is_authenticated", False) else None
    return JournalEntry.objects.create(
        event=event,
        actor=user,
        object_type=object_type,
        object_id=object_id,
        territory_id=territory_id,
        data=data or {},
    )

"""The one path for writes on participants' satisfaction: opening a session's link and
recording one anonymous answer (docs/workshops.md, « Avis des participants »)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from aiguillage.journal.actions import log_event
from aiguillage.workshops import satisfaction
from aiguillage.workshops.errors import WorkshopError
from aiguillage.workshops.models import (
    SatisfactionChannel,
    SatisfactionLink,
    SatisfactionResponse,
    Session,
)

# 32 URL-safe characters: 192 random bits, out of reach of guessing.
TOKEN_BYTES = 24


@transaction.atomic
def open_satisfaction_link(
    *, actor: Any, session: Session, now: dt.datetime | None = None
) -> SatisfactionLink:
    """The session's public link, created the first time (the same link afterwards)."""
    current = Session.objects.select_for_update().get(pk=session.pk)
    existing = SatisfactionLink.objects.filter(session=current).first()
    if existing is not None:
        return existing
    if current.is_cancelled:
        raise WorkshopError("Cette séance est annulée : elle n'a pas de questionnaire d'avis.")
    closes_at = satisfaction.link_closes_at(current)
    if (now or timezone.now()) >= closes_at:
        raise WorkshopError(
            "Cette séance a eu lieu il y a plus de 14 jours : il est trop tard pour "
            "demander l'avis des participants."
        )
    link = SatisfactionLink.objects.create(
        session=current,
        token=secrets.token_urlsafe(TOKEN_BYTES),
        closes_at=closes_at,
        created_by=actor,
    )
    log_event(
        "workshop_satisfaction_link_opened",
        actor=actor,
        obj=current,
        territory_id=current.territory_id,
        data={"closes_at": closes_at.isoformat()},
    )
    return link


@transaction.atomic
def record_satisfaction(
    *,
    actor: Any,
    link: SatisfactionLink,
    answers: Mapping[str, str],
    channel: str,
    now: dt.datetime | None = None,
) -> SatisfactionResponse:
    """One participant's answers, anonymous: ``actor`` is the organiser on the tablet, None
    on the public link. The link's row is locked, so that the cap holds under concurrency."""
    locked = SatisfactionLink.objects.select_for_update().select_related("session").get(pk=link.pk)
    reason = satisfaction.closed_reason(locked, now=now or timezone.now())
    if reason:
        raise WorkshopError(reason)
    if channel not in SatisfactionChannel.values:
        raise WorkshopError("Cette façon de répondre n'existe pas.")
    values = {}
    for name, choices in satisfaction.QUESTIONS:
        value = answers.get(name, "")
        if value not in choices.values:
            raise WorkshopError("Répondez aux quatre questions.")
        values[name] = value
    comment = (answers.get("comment") or "").strip()
    if len(comment) > satisfaction.COMMENT_MAX_LENGTH:
        raise WorkshopError("Le commentaire est trop long : 500 caractères au plus.")
    session = locked.session
    response = SatisfactionResponse.objects.create(
        link=locked,
        session=session,
        cycle_id=session.cycle_id,
        territory_id=session.territory_id,
        organisation_id=session.organisation_id,
        channel=channel,
        comment=comment,
        **values,
    )
    # Nothing of the answers in the journal: it says only that one arrived, and how.
    log_event(
        "workshop_satisfaction_answered",
        actor=actor,
        obj=session,
        territory_id=session.territory_id,
        data={"channel": channel},
    )
    return response

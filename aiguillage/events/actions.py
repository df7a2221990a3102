"""The one path for writes on events: create (ahead or after the fact), update, cancel, and
record the attendance counts. Every action checks its rule (French ``EventError``), runs in
one transaction and writes the journal. Who may call them: ``permissions``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from aiguillage.events import rules
from aiguillage.events.errors import EventError
from aiguillage.events.models import Event, EventAttendance, EventKind, EventStatus
from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import Organisation

# What an event holds besides its structure, territory, status and authors.
FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "address",
    "partners",
    "other_partners",
    "audiences",
    "is_public",
)
DEFAULTS: dict[str, Any] = {
    "description": "",
    "place": None,
    "address": "",
    "partners": [],
    "other_partners": "",
    "audiences": [],
    "is_public": False,
}
TEXT_LIMITS = {"title": 200, "description": 5000, "address": 300, "other_partners": 500}
TEXT_LABELS = {
    "title": "Le titre",
    "description": "La présentation",
    "address": "L'adresse",
    "other_partners": "La liste des autres partenaires",
}


def _today(territory) -> dt.date:
    """Today on the territory's wall clock."""
    return timezone.now().astimezone(territory.tz).date()


def check_values(organisation: Organisation, values: dict[str, Any]) -> dict[str, Any]:
    """The complete, checked values of an event of ``organisation``, or ``EventError``."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise EventError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    territory = organisation.territory
    if territory is None:
        raise EventError(
            "Votre structure doit faire partie d'un territoire pour déclarer un événement."
        )
    checked = {**DEFAULTS, **{k: v for k, v in values.items() if v is not None}}
    if checked.get("kind") not in EventKind.values:
        raise EventError("Choisissez le type d'événement.")
    for name in TEXT_LIMITS:
        checked[name] = str(checked.get(name) or "").strip()
        if len(checked[name]) > TEXT_LIMITS[name]:
            raise EventError(f"{TEXT_LABELS[name]} : {TEXT_LIMITS[name]} caractères au plus.")
    if not checked["title"]:
        raise EventError("Indiquez le titre de l'événement.")
    _check_moments(territory, checked)
    _check_place(territory, checked)
    _check_partners(organisation, checked)
    audiences = list(checked["audiences"] or [])
    if set(audiences) - set(rules.AUDIENCES):
        raise EventError("Public inconnu.")
    checked["audiences"] = [code for code in rules.AUDIENCES if code in audiences]
    checked["is_public"] = bool(checked["is_public"])
    return checked


def _check_moments(territory, checked: dict[str, Any]) -> None:
    starts_at, ends_at = checked.get("starts_at"), checked.get("ends_at")
    if not isinstance(starts_at, dt.datetime) or not isinstance(ends_at, dt.datetime):
        raise EventError("Indiquez la date et les heures de l'événement.")
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise EventError("Les heures doivent être données dans le fuseau du territoire.")
    if ends_at <= starts_at:
        raise EventError("L'heure de fin doit être après l'heure de début.")
    if ends_at - starts_at > dt.timedelta(days=7):
        raise EventError("Un événement dure au plus une semaine : découpez-le en plusieurs.")
    problem = rules.date_problem(starts_at.astimezone(territory.tz).date(), _today(territory))
    if problem:
        raise EventError(problem)


def _check_place(territory, checked: dict[str, Any]) -> None:
    place = checked["place"]
    if place is not None and place.territory_id != territory.pk:
        raise EventError("Ce lieu n'est pas un lieu du territoire.")
    if place is not None and checked["address"]:
        raise EventError(
            "Choisissez un lieu de l'annuaire ou tapez une adresse, mais pas les deux."
        )


def _check_partners(organisation: Organisation, checked: dict[str, Any]) -> None:
    partners = list(dict.fromkeys(checked["partners"] or []))
    if any(partner.pk == organisation.pk for partner in partners):
        raise EventError("La structure qui organise ne peut pas être sa propre partenaire.")
    if any(partner.territory_id != organisation.territory_id for partner in partners):
        raise EventError("Les structures partenaires doivent être du même territoire.")
    checked["partners"] = partners


def _journal_data(event: Event) -> dict[str, Any]:
    return {
        "organisation": event.organisation_id,
        "kind": event.kind,
        "starts_on": event.starts_at.astimezone(event.territory.tz).date().isoformat(),
    }


def _locked(event: Event) -> Event:
    """The event's row, locked until the end of the transaction (two organisers at once)."""
    locked = Event.objects.select_for_update(of=("self",)).filter(pk=event.pk)
    return locked.select_related("territory", "organisation__territory").get()


@transaction.atomic
def create_event(*, actor: Any, organisation: Organisation, values: dict[str, Any]) -> Event:
    """An event of ``organisation``, planned ahead or entered after the fact (past dates are
    how last year's events are recorded)."""
    checked = check_values(organisation, values)
    partners = checked.pop("partners")
    event = Event.objects.create(
        territory=organisation.territory,
        organisation=organisation,
        created_by=actor,
        **checked,
    )
    event.partners.set(partners)
    log_event(
        "event_created",
        actor=actor,
        obj=event,
        territory_id=event.territory_id,
        data=_journal_data(event) | {"partners": len(partners)},
    )
    return event


@transaction.atomic
def update_event(*, actor: Any, event: Event, values: dict[str, Any]) -> Event:
    """Change what an event says. A cancelled event is final; one whose attendance is
    recorded stays in the past."""
    event = _locked(event)
    if event.is_cancelled:
        raise EventError("Un événement annulé ne se modifie plus.")
    current = {name: getattr(event, name) for name in FIELDS if name != "partners"}
    current["partners"] = list(event.partners.order_by("pk"))
    checked = check_values(event.organisation, {**current, **values})
    if event.is_held and checked["starts_at"].astimezone(event.territory.tz).date() > _today(
        event.territory
    ):
        raise EventError(
            "Les présences sont déjà notées : l'événement ne peut pas passer dans le futur."
        )
    partners = checked.pop("partners")
    changed = sorted(name for name in checked if checked[name] != current[name])
    if {p.pk for p in partners} != {p.pk for p in current["partners"]}:
        changed.append("partners")
        event.partners.set(partners)
    for name in changed:
        if name != "partners":
            setattr(event, name, checked[name])
    if changed:
        event.save()
        log_event(
            "event_updated",
            actor=actor,
            obj=event,
            territory_id=event.territory_id,
            data={"fields": sorted(changed)},
        )
    return event


@transaction.atomic
def cancel_event(*, actor: Any, event: Event, reason: str = "") -> Event:
    event = _locked(event)
    if event.is_cancelled:
        raise EventError("L'événement est déjà annulé.")
    if event.is_held:
        raise EventError("Les présences sont notées : l'événement a eu lieu, il ne s'annule plus.")
    reason = (reason or "").strip()
    if len(reason) > 300:
        raise EventError("Le motif : 300 caractères au plus.")
    event.status = EventStatus.CANCELLED
    event.cancel_reason = reason
    event.save(update_fields=["status", "cancel_reason", "updated_at"])
    log_event(
        "event_cancelled",
        actor=actor,
        obj=event,
        territory_id=event.territory_id,
        data=_journal_data(event),
    )
    return event


def check_counts(counts: Mapping[str, Any]) -> dict[str, int]:
    """The counts above zero per audience code, or ``EventError`` (French)."""
    unknown = set(counts) - set(rules.COUNT_AUDIENCES)
    if unknown:
        raise EventError(f"Public inconnu : {', '.join(sorted(unknown))}.")
    checked: dict[str, int] = {}
    for code, value in counts.items():
        value = 0 if value is None else value
        if isinstance(value, bool) or not isinstance(value, int):
            raise EventError("Indiquez des nombres entiers de personnes.")
        if value < 0:
            raise EventError("Un nombre de personnes ne peut pas être négatif.")
        if value > rules.MAX_COUNT:
            raise EventError(f"Au plus {rules.MAX_COUNT:,} personnes par public.".replace(",", " "))
        if value:
            checked[code] = value
    total = sum(checked.values())
    if total < 1:
        raise EventError(
            "Indiquez au moins une personne présente (si personne n'est venu, annulez l'événement)."
        )
    if total > rules.MAX_COUNT:
        raise EventError(f"Au plus {rules.MAX_COUNT:,} personnes en tout.".replace(",", " "))
    return {code: checked[code] for code in rules.COUNT_AUDIENCES if code in checked}


@transaction.atomic
def record_event_attendance(*, actor: Any, event: Event, counts: Mapping[str, Any]) -> Event:
    """How many people came, per audience, once the event's day has come. Recording again
    replaces the previous counts (a correction)."""
    event = _locked(event)
    if event.is_cancelled:
        raise EventError("Un événement annulé n'a pas de présences à noter.")
    day = event.local_day()
    if not rules.attendance_open(day, _today(event.territory)):
        raise EventError(
            f"Les présences se notent à partir du jour de l'événement ({rules.day_text(day)})."
        )
    checked = check_counts(counts)
    previous = sum(event.attendances.values_list("count", flat=True))
    event.attendances.all().delete()
    EventAttendance.objects.bulk_create(
        EventAttendance(event=event, audience=code, count=count) for code, count in checked.items()
    )
    event.status = EventStatus.HELD
    event.attendance_recorded_at = timezone.now()
    event.attendance_recorded_by = actor
    event.save(
        update_fields=["status", "attendance_recorded_at", "attendance_recorded_by", "updated_at"]
    )
    log_event(
        "event_attendance_recorded",
        actor=actor,
        obj=event,
        territory_id=event.territory_id,
        data=_journal_data(event)
        | {"total": sum(checked.values()), "previous_total": previous, "counts": checked},
    )
    return event

"""The one path for writes on workshops' catalogue, cycles, sessions and roll calls.

Enrolments (seats, waiting list, their state machine) live in ``enrolment_actions``. Each
action takes keyword arguments including ``actor``, runs in one transaction, raises
``WorkshopError`` with a French message when a rule refuses, journals, and e-mails on commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from aiguillage.accounts.models import Membership, User
from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import Organisation
from aiguillage.places.models import Place
from aiguillage.places.vocabulary import SERVICE_CODES
from aiguillage.territories.models import Territory
from aiguillage.workshops import notifications, rules
from aiguillage.workshops.enrolment_actions import (
    cancel_for_cancelled_session,
    charter_for,
    lock_target,
    promote_waiting,
    settle,
)
from aiguillage.workshops.errors import WorkshopError
from aiguillage.workshops.models import (
    Cycle,
    Enrolment,
    Session,
    SessionStatus,
    WorkshopKind,
    WorkshopSettings,
)

Slot = tuple[dt.datetime, dt.datetime]
MAX_CAPACITY = 500

__all__ = ["WorkshopError"]


# --- Catalogue and territory settings --------------------------------------------------------


@transaction.atomic
def create_default_catalogue(*, actor: Any, territory: Territory) -> list[WorkshopKind]:
    """Give ``territory`` the default kinds (``rules.DEFAULT_CATALOGUE``); idempotent: kinds
    already there are kept as the territory changed them."""
    kinds = []
    created = 0
    for position, (code, spec) in enumerate(rules.DEFAULT_CATALOGUE.items()):
        kind, was_created = WorkshopKind.objects.get_or_create(
            territory=territory,
            code=code,
            defaults={
                "label": spec.label,
                "services": list(spec.services),
                "coop_themes": list(spec.themes),
                "position": position,
            },
        )
        kinds.append(kind)
        created += was_created
    if created:
        log_event(
            "workshop_catalogue_created",
            actor=actor,
            territory_id=territory.pk,
            data={"created": created},
        )
    return kinds


@transaction.atomic
def add_kind(
    *,
    actor: Any,
    territory: Territory,
    label: str,
    services: Iterable[str] = (),
    coop_themes: Iterable[str] = (),
) -> WorkshopKind:
    """A kind of the territory's own (« Blog culinaire »), mapped like the default ones."""
    label = " ".join((label or "").split())
    if not label:
        raise WorkshopError("Donnez un nom au type d'atelier.")
    services, coop_themes = list(dict.fromkeys(services)), list(dict.fromkeys(coop_themes))
    if set(services) - set(SERVICE_CODES) or set(coop_themes) - set(rules.COOP_THEMES):
        raise WorkshopError("Service ou thématique inconnus : choisissez dans les listes.")
    code = slugify(label)[:50].replace("-", "_") or "type"
    if WorkshopKind.objects.filter(territory=territory, code=code).exists():
        raise WorkshopError(f"Le catalogue a déjà un type « {label} ».")
    position = WorkshopKind.objects.filter(territory=territory).count()
    kind = WorkshopKind.objects.create(
        territory=territory, code=code, label=label, services=services,
        coop_themes=coop_themes, position=position,
    )  # fmt: skip
    log_event("workshop_kind_added", actor=actor, obj=kind, territory_id=territory.pk)
    return kind


def completion_threshold(territory: Territory) -> int:
    settings_row = WorkshopSettings.objects.filter(territory=territory).first()
    if settings_row is None:
        return rules.DEFAULT_COMPLETION_THRESHOLD
    return settings_row.completion_threshold_percent


@transaction.atomic
def set_completion_threshold(*, actor: Any, territory: Territory, percent: int) -> WorkshopSettings:
    """The share of sessions to attend to complete a cycle, for cycles created from now on."""
    if not 1 <= percent <= 100:
        raise WorkshopError("L'assiduité demandée doit être entre 1 et 100 %.")
    row, _ = WorkshopSettings.objects.update_or_create(
        territory=territory, defaults={"completion_threshold_percent": percent}
    )
    log_event(
        "workshop_settings_changed",
        actor=actor,
        territory_id=territory.pk,
        data={"completion_threshold_percent": percent},
    )
    return row


# --- Checks shared by creation and moves -----------------------------------------------------


def _check_organisation(organisation: Organisation) -> Territory:
    if organisation.territory_id is None:
        raise WorkshopError(
            "Votre structure n'a pas encore rejoint de territoire : elle ne peut pas encore "
            "proposer d'atelier."
        )
    return organisation.territory  # type: ignore[return-value]


def _check_kind(kind: WorkshopKind, territory: Territory) -> None:
    if kind.territory_id != territory.pk or not kind.is_active:
        raise WorkshopError("Choisissez un type d'atelier du catalogue du territoire.")


def _check_place(place: Place | None, territory: Territory) -> None:
    if place is None:
        return
    if place.territory_id != territory.pk:
        raise WorkshopError("Choisissez un lieu du territoire.")
    if place.merged_into_id is not None or not place.is_published:
        raise WorkshopError("Ce lieu n'est plus proposé : choisissez-en un autre.")


def _check_capacity(capacity: int | None) -> int:
    if capacity is None or capacity < 1:
        raise WorkshopError("Indiquez le nombre de places (au moins 1).")
    if capacity > MAX_CAPACITY:
        raise WorkshopError(f"Un atelier compte au plus {MAX_CAPACITY} places.")
    return capacity


def _check_audiences(audiences: Iterable[str]) -> list[str]:
    values = list(dict.fromkeys(audiences))
    if set(values) - set(rules.AUDIENCES):
        raise WorkshopError("Public inconnu : choisissez dans la liste.")
    return values


def _check_slots(
    slots: Sequence[Slot], tz, *, now: dt.datetime, after_the_fact: bool = False
) -> None:
    if not slots:
        raise WorkshopError("Aucune séance à créer : vérifiez les dates et les jours choisis.")
    if len(slots) > rules.MAX_SERIES_SESSIONS:
        raise WorkshopError(
            f"{len(slots)} séances : c'est plus que les {rules.MAX_SERIES_SESSIONS} permises en "
            "une fois. Raccourcissez la période."
        )
    for start, end in slots:
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("Aware datetimes are expected.")
        local = start.astimezone(tz)
        if end <= start:
            raise WorkshopError("L'heure de fin doit être après l'heure de début.")
        if end - start > dt.timedelta(hours=rules.MAX_SESSION_HOURS):
            raise WorkshopError(f"Une séance dure au plus {rules.MAX_SESSION_HOURS} heures.")
        if after_the_fact:
            _check_past_slot(start, end, tz, now=now)
        elif start < now:
            raise WorkshopError(
                f"La séance du {rules.day_text(local.date())} serait déjà commencée : "
                "choisissez une date à venir."
            )
    ordered = sorted(slots)
    for (start, end), (next_start, next_end) in zip(ordered, ordered[1:], strict=False):
        if rules.overlaps(start, end, next_start, next_end):
            day = rules.day_text(next_start.astimezone(tz).date())
            raise WorkshopError(f"Deux séances se chevauchent le {day}.")


def _check_past_slot(start: dt.datetime, end: dt.datetime, tz, *, now: dt.datetime) -> None:
    local = start.astimezone(tz)
    if end > now:
        raise WorkshopError(
            f"La séance du {rules.day_text(local.date())} n'est pas encore finie : une saisie "
            "après coup ne porte que sur des séances passées. Créez-la comme une séance à venir."
        )
    oldest = now.astimezone(tz).year - rules.AFTER_THE_FACT_MAX_YEARS
    if local.year < oldest:
        raise WorkshopError(
            f"La séance du {rules.day_text(local.date())} est trop ancienne : on saisit après "
            f"coup les séances depuis {oldest}. Vérifiez l'année."
        )


def _check_facilitators(
    organisation: Organisation,
    facilitators: Sequence[User],
    slots: Sequence[Slot],
    tz,
    *,
    exclude: Iterable[int] = (),
) -> None:
    """Facilitators are members of the organising structure and are never in two sessions
    at once (whatever structure runs the other one)."""
    if not facilitators:
        return
    members = set(
        Membership.objects.filter(
            organisation=organisation, user__in=facilitators, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    for user in facilitators:
        if user.pk not in members:
            raise WorkshopError(f"{user.display_name} n'est pas membre de la structure.")
    first = min(start for start, _ in slots)
    last = max(end for _, end in slots)
    busy = (
        Session.objects.planned()
        .filter(facilitators__in=facilitators, starts_at__lt=last, ends_at__gt=first)
        .exclude(pk__in=list(exclude))
        .prefetch_related("facilitators")
        .distinct()
    )
    for other in busy:
        for start, end in slots:
            if not rules.overlaps(start, end, other.starts_at, other.ends_at):
                continue
            who = next(u for u in facilitators if u in other.facilitators.all())
            when = rules.when_text(other.starts_at.astimezone(tz), other.ends_at.astimezone(tz))
            raise WorkshopError(
                f"{who.display_name} anime déjà « {other.title} » le {when} : "
                "choisissez un autre horaire ou une autre personne pour animer."
            )


# --- Creating sessions, cycles and series ----------------------------------------------------


def _new_session(
    *,
    actor: Any,
    organisation: Organisation,
    territory: Territory,
    kind: WorkshopKind,
    title: str,
    slot: Slot,
    place: Place | None,
    capacity: int | None,
    audiences: list[str],
    is_free: bool,
    description: str,
    is_published: bool,
    facilitators: Sequence[User],
    cycle: Cycle | None = None,
    after_the_fact: bool = False,
) -> Session:
    session = Session.objects.create(
        territory=territory,
        organisation=organisation,
        cycle=cycle,
        kind=kind,
        title=title,
        description=description,
        starts_at=slot[0],
        ends_at=slot[1],
        place=place,
        capacity=capacity,
        audiences=audiences,
        is_free=is_free,
        is_published=is_published,
        recorded_afterwards=after_the_fact,
        created_by=actor,
    )
    if facilitators:
        session.facilitators.set(facilitators)
    return session


def _check_common(
    *,
    organisation,
    kind,
    place,
    audiences,
    title,
    facilitators,
    slots,
    exclude=(),
    after_the_fact=False,
) -> tuple[Territory, list[str], str]:
    territory = _check_organisation(organisation)
    _check_kind(kind, territory)
    _check_place(place, territory)
    title = " ".join((title or "").split())
    if not title:
        raise WorkshopError("Donnez un titre à l'atelier.")
    _check_slots(slots, territory.tz, now=timezone.now(), after_the_fact=after_the_fact)
    if not after_the_fact:  # a past double booking is history, not a conflict to prevent
        _check_facilitators(organisation, facilitators, slots, territory.tz, exclude=exclude)
    return territory, _check_audiences(audiences), title


@transaction.atomic
def create_session(
    *,
    actor: Any,
    organisation: Organisation,
    kind: WorkshopKind,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    place: Place | None = None,
    facilitators: Sequence[User] = (),
    audiences: Iterable[str] = (),
    is_free: bool = True,
    description: str = "",
    is_published: bool = True,
    after_the_fact: bool = False,
) -> Session:
    """A stand-alone session with its own seats. ``after_the_fact``: a session that already
    took place, entered from the organiser's sheet (never published, nobody told)."""
    slots = [(starts_at, ends_at)]
    territory, audience_list, title = _check_common(
        organisation=organisation, kind=kind, place=place, audiences=audiences, title=title,
        facilitators=facilitators, slots=slots, after_the_fact=after_the_fact,
    )  # fmt: skip
    is_published = is_published and not after_the_fact
    session = _new_session(
        actor=actor, organisation=organisation, territory=territory, kind=kind, title=title,
        slot=slots[0], place=place, capacity=_check_capacity(capacity),
        audiences=audience_list, is_free=is_free, description=description.strip(),
        is_published=is_published, facilitators=facilitators, after_the_fact=after_the_fact,
    )  # fmt: skip
    log_event(
        "workshop_session_created",
        actor=actor,
        obj=session,
        territory_id=territory.pk,
        data={"organisation": organisation.pk, "kind": kind.code, "after": after_the_fact},
    )
    return session


@transaction.atomic
def create_cycle(
    *,
    actor: Any,
    organisation: Organisation,
    kind: WorkshopKind,
    title: str,
    slots: Sequence[Slot],
    capacity: int,
    place: Place | None = None,
    facilitators: Sequence[User] = (),
    audiences: Iterable[str] = (),
    is_free: bool = True,
    description: str = "",
    is_published: bool = True,
    charter_text: str = "",
    after_the_fact: bool = False,
) -> Cycle:
    """A cycle and all its sessions: one group, seats counted on the cycle. The cycle keeps
    the territory's completion threshold of today. ``after_the_fact``: as for sessions."""
    territory, audience_list, title = _check_common(
        organisation=organisation, kind=kind, place=place, audiences=audiences, title=title,
        facilitators=facilitators, slots=slots, after_the_fact=after_the_fact,
    )  # fmt: skip
    is_published = is_published and not after_the_fact
    cycle = Cycle.objects.create(
        territory=territory,
        organisation=organisation,
        kind=kind,
        title=title,
        description=description.strip(),
        place=place,
        capacity=_check_capacity(capacity),
        audiences=audience_list,
        is_free=is_free,
        completion_threshold_percent=completion_threshold(territory),
        charter=charter_for(actor=actor, organisation=organisation, text=charter_text),
        is_published=is_published,
        created_by=actor,
    )
    for slot in sorted(slots):
        _new_session(
            actor=actor, organisation=organisation, territory=territory, kind=kind, title=title,
            slot=slot, place=place, capacity=None, audiences=audience_list, is_free=is_free,
            description=cycle.description, is_published=is_published,
            facilitators=facilitators, cycle=cycle, after_the_fact=after_the_fact,
        )  # fmt: skip
    log_event(
        "workshop_cycle_created",
        actor=actor,
        obj=cycle,
        territory_id=territory.pk,
        data={
            "organisation": organisation.pk,
            "kind": kind.code,
            "sessions": len(slots),
            "after": after_the_fact,
        },
    )
    return cycle


def series_slots(
    *,
    territory: Territory,
    weekdays: Iterable[int],
    start_time: dt.time,
    end_time: dt.time,
    first_day: dt.date,
    last_day: dt.date,
    skip_public_holidays: bool,
) -> list[Slot]:
    """The aware (start, end) of every session of « tous les mardis 14 h – 16 h du … au … »,
    in the territory's time zone (the wall-clock hours hold across daylight-saving changes)."""
    if end_time <= start_time:
        raise WorkshopError("L'heure de fin doit être après l'heure de début.")
    if last_day < first_day:
        raise WorkshopError("La date de fin de la série doit être après sa date de début.")
    days = rules.series_days(
        weekdays=weekdays,
        first_day=first_day,
        last_day=last_day,
        skip_public_holidays=skip_public_holidays,
    )
    tz = territory.tz
    try:
        return [
            (rules.local_moment(day, start_time, tz), rules.local_moment(day, end_time, tz))
            for day in days
        ]
    except rules.DateProblem as problem:
        raise WorkshopError(str(problem)) from problem


@transaction.atomic
def create_series(
    *,
    actor: Any,
    organisation: Organisation,
    kind: WorkshopKind,
    title: str,
    weekdays: Iterable[int],
    start_time: dt.time,
    end_time: dt.time,
    first_day: dt.date,
    last_day: dt.date,
    skip_public_holidays: bool,
    as_cycle: bool,
    capacity: int,
    place: Place | None = None,
    facilitators: Sequence[User] = (),
    audiences: Iterable[str] = (),
    is_free: bool = True,
    description: str = "",
    is_published: bool = True,
    charter_text: str = "",
    after_the_fact: bool = False,
) -> list[Session]:
    """« Tous les mardis 14 h – 16 h du 6 janvier au 30 juin » in one step: a cycle (one
    group for every session) or as many stand-alone sessions (people enrol in each)."""
    territory = _check_organisation(organisation)
    slots = series_slots(
        territory=territory,
        weekdays=weekdays,
        start_time=start_time,
        end_time=end_time,
        first_day=first_day,
        last_day=last_day,
        skip_public_holidays=skip_public_holidays,
    )
    common = {
        "actor": actor, "organisation": organisation, "kind": kind, "title": title,
        "capacity": capacity, "place": place, "facilitators": facilitators,
        "audiences": list(audiences), "is_free": is_free, "description": description,
        "is_published": is_published, "after_the_fact": after_the_fact,
    }  # fmt: skip
    if as_cycle:
        cycle = create_cycle(slots=slots, charter_text=charter_text, **common)
        return list(cycle.sessions.order_by("starts_at"))
    _check_common(
        organisation=organisation, kind=kind, place=place, audiences=common["audiences"],
        title=title, facilitators=facilitators, slots=slots, after_the_fact=after_the_fact,
    )  # fmt: skip
    return [create_session(starts_at=start, ends_at=end, **common) for start, end in slots]


# --- Changing a session ----------------------------------------------------------------------


def _locked(session: Session) -> Session:
    return Session.objects.select_for_update().select_related("territory").get(pk=session.pk)


def _check_changeable(session: Session, *, now: dt.datetime) -> None:
    if session.status == SessionStatus.CANCELLED:
        raise WorkshopError("Cette séance est annulée : elle ne peut plus être modifiée.")
    if session.starts_at <= now:
        raise WorkshopError("Cette séance a déjà commencé : elle ne peut plus être modifiée.")


@transaction.atomic
def move_session(
    *,
    actor: Any,
    session: Session,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: Place | None,
) -> Session:
    """New date, times or place. Every prescriber of someone enrolled and the organiser
    are told by e-mail (with an SMS text for the person)."""
    current = _locked(session)
    now = timezone.now()
    _check_changeable(current, now=now)
    territory = current.territory
    _check_place(place, territory)
    slots = [(starts_at, ends_at)]
    _check_slots(slots, territory.tz, now=now)
    _check_facilitators(
        current.organisation, list(current.facilitators.all()), slots, territory.tz,
        exclude=[current.pk],
    )  # fmt: skip
    if current.cycle_id:
        others = current.cycle.sessions.planned().exclude(pk=current.pk)  # type: ignore[union-attr]
        for other in others:
            if rules.overlaps(starts_at, ends_at, other.starts_at, other.ends_at):
                raise WorkshopError("Une autre séance du cycle a lieu à ce moment-là.")
    if (starts_at, ends_at, place and place.pk) == (
        current.starts_at,
        current.ends_at,
        current.place_id,
    ):
        return current
    date_changed = (starts_at, ends_at) != (current.starts_at, current.ends_at)
    before = current.starts_at
    Session.objects.filter(pk=current.pk).update(
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        previous_starts_at=before if date_changed else current.previous_starts_at,
        moved_at=now,
        updated_at=now,
    )
    log_event(
        "workshop_session_moved",
        actor=actor,
        obj=current,
        territory_id=territory.pk,
        data={"from": before.isoformat(), "to": starts_at.isoformat(), "place": place and place.pk},
    )
    transaction.on_commit(
        lambda: notifications.send_session_changed(current.pk, previous_starts_at=before)
    )
    current.refresh_from_db()
    return current


@transaction.atomic
def cancel_session(*, actor: Any, session: Session, reason: str = "") -> Session:
    """Cancel a session. People enrolled in a stand-alone session lose their enrolment; a
    cycle keeps its group. Prescribers and the organiser are told by e-mail."""
    current = _locked(session)
    now = timezone.now()
    if current.status == SessionStatus.CANCELLED:
        raise WorkshopError("Cette séance est déjà annulée.")
    if current.ends_at <= now:
        raise WorkshopError("Cette séance est passée : elle ne peut plus être annulée.")
    Session.objects.filter(pk=current.pk).update(
        status=SessionStatus.CANCELLED,
        cancelled_at=now,
        cancel_reason=reason.strip()[:300],
        updated_at=now,
    )
    current.refresh_from_db()
    log_event(
        "workshop_session_cancelled", actor=actor, obj=current, territory_id=current.territory_id
    )
    # Tell people before their enrolments close, so the e-mail still finds them.
    notifications_ids = list(
        Enrolment.objects.for_target(current.target).active().values_list("pk", flat=True)
    )
    transaction.on_commit(
        lambda: notifications.send_session_changed(current.pk, enrolment_ids=notifications_ids)
    )
    if current.cycle_id is None:
        cancel_for_cancelled_session(actor=actor, session=current)
    else:
        settle(actor=actor, target=current.cycle)
    return current


@transaction.atomic
def update_capacity(*, actor: Any, target: Cycle | Session, capacity: int) -> Cycle | Session:
    """More or fewer seats; never fewer than the people already holding one. New seats go
    to the waiting list first."""
    if isinstance(target, Session) and target.cycle_id:
        raise WorkshopError("Les places d'un cycle se règlent sur le cycle.")
    current = lock_target(target)
    capacity = _check_capacity(capacity)
    seated = Enrolment.objects.for_target(current).seated().count()
    if capacity < seated:
        raise WorkshopError(
            f"{seated} personnes ont déjà une place : le nombre de places ne peut pas être "
            f"inférieur à {seated}. Annulez d'abord des inscriptions."
        )
    before = current.capacity
    type(current).objects.filter(pk=current.pk).update(capacity=capacity, updated_at=timezone.now())
    current.capacity = capacity
    log_event(
        "workshop_capacity_changed",
        actor=actor,
        obj=current,
        territory_id=current.territory_id,
        data={"from": before, "to": capacity},
    )
    promote_waiting(actor=actor, target=current)
    return current

"""The one path for writes on referrals: send, answer, record the outcome, remind, expire,
anonymise. Every status change goes through ``transition``, which locks the row, checks the
version the user saw and the allowed transitions, and journals the change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import Organisation
from aiguillage.people.actions import touch_person
from aiguillage.people.models import Consent, Person
from aiguillage.places.models import Place
from aiguillage.referrals import notifications, rules
from aiguillage.referrals.activity_records import count_completed_referral
from aiguillage.referrals.models import (
    CLOSED_STATUSES,
    RECEIVER,
    SENDER,
    TRANSITION_SIDE,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
    UnmetNeed,
    transition_problem,
)
from aiguillage.territories.models import Commune
from aiguillage.workshops.enrolment_actions import check_open, enrol_person, planned_sessions
from aiguillage.workshops.errors import WorkshopError
from aiguillage.workshops.models import AttendanceStatus, Cycle, EnrolmentStatus, Session

S = ReferralStatus

# What the sender describes (the form's cleaned data); anything else is refused.
NEED_FIELDS = (
    "needs",
    "services",
    "procedure_domain",
    "procedure_name",
    "procedure_deadline",
    "devices",
    "connection",
    "availability",
    "languages",
    "supports",
    "max_distance_km",
    "pathway",
    "origin_commune",
)


class ReferralError(ValueError):
    """A rule refused the change; the message is French."""


class ReferralConflict(ReferralError):
    """Someone changed the referral since the page was displayed."""


CONFLICT_MESSAGE = (
    "Quelqu'un a modifié cette orientation pendant que vous la regardiez : voici son état "
    "à jour. Vérifiez avant de recommencer."
)


def orientation_consent(person: Person) -> Consent | None:
    """The person's current consent if it covers referrals (« orientation »).

    Read from the database, not from a prefetched list: it may have just been recorded.
    """
    current = Consent.objects.filter(person=person, withdrawn_at__isnull=True).first()
    if current is not None and "orientation" in current.purposes:
        return current
    return None


def _check_need(values: dict[str, Any]) -> None:
    unknown = set(values) - set(NEED_FIELDS)
    if unknown:
        raise ReferralError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    if not values.get("needs") and not values.get("services"):
        raise ReferralError("Indiquez au moins un besoin de la personne.")
    if set(values.get("needs") or []) - set(rules.NEEDS):
        raise ReferralError("Besoin inconnu.")
    pathway = values.get("pathway") or ""
    if pathway and pathway not in rules.PATHWAYS:
        raise ReferralError("Parcours inconnu.")


@transaction.atomic
def _check_workshop(workshop: Cycle | Session, place: Place) -> None:
    """A referral to a workshop: published, still open, at the place given."""
    if not workshop.is_published:
        raise ReferralError("Cet atelier n'est pas publié : il ne reçoit pas d'orientation.")
    if workshop.place_id is None or workshop.place_id != place.pk:
        raise ReferralError(
            "Cet atelier n'a pas de lieu indiqué : contactez la structure qui l'organise."
        )
    try:
        check_open(workshop, now=timezone.now())
    except WorkshopError as error:
        raise ReferralError(str(error)) from error


def send_referral(
    *,
    actor: Any,
    organisation: Organisation,
    person: Person,
    place: Place,
    values: dict[str, Any],
    message: str = "",
    reasons: list[str] | None = None,
    distance_m: float | None = None,
    first_slot_at: dt.datetime | None = None,
    previous: Referral | None = None,
    previous_version: int | None = None,
    workshop: Cycle | Session | None = None,
) -> Referral:
    """Send ``person`` to ``place``: its structure gets the referral and sees the person.

    With ``previous``, the receiving structure of that referral redirects the person
    here; ``previous`` becomes « réorientée » in the same transaction. With ``workshop``
    (a cycle or a session standing alone), the person is sent to that workshop: its
    organiser answers, whoever holds the place, and accepting enrols the person.
    """
    receiver_id = place.organisation_id
    if workshop is not None:
        _check_workshop(workshop, place)
        receiver_id = workshop.organisation_id
    if person.anonymised_at:
        raise ReferralError("Cette fiche est anonymisée : la personne ne peut plus être orientée.")
    consent = orientation_consent(person)
    if consent is None:
        raise ReferralError(
            "La personne n'a pas accepté l'orientation : recueillez son accord pour "
            "l'orientation avant d'envoyer."
        )
    if receiver_id is None:
        raise ReferralError(
            "Ce lieu n'est tenu par aucune structure inscrite : il ne peut pas recevoir "
            "d'orientation. Donnez plutôt sa fiche à la personne."
        )
    if place.merged_into_id is not None or not place.is_published:
        raise ReferralError("Ce lieu n'est plus proposé : choisissez-en un autre.")
    _check_need(values)
    if previous is not None and previous.receiver_organisation_id != organisation.pk:
        raise ReferralError("Seule la structure qui a reçu l'orientation peut la réorienter.")
    now = timezone.now()
    referral = Referral.objects.create(
        person=person,
        consent=consent,
        territory_id=place.territory_id,
        sender_organisation=organisation,
        sent_by=actor,
        receiver_organisation_id=receiver_id,
        place=place,
        cycle=workshop if isinstance(workshop, Cycle) else None,
        session=workshop if isinstance(workshop, Session) else None,
        previous=previous,
        message=message.strip(),
        distance_m=None if distance_m is None else round(distance_m),
        match_reasons=list(reasons or []),
        first_slot_at=first_slot_at,
        last_activity_at=now,
        **values,
    )
    if previous is not None:
        transition(
            previous,
            to=S.REDIRECTED,
            actor=actor,
            organisation=organisation,
            version=previous_version,
            note=f"Réorientée vers {place.nom}",
        )
    # The receiving structure gets no access to the person's file: it sees, on the referral
    # and while it lasts, what the consent lists (permissions.receiver_sees_person).
    if not person.has_consent:
        raise ReferralError(
            "La personne n'a pas donné son accord : sa fiche ne peut pas être transmise."
        )
    ReferralStatusChange.objects.create(
        referral=referral, from_status="", to_status=S.SENT, actor=actor,
        organisation=organisation, at=now,
    )  # fmt: skip
    log_event(
        "referral_sent",
        actor=actor,
        obj=referral,
        territory_id=referral.territory_id,
        data={"sender": organisation.pk, "receiver": place.organisation_id, "place": place.pk},
    )
    touch_person(person)
    transaction.on_commit(lambda: notifications.send_referral_received(referral.pk))
    return referral


def transition(
    referral: Referral,
    *,
    to: str,
    actor: Any,
    organisation: Organisation | None,
    version: int | None,
    note: str = "",
    changes: dict[str, Any] | None = None,
) -> Referral:
    """Move ``referral`` to status ``to``, or raise ``ReferralError`` / ``ReferralConflict``.

    The row is locked (``select_for_update``) and then updated only if its version is
    still the one read under the lock (compare-and-set), so two people acting at once
    cannot both succeed: the second gets a conflict, not an impossible state or a lost
    update. ``version`` is the version the user saw (None for scheduled commands, which
    act on whatever is current). With ``actor`` None (commands, anonymisation) the side
    check is skipped: that code is trusted.
    """
    with transaction.atomic():
        current = Referral.objects.select_for_update().get(pk=referral.pk)
        if version is not None and current.version != version:
            raise ReferralConflict(CONFLICT_MESSAGE)
        problem = transition_problem(current.status, to)
        if problem:
            raise ReferralError(problem)
        if actor is not None:
            _check_side(current, to, organisation)
        now = timezone.now()
        fields: dict[str, Any] = dict(changes or {})
        fields.update(status=to, last_activity_at=now, updated_at=now)
        if current.answered_at is None and to in (S.ACCEPTED, S.DECLINED, S.REDIRECTED):
            fields["answered_at"] = now
        if to in CLOSED_STATUSES:
            fields["closed_at"] = now
        updated = Referral.objects.filter(pk=current.pk, version=current.version).update(
            version=F("version") + 1, **fields
        )
        if updated != 1:
            raise ReferralConflict(CONFLICT_MESSAGE)
        change = ReferralStatusChange.objects.create(
            referral=current,
            from_status=current.status,
            to_status=to,
            actor=actor,
            organisation=organisation,
            note=note.strip()[:500],
            at=now,
        )
        log_event(
            "referral_status_changed",
            actor=actor,
            obj=current,
            territory_id=current.territory_id,
            data={"from": current.status, "to": to},
        )
        if current.person_id:
            touch_person(current.person)
        transaction.on_commit(lambda: notifications.send_status_changed(change.pk))
    current.refresh_from_db()
    return current


def _check_side(referral: Referral, to: str, organisation: Organisation | None) -> None:
    side = TRANSITION_SIDE.get(to)
    org_id = organisation.pk if organisation is not None else None
    if side == RECEIVER and org_id != referral.receiver_organisation_id:
        raise ReferralError("Seule la structure qui reçoit l'orientation peut faire cela.")
    if side == SENDER and org_id != referral.sender_organisation_id:
        raise ReferralError("Seule la structure qui a envoyé l'orientation peut l'annuler.")
    if side not in (RECEIVER, SENDER):
        raise ReferralError("Ce changement est fait automatiquement.")


def accept_referral(
    *,
    referral: Referral,
    actor: Any,
    organisation: Organisation,
    version: int | None,
    appointment_at: dt.datetime | None = None,
    come_hours: str = "",
    message: str = "",
) -> Referral:
    """Accept with an appointment, or with the hours when the person may come."""
    if referral.workshop is not None:
        return _accept_into_workshop(
            referral=referral, actor=actor, organisation=organisation, version=version,
            message=message,
        )  # fmt: skip
    if appointment_at is None and not come_hours.strip():
        raise ReferralError(
            "Proposez un rendez-vous ou indiquez quand la personne peut venir sans rendez-vous."
        )
    if appointment_at is not None and appointment_at < timezone.now() - dt.timedelta(hours=1):
        raise ReferralError("Le rendez-vous proposé est déjà passé : choisissez une date à venir.")
    return transition(
        referral,
        to=S.ACCEPTED,
        actor=actor,
        organisation=organisation,
        version=version,
        note=message,
        changes={
            "appointment_at": appointment_at,
            "come_hours": come_hours.strip(),
            "response_message": message.strip(),
        },
    )


@transaction.atomic
def _accept_into_workshop(
    *, referral: Referral, actor: Any, organisation: Organisation, version: int | None, message: str
) -> Referral:
    """Accepting a referral to a workshop enrols the person (or puts them on the waiting
    list when it is full); the appointment is the first session to come."""
    workshop = referral.workshop
    if referral.person is None or referral.person.anonymised_at:
        raise ReferralError("Cette orientation n'a plus de personne à inscrire.")
    try:
        enrolment = enrol_person(
            actor=actor,
            target=workshop,
            person=referral.person,
            prescriber_organisation=referral.sender_organisation,
            referral_id=referral.pk,
        )
    except WorkshopError as error:
        raise ReferralError(str(error)) from error
    first = planned_sessions(workshop).filter(starts_at__gt=timezone.now()).order_by("starts_at")
    first_session = first.first()
    waiting = enrolment.status == EnrolmentStatus.WAITING
    note = "Inscrite sur la liste d'attente." if waiting else "Inscrite à l'atelier."
    return transition(
        referral,
        to=S.ACCEPTED,
        actor=actor,
        organisation=organisation,
        version=version,
        note=f"{note} {message}".strip(),
        changes={
            "appointment_at": first_session.starts_at if first_session else None,
            "come_hours": "",
            "response_message": message.strip(),
        },
    )


def follow_workshop_attendance(attendance: Any, *, actor: Any) -> None:
    """A first presence at a workshop the person was referred to: « personne venue »."""
    enrolment = attendance.enrolment
    if attendance.status != AttendanceStatus.PRESENT or enrolment.referral_id is None:
        return
    referral = Referral.objects.filter(pk=enrolment.referral_id).first()
    if referral is None or referral.status not in (S.ACCEPTED, S.NO_SHOW):
        return
    session_day = attendance.session.starts_at.astimezone(referral.territory.tz)
    transition(
        referral,
        to=S.CAME,
        actor=actor,  # who took the roll call: nothing is typed twice
        organisation=referral.receiver_organisation,
        version=None,
        note=f"Présente à l'atelier le {session_day:%d/%m/%Y}.",
    )


def follow_workshop_completion(enrolment: Any, *, to: str, actor: Any) -> None:
    """A cycle settled: the referral is « accompagnement fait », with what was followed."""
    if to not in (EnrolmentStatus.COMPLETED, EnrolmentStatus.INCOMPLETE):
        return
    if enrolment.referral_id is None:
        return
    referral = Referral.objects.filter(pk=enrolment.referral_id).first()
    if referral is None or referral.status != S.CAME:
        return
    note = (
        "Atelier suivi jusqu'au bout."
        if to == EnrolmentStatus.COMPLETED
        else "Atelier pas suivi jusqu'au bout."
    )
    transition(
        referral,
        to=S.DONE,
        actor=actor,
        organisation=referral.receiver_organisation,
        version=None,
        note=note,
        changes={"outcome_note": note},
    )


def decline_referral(
    *,
    referral: Referral,
    actor: Any,
    organisation: Organisation,
    version: int | None,
    reason: str,
    note: str = "",
) -> Referral:
    if reason not in rules.DECLINE_REASONS:
        raise ReferralError("Choisissez un motif de refus dans la liste.")
    if reason == "autre" and not note.strip():
        raise ReferralError("Précisez la raison du refus.")
    return transition(
        referral,
        to=S.DECLINED,
        actor=actor,
        organisation=organisation,
        version=version,
        note=rules.DECLINE_REASONS[reason],
        changes={"decline_reason": reason, "decline_note": note.strip()},
    )


def record_came(
    *, referral: Referral, actor: Any, organisation: Organisation, version: int | None, note=""
) -> Referral:
    return transition(
        referral, to=S.CAME, actor=actor, organisation=organisation, version=version, note=note
    )


def record_no_show(
    *, referral: Referral, actor: Any, organisation: Organisation, version: int | None, note=""
) -> Referral:
    return transition(
        referral, to=S.NO_SHOW, actor=actor, organisation=organisation, version=version, note=note
    )


def complete_referral(
    *,
    referral: Referral,
    actor: Any,
    organisation: Organisation,
    version: int | None,
    activities: list[str],
    autonomy: str = "",
    note: str = "",
) -> Referral:
    """The accompaniment is done: what was done (La Coop's themes) and where the person stands."""
    if not activities:
        raise ReferralError("Indiquez au moins une chose faite avec la personne.")
    if set(activities) - set(rules.ACTIVITIES):
        raise ReferralError("Choisissez ce qui a été fait dans la liste.")
    if autonomy and autonomy not in rules.AUTONOMY:
        raise ReferralError("Niveau d'autonomie inconnu.")
    with transaction.atomic():
        done = transition(
            referral,
            to=S.DONE,
            actor=actor,
            organisation=organisation,
            version=version,
            note=note,
            changes={
                "outcome_activities": list(dict.fromkeys(activities)),
                "outcome_autonomy": autonomy,
                "outcome_note": note.strip(),
            },
        )
        # The accompaniment counts in the receiver's activity, typed here only.
        count_completed_referral(done, actor=actor)
    return done


def cancel_referral(
    *, referral: Referral, actor: Any, organisation: Organisation, version: int | None, note=""
) -> Referral:
    return transition(
        referral, to=S.CANCELLED, actor=actor, organisation=organisation, version=version, note=note
    )


# --- Scheduled follow-up --------------------------------------------------------------------


def referrals_to_remind(*, now: dt.datetime):
    """Sent, unanswered for REMINDER_AFTER_DAYS, not reminded yet, not expiring yet."""
    reminder_limit = now - dt.timedelta(days=rules.REMINDER_AFTER_DAYS)
    expiry_limit = now - dt.timedelta(days=rules.EXPIRY_AFTER_DAYS)
    return Referral.objects.filter(
        status=S.SENT,
        reminded_at__isnull=True,
        created_at__lte=reminder_limit,
        created_at__gt=expiry_limit,
    )


def referrals_to_expire(*, now: dt.datetime):
    return Referral.objects.filter(
        status=S.SENT, created_at__lte=now - dt.timedelta(days=rules.EXPIRY_AFTER_DAYS)
    )


def remind_referral(*, referral: Referral, now: dt.datetime) -> bool:
    """Remind the receiving structure once; False when someone answered meanwhile."""
    with transaction.atomic():
        updated = Referral.objects.filter(
            pk=referral.pk, status=S.SENT, reminded_at__isnull=True
        ).update(reminded_at=now, version=F("version") + 1)
        if updated:
            log_event(
                "referral_reminded", actor=None, obj=referral, territory_id=referral.territory_id
            )
            transaction.on_commit(lambda: notifications.send_reminder(referral.pk))
    return bool(updated)


def expire_referral(*, referral: Referral) -> Referral | None:
    """Expire an unanswered referral; None when someone answered meanwhile."""
    try:
        return transition(
            referral,
            to=S.EXPIRED,
            actor=None,
            organisation=None,
            version=None,
            note=f"Sans réponse après {rules.EXPIRY_AFTER_DAYS} jours",
        )
    except ReferralError:
        return None


# --- Coverage: needs that found no place ---------------------------------------------------


def record_unmet_need(
    *,
    territory,
    commune: Commune | None,
    organisation: Organisation,
    values: dict[str, Any],
) -> UnmetNeed:
    """Keep, anonymously, that a referral search found no place (for the coverage analysis)."""
    return UnmetNeed.objects.create(
        territory=territory,
        commune=commune,
        organisation_kind=organisation.kind,
        needs=list(values.get("needs") or []),
        services=list(values.get("services") or []),
        languages=list(values.get("languages") or []),
        supports=list(values.get("supports") or []),
        had_availability=bool(values.get("availability")),
        max_distance_km=values.get("max_distance_km"),
    )


# --- Personal data ---------------------------------------------------------------------------


def anonymise_referral(referral: Referral, *, reason: str) -> None:
    """Blank every declared personal field of the referral and of its changes' notes."""
    with transaction.atomic():
        for name in Referral.PERSONAL_DATA_FIELDS:
            field = Referral._meta.get_field(name)
            setattr(referral, name, None if field.null else "")
        referral.anonymised_at = timezone.now()
        referral.save()
        blank = {name: "" for name in ReferralStatusChange.PERSONAL_DATA_FIELDS}
        ReferralStatusChange.objects.filter(referral=referral).update(**blank)
        log_event(
            "referral_anonymised",
            actor=None,
            obj=referral,
            territory_id=referral.territory_id,
            data={"reason": reason},
        )


def anonymise_referrals_of_person(person: Person) -> None:
    """Registered with people.anonymisation: the person's referrals lose their free text;
    those still open are cancelled, since nobody can follow an anonymous person."""
    for referral in Referral.objects.filter(person=person, anonymised_at__isnull=True):
        if not referral.is_closed:
            try:
                transition(
                    referral,
                    to=S.CANCELLED,
                    actor=None,
                    organisation=None,
                    version=None,
                    note="La fiche de la personne a été anonymisée.",
                )
            except ReferralError:
                pass  # a status that cannot be cancelled (came) is anonymised as it is
            referral.refresh_from_db()
        anonymise_referral(referral, reason="personne anonymisée")


def expired_referrals(*, now: dt.datetime, months: int):
    """Referrals whose last activity is older than the retention period, whatever their
    status: one left « acceptée » or « personne venue » with no outcome ever recorded is
    kept no longer than a closed one. A sent one is left to expire first (its sender is
    told), then goes the same way."""
    limit = now - dt.timedelta(days=round(months * 30.44))
    return Referral.objects.exclude(status=S.SENT).filter(
        anonymised_at__isnull=True, last_activity_at__lt=limit
    )

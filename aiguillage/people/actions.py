"""The one path for writes on people: creation with consent, changes, withdrawal, anonymisation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import Organisation
from aiguillage.people.anonymisation import ANONYMISERS
from aiguillage.people.models import Consent, Person, PersonAccess
from aiguillage.people.rules import CONSENT_PURPOSES


class PersonError(ValueError):
    """A rule refused the change; the message is French."""


EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "birth_year",
    "commune",
    "contact_preference",
    "contact_value",
    "languages",
    "notes",
)


def _check(values: dict[str, Any]) -> None:
    year = values.get("birth_year")
    this_year = timezone.localdate().year
    if year is not None and not (this_year - 120 <= year <= this_year):
        raise PersonError(f"L'année de naissance doit être entre {this_year - 120} et {this_year}.")
    if not (values.get("first_name") or "").strip():
        raise PersonError("Indiquez un prénom ou des initiales.")


@transaction.atomic
def create_person(
    *,
    actor: Any,
    organisation: Organisation,
    values: dict[str, Any],
    purposes: list[str],
    explained_text: str,
) -> Person:
    """Create the person and record their consent; nothing is stored without consent."""
    if "accompagnement" not in purposes:
        raise PersonError("Sans l'accord de la personne pour le suivi, aucune fiche n'est créée.")
    unknown = set(purposes) - set(CONSENT_PURPOSES)
    if unknown:
        raise PersonError(f"Finalités inconnues : {', '.join(sorted(unknown))}")
    _check(values)
    person = Person.objects.create(created_by_organisation=organisation, created_by=actor, **values)
    PersonAccess.objects.create(person=person, organisation=organisation, reason="création")
    Consent.objects.create(
        person=person,
        purposes=sorted(purposes),
        explained_text=explained_text,
        recorded_by=actor,
        organisation=organisation,
    )
    log_event("person_created", actor=actor, obj=person, data={"organisation": organisation.pk})
    log_event("consent_recorded", actor=actor, obj=person, data={"purposes": sorted(purposes)})
    return person


@transaction.atomic
def update_person(*, actor: Any, person: Person, values: dict[str, Any]) -> Person:
    if person.anonymised_at:
        raise PersonError("Cette fiche est anonymisée : elle ne peut plus être modifiée.")
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise PersonError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    _check({"first_name": person.first_name} | values)
    changed = sorted(name for name, value in values.items() if getattr(person, name) != value)
    for name in changed:
        setattr(person, name, values[name])
    if changed:
        person.last_activity_at = timezone.now()
        person.save()
        # Field names only: the journal must not copy the personal data itself.
        log_event("person_updated", actor=actor, obj=person, data={"fields": changed})
    return person


def touch_person(person: Person) -> None:
    """Record activity (an assessment, a referral): retention counts from the last one."""
    Person.objects.filter(pk=person.pk).update(last_activity_at=timezone.now())


@transaction.atomic
def record_consent(
    *,
    actor: Any,
    person: Person,
    organisation: Organisation,
    purposes: list[str],
    explained_text: str,
) -> Consent:
    """The person agrees to more (e.g. « orientation » when a referral is proposed).

    A new consent row keeps what was agreed before plus the new purposes, so each
    agreement has its own date, author and explanation.
    """
    if person.anonymised_at:
        raise PersonError("Cette fiche est anonymisée : aucun accord ne peut y être ajouté.")
    unknown = set(purposes) - set(CONSENT_PURPOSES)
    if unknown:
        raise PersonError(f"Finalités inconnues : {', '.join(sorted(unknown))}")
    current = person.consents.filter(withdrawn_at__isnull=True).first()
    if current is None:
        raise PersonError("La personne n'a pas donné son accord pour le suivi.")
    combined = sorted(set(current.purposes) | set(purposes))
    consent = Consent.objects.create(
        person=person,
        purposes=combined,
        explained_text=explained_text,
        recorded_by=actor,
        organisation=organisation,
    )
    log_event("consent_recorded", actor=actor, obj=person, data={"purposes": combined})
    return consent


@transaction.atomic
def grant_access(*, actor: Any, person: Person, organisation: Organisation, reason: str) -> None:
    """Let another organisation see the person (a referral the person agreed to)."""
    if not person.has_consent:
        raise PersonError(
            "La personne n'a pas donné son accord : sa fiche ne peut pas être transmise."
        )
    _, created = PersonAccess.objects.get_or_create(
        person=person, organisation=organisation, defaults={"reason": reason}
    )
    if created:
        log_event(
            "person_access_granted",
            actor=actor,
            obj=person,
            data={"organisation": organisation.pk, "reason": reason},
        )


@transaction.atomic
def anonymise_person(*, actor: Any, person: Person, reason: str) -> Person:
    """Blank every declared personal field here and in every registered app; keep statistics."""
    if person.anonymised_at:
        return person
    for name in Person.PERSONAL_DATA_FIELDS:
        # Each field's empty value: None, "" or [] (languages).
        setattr(person, name, Person._meta.get_field(name).get_default())
    person.first_name = "Anonyme"
    person.contact_preference = "aucun"
    person.anonymised_at = timezone.now()
    person.save()
    for anonymiser in ANONYMISERS:
        anonymiser(person)
    log_event("person_anonymised", actor=actor, obj=person, data={"reason": reason})
    return person


@transaction.atomic
def withdraw_consent(*, actor: Any, person: Person) -> Person:
    """Withdrawing consent anonymises the person at once (nothing is kept without it)."""
    now = timezone.now()
    person.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=now, withdrawn_by=actor)
    log_event("consent_withdrawn", actor=actor, obj=person)
    return anonymise_person(actor=actor, person=person, reason="retrait du consentement")


def expired_people(*, now: dt.datetime, months: int):
    """People whose last activity is older than the retention period."""
    limit = now - dt.timedelta(days=round(months * 30.44))
    return Person.objects.active().filter(last_activity_at__lt=limit)

"""Who may see a person. Only members of organisations that work with the person, and
only until the file is anonymised; everyone else (other structures, coordinators, staff)
gets 404: existence is hidden."""

from __future__ import annotations

from django.http import Http404

from aiguillage.accounts.models import Membership, User
from aiguillage.journal.actions import log_event
from aiguillage.people.models import Person


def organisations_of(user: User) -> list[int]:
    if not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))


def can_see_person(user: User, person: Person) -> bool:
    # An anonymised file is closed to everyone: what is left serves anonymous statistics.
    if person.anonymised_at is not None:
        return False
    # A member of an organisation that has access to the person.
    return person.accesses.filter(organisation_id__in=organisations_of(user)).exists()


def get_person_for_user(user: User, public_id, *, purpose: str = "consultation") -> Person:
    """The person, or 404; every successful access is journaled."""
    person = (
        Person.objects.select_related("commune", "created_by_organisation")
        .prefetch_related("consents")
        .filter(public_id=public_id)
        .first()
    )
    if person is None or not can_see_person(user, person):
        raise Http404("Personne introuvable")
    log_event("person_accessed", actor=user, obj=person, data={"purpose": purpose})
    return person

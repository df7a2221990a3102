"""Who may see and run workshops.

Members of the organising structure manage its cycles and sessions (any role). Members of
the territory's other structures and its coordinators see published ones (never the list
of participants) and the structures enrol the people they follow. Everyone else gets 404;
a visitor who may see but not manage gets 403. Enrolments are seen by the organiser and
the prescribing structure only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from aiguillage.accounts.models import Coordination, Membership, User
from aiguillage.people.models import PersonAccess
from aiguillage.people.permissions import organisations_of
from aiguillage.workshops.models import Cycle, Enrolment, Session


def is_in_territory(user: User, territory_id: int) -> bool:
    if not user.is_authenticated:
        return False
    # Staff support every territory.
    if user.is_staff:
        return True
    # Members of the territory's structures, and its coordinators.
    if Membership.objects.filter(user=user, organisation__territory_id=territory_id).exists():
        return True
    return Coordination.objects.filter(user=user, territory_id=territory_id).exists()


def can_manage_workshop(user: User, workshop: Cycle | Session) -> bool:
    # One rule: a member of the organising structure.
    return workshop.organisation_id in organisations_of(user)


def can_view_workshop(user: User, workshop: Cycle | Session) -> bool:
    # The organiser sees everything it planned, published or not.
    if can_manage_workshop(user, workshop):
        return True
    # The rest of the territory sees what is published.
    return workshop.is_published and is_in_territory(user, workshop.territory_id)


def can_enrol_in(user: User, workshop: Cycle | Session, organisation_id: int | None) -> bool:
    """A structure of the territory enrols the people it follows (``organisation_id`` is the
    user's current structure)."""
    if organisation_id is None or organisation_id not in organisations_of(user):
        return False
    if organisation_id == workshop.organisation_id:
        return True
    return (
        workshop.is_published
        and Membership.objects.filter(
            user=user,
            organisation_id=organisation_id,
            organisation__territory=workshop.territory_id,
        ).exists()
    )


def _fetch(model, public_id, related: tuple[str, ...]):
    try:
        return model.objects.select_related(*related).filter(public_id=public_id).first()
    except (ValidationError, ValueError) as error:
        raise Http404("Atelier introuvable") from error


def _check(user: User, workshop, *, manage: bool):
    # Outsiders and unpublished workshops of others: existence is hidden.
    if workshop is None or not can_view_workshop(user, workshop):
        raise Http404("Atelier introuvable")
    # Seeing is not running: roll calls, moves, cancellations are the organiser's.
    if manage and not can_manage_workshop(user, workshop):
        raise PermissionDenied("Seule la structure qui organise l'atelier peut faire cela.")
    return workshop


def get_session_for_user(user: User, public_id, *, manage: bool = False) -> Session:
    related = ("territory", "organisation", "place", "kind", "cycle", "created_by")
    return _check(user, _fetch(Session, public_id, related), manage=manage)


def get_cycle_for_user(user: User, public_id, *, manage: bool = False) -> Cycle:
    related = ("territory", "organisation", "place", "kind", "charter", "created_by")
    return _check(user, _fetch(Cycle, public_id, related), manage=manage)


def can_see_enrolment(user: User, enrolment: Enrolment) -> bool:
    # The organiser and the structure that enrolled the person.
    mine = organisations_of(user)
    return enrolment.target.organisation_id in mine or enrolment.prescriber_organisation_id in mine


def get_enrolment_for_user(user: User, public_id) -> Enrolment:
    enrolment = _fetch(
        Enrolment,
        public_id,
        (
            "person",
            "person__commune",
            "cycle",
            "cycle__territory",
            "cycle__organisation",
            "cycle__charter",
            "session",
            "session__territory",
            "session__organisation",
            "prescriber_organisation",
            "enrolled_by",
            "commune",
            "charter",
        ),
    )
    if enrolment is None or not can_see_enrolment(user, enrolment):
        raise Http404("Inscription introuvable")
    return enrolment


def followed_person_ids(user: User, person_ids: list[int]) -> set[int]:
    """Which of these people a structure of ``user`` follows: only those show their full
    name; the others show what the « orientation » consent lists (first name, commune)."""
    return set(
        PersonAccess.objects.filter(
            person_id__in=person_ids, organisation_id__in=organisations_of(user)
        ).values_list("person_id", flat=True)
    )

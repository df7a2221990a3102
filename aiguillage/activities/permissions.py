"""Who may record, see, correct and count accompaniments. One rule per line.

- Members of a structure record for their current structure and see its records.
- Outsiders (other structures, coordinators) get 404 on a record: existence is hidden.
- Correcting or deleting: the person who wrote it or a manager, within the change window.
- Coordinators see the territory's statistics only, never a record nor a person
  (``accounts.permissions.get_territory_for_coordinator``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from aiguillage.accounts.models import Membership, Role, User
from aiguillage.activities import rules
from aiguillage.activities.models import ActivityRecord
from aiguillage.organisations.models import Organisation
from aiguillage.people.models import Person
from aiguillage.people.permissions import get_person_for_user


def current_organisation(membership: Membership | None) -> Organisation:
    """The structure a member records for: accounts without one cannot record (403)."""
    if membership is None:
        raise PermissionDenied("Il faut appartenir à une structure pour noter un accompagnement.")
    return membership.organisation


def can_import_activities(membership: Membership | None) -> bool:
    # An import rewrites a structure's figures in bulk: its managers decide.
    return membership is not None and membership.role == Role.MANAGER


def can_change_activity(user: User, record: ActivityRecord, membership: Membership) -> bool:
    # Referral outcomes and attendance belong to their source: change them there.
    if record.is_derived:
        return False
    return rules.can_change(
        is_recorder=record.recorded_by_id == user.pk,
        is_manager=membership.role == Role.MANAGER,
        created_at=record.created_at,
        now=timezone.now(),
    )


def get_activity_for_user(user: User, public_id, *, write: bool = False) -> ActivityRecord:
    """A record of one of the user's structures: 404 for anyone else, 403 if ``write`` is
    refused by the change rule."""
    try:
        record = ActivityRecord.objects.select_related("organisation").get(public_id=public_id)
    except (ActivityRecord.DoesNotExist, ValidationError) as error:
        raise Http404("Accompagnement introuvable") from error
    membership = Membership.objects.filter(user=user, organisation=record.organisation).first()
    # Only the structure's members know the record exists.
    if membership is None:
        raise Http404("Accompagnement introuvable")
    if write and not can_change_activity(user, record, membership):
        raise PermissionDenied(
            "Seule la personne qui l'a noté ou un responsable peut le modifier, "
            f"dans les {rules.CHANGE_WINDOW_DAYS} jours."
        )
    return record


def get_person_to_record_for(user: User, public_id, organisation: Organisation) -> Person:
    """The person an accompaniment is noted for, from their file: 404 unless the current
    structure follows them (another of the user's structures is not enough)."""
    person = get_person_for_user(user, public_id, purpose="compte rendu d'activité")
    # The record belongs to the current structure: it must follow the person itself.
    if not person.accesses.filter(organisation=organisation).exists():
        raise Http404("Personne introuvable")
    # An anonymised file has nobody to link to.
    if person.anonymised_at:
        raise Http404("Personne introuvable")
    return person

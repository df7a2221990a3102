"""Who may see and run assessments. One rule per line.

An assessment is personal data: it is visible to the members of the organisations that
work with the person (like the person's file), drafts only to their own organisation.
Everyone else (other structures, coordinators, staff) gets 404: existence is hidden.
Coordinators see anonymous statistics only; staff publish referential versions.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from aiguillage.accounts.models import User
from aiguillage.accounts.permissions import is_coordinator
from aiguillage.assessments.models import Assessment, AssessmentQuerySet, AssessmentStatus
from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import Organisation
from aiguillage.people.models import Person
from aiguillage.people.permissions import can_see_person, organisations_of
from aiguillage.territories.models import Territory


def can_see_assessment(user: User, assessment: Assessment) -> bool:
    # Abandoned drafts have no content left to show.
    if assessment.status == AssessmentStatus.ABANDONED:
        return False
    # Only those who may see the person.
    if not can_see_person(user, assessment.person):
        return False
    # A draft belongs to the structure that is filling it in.
    if assessment.is_draft:
        return assessment.organisation_id in organisations_of(user)
    return True


def finished_assessments_seen_by(organisation: Organisation) -> AssessmentQuerySet:
    """The finished assessments the members of ``organisation`` may read: ``can_see_assessment``
    for a structure rather than a user (a cycle's evaluation lists many people at once)."""
    return Assessment.objects.complete().filter(
        # Only the people the structure follows (can_see_person), whoever assessed them.
        person__accesses__organisation=organisation,
        # An anonymised file is closed to everyone.
        person__anonymised_at__isnull=True,
    )


def can_continue_assessment(user: User, assessment: Assessment) -> bool:
    # Only the structure that started a draft fills it in.
    return assessment.is_draft and assessment.organisation_id in organisations_of(user)


def can_start_assessment(user: User, organisation: Organisation | None, person: Person) -> bool:
    # The user acts for a structure that works with the person.
    if organisation is None or organisation.pk not in organisations_of(user):
        return False
    return person.accesses.filter(organisation=organisation).exists()


def can_see_assessment_statistics(user: User, territory: Territory) -> bool:
    # The territory's coordinators (and staff), on anonymous counts only.
    return is_coordinator(user, territory)


def can_manage_referential(user: User) -> bool:
    # The platform team publishes new versions for every territory.
    return user.is_authenticated and user.is_staff


def get_assessment_for_user(
    user: User, public_id, *, continue_draft: bool = False, purpose: str = "consultation"
) -> Assessment:
    """The assessment, or 404; 403 when a draft is asked for by a partner structure that
    may see the result but not fill it in. Every successful access is journaled."""
    try:
        assessment = (
            Assessment.objects.select_related(
                "person",
                "person__commune",
                "organisation",
                "organisation__territory",
                "author",
                "referential",
                "screening",
                "screening__referential",
            )
            .filter(public_id=public_id)
            .first()
        )
    except ValidationError as error:
        raise Http404("Diagnostic introuvable") from error
    # Outsiders must not learn that the assessment exists.
    if assessment is None or not can_see_assessment(user, assessment):
        raise Http404("Diagnostic introuvable")
    # A finished assessment is read, not filled in again.
    if continue_draft and not can_continue_assessment(user, assessment):
        raise PermissionDenied("Ce diagnostic est terminé : ses réponses ne changent plus.")
    log_event(
        "assessment_accessed",
        actor=user,
        obj=assessment,
        territory_id=assessment.organisation.territory_id,
        data={"purpose": purpose, "kind": assessment.kind},
    )
    return assessment


def require_referential_manager(user: User) -> None:
    if not can_manage_referential(user):
        raise PermissionDenied("Seule l'équipe de la plateforme publie le référentiel.")

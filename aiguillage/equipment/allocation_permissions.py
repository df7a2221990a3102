"""Who may see the gift of a computer to a person (« attribution »).

- The waiting list is the partners' page: each partner sees every row, but the name only of
  the people its structures follow (``PersonAccess``); the others read « Personne suivie par
  <structure> ». Coordinators and staff read the programme, not its people: 403. Everyone
  else: 404.
- An allocation's page names the person: only members of the structure that asked for it,
  while it follows the person (``permissions.can_see_allocation``); everyone else, partners
  and coordinators included, gets 404. Every read is journaled as an access to the person.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404

from aiguillage.accounts.models import User
from aiguillage.equipment.models import Allocation
from aiguillage.equipment.permissions import can_see_allocation
from aiguillage.journal.actions import log_event
from aiguillage.people.models import PersonAccess
from aiguillage.people.permissions import organisations_of


def get_allocation_for_user(user: User, public_id, *, purpose: str = "ordinateur") -> Allocation:
    """The allocation, or 404 when the user may not see its person; the read is journaled."""
    try:
        allocation = (
            Allocation.objects.select_related(
                "programme__territory",
                "programme__lead",
                "person",
                "organisation",
                "device",
                "enrolment__cycle",
                "installed_by",
            )  # fmt: skip
            .filter(public_id=public_id)
            .first()
        )
    except (ValidationError, ValueError) as error:
        raise Http404("Attribution introuvable") from error
    # Existence is hidden from whoever may not see the person.
    if allocation is None or not can_see_allocation(user, allocation):
        raise Http404("Attribution introuvable")
    log_event("person_accessed", actor=user, obj=allocation.person, data={"purpose": purpose})
    return allocation


def followed_ids(user: User, person_ids: list[int]) -> set[int]:
    """Which of these people a structure of ``user`` follows (their names may be shown)."""
    return set(
        PersonAccess.objects.filter(
            person_id__in=person_ids, organisation_id__in=organisations_of(user)
        ).values_list("person_id", flat=True)
    )


def visible_allocations(user: User, allocations: list[Allocation]) -> set[int]:
    """The ids of ``allocations`` whose page ``user`` may open (``can_see_allocation``),
    in two queries whatever their number."""
    mine = set(organisations_of(user))
    followed = followed_ids(user, [a.person_id for a in allocations if a.person_id])
    return {
        a.pk
        for a in allocations
        if a.organisation_id in mine
        and a.person_id in followed
        and a.person is not None
        and a.person.anonymised_at is None
    }

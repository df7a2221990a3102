"""Who may see and run events. One rule per line.

- Members of the organising structure (any role) create, change, cancel an event and record
  its attendance.
- Members of its partner structures and the territory's coordinators (staff too, as
  everywhere: ``accounts.permissions.is_coordinator``) read it; changing it answers 403.
- Everyone else gets 404: existence is hidden.
- The territory's summary (counts masked under 5) is its coordinators' only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from aiguillage.accounts.models import Membership, User
from aiguillage.accounts.permissions import is_coordinator
from aiguillage.events.models import Event
from aiguillage.organisations.models import Organisation
from aiguillage.people.permissions import organisations_of
from aiguillage.territories.models import Territory


def current_organisation(membership: Membership | None) -> Organisation:
    """The structure a member declares events for: accounts without one cannot (403)."""
    if membership is None:
        raise PermissionDenied("Il faut appartenir à une structure pour déclarer un événement.")
    return membership.organisation


def can_manage_event(user: User, event: Event) -> bool:
    # One rule: a member of the organising structure.
    return event.organisation_id in organisations_of(user)


def can_view_event(user: User, event: Event) -> bool:
    mine = organisations_of(user)
    # The organiser.
    if event.organisation_id in mine:
        return True
    # Its partner structures.
    if event.partners.filter(pk__in=mine).exists():
        return True
    # The territory's coordinators (and staff).
    return is_coordinator(user, event.territory)


def list_scope(
    user: User, membership: Membership | None, territory: Territory | None
) -> tuple[Organisation | None, Territory | None]:
    """Whose events the list shows: (structure, None) for a member, (None, territory) for a
    coordinator without a structure; 403 for anyone else."""
    # Members list their current structure's events (organised or as a partner).
    if membership is not None:
        return membership.organisation, None
    # A coordinator without a structure lists the territory's events.
    if territory is not None and is_coordinator(user, territory):
        return None, territory
    raise PermissionDenied("Il faut appartenir à une structure ou coordonner un territoire.")


def get_event_for_user(user: User, public_id, *, write: bool = False) -> Event:
    """The event if ``user`` may see it: 404 for outsiders, 403 if ``write`` is refused."""
    try:
        event = (
            Event.objects.select_related("territory", "organisation", "place", "created_by")
            .filter(public_id=public_id)
            .first()
        )
    except (ValidationError, ValueError) as error:
        raise Http404("Événement introuvable") from error
    # Outsiders must not learn that the event exists.
    if event is None or not can_view_event(user, event):
        raise Http404("Événement introuvable")
    # Partners and coordinators read; only the organiser changes it.
    if write and not can_manage_event(user, event):
        raise PermissionDenied("Seule la structure qui organise l'événement peut faire cela.")
    return event

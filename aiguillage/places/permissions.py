"""Who may see and change places. Outsiders get 404, too low a role 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from aiguillage.accounts.models import Membership, User
from aiguillage.accounts.permissions import is_coordinator
from aiguillage.places.models import Place
from aiguillage.territories.models import Territory


def can_edit_place(user: User, place: Place) -> bool:
    if not user.is_authenticated:
        return False
    # Coordinators manage every place of their territory.
    if is_coordinator(user, place.territory):
        return True
    # A structure manages its own places: any of its members may update them.
    if place.organisation_id is None:
        return False
    return Membership.objects.filter(user=user, organisation_id=place.organisation_id).exists()


def can_create_place(user: User, territory: Territory) -> bool:
    if is_coordinator(user, territory):
        return True
    return (
        Membership.objects.filter(user=user, organisation__territory=territory).exists()
        if user.is_authenticated
        else False
    )


def can_import_places(user: User, territory: Territory) -> bool:
    return is_coordinator(user, territory)


def get_place_for_user(user: User, public_id: str, *, write: bool = False) -> Place:
    """A published place for everyone; unpublished or merged ones only for those who edit them."""
    try:
        place = Place.objects.select_related("territory", "organisation").get(public_id=public_id)
    except (Place.DoesNotExist, ValidationError, ValueError) as error:  # malformed uuid
        raise Http404("Lieu introuvable") from error
    visible = place.is_published and place.merged_into_id is None
    # Hidden places do not exist for those who cannot edit them.
    if not visible and not can_edit_place(user, place):
        raise Http404("Lieu introuvable")
    # Public places: anyone sees them, only their managers change them.
    if write and not can_edit_place(user, place):
        raise PermissionDenied("Vous ne pouvez pas modifier ce lieu.")
    return place

"""Who may see and use the equipment pool.

Members of the territory's structures see its catalogue and ask to borrow; the owner
structure's members (any role) edit its items and answer, hand over and take back; a
booking is seen by the two structures of the loan and, read only, by the territory's
coordinators (and staff). Everyone else gets 404 (existence hidden); who may see but not
act gets 403, as in the workshops.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from aiguillage.accounts.models import Coordination, Membership, User
from aiguillage.accounts.permissions import is_coordinator
from aiguillage.people.permissions import organisations_of
from aiguillage.pool.models import Booking, Item


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


def can_manage_item(user: User, item: Item) -> bool:
    # One rule: a member of the owner structure.
    return item.organisation_id in organisations_of(user)


def can_view_item(user: User, item: Item) -> bool:
    # The owner sees its items, withdrawn ones included.
    if can_manage_item(user, item):
        return True
    # A withdrawn item is gone for everyone else.
    if item.withdrawn_at is not None:
        return False
    # The territory's structures, its coordinators and staff see the catalogue.
    return is_in_territory(user, item.territory_id)


def can_request_item(user: User, item: Item, organisation_id: int | None) -> bool:
    """``organisation_id`` is the user's current structure: it must be of the item's
    territory (the owner itself included: internal use)."""
    if organisation_id is None or organisation_id not in organisations_of(user):
        return False
    return Membership.objects.filter(
        user=user, organisation_id=organisation_id, organisation__territory=item.territory_id
    ).exists()


def is_party(user: User, booking: Booking) -> bool:
    # A member of the lending or of the borrowing structure.
    mine = organisations_of(user)
    return booking.owner_organisation_id in mine or booking.borrower_organisation_id in mine


def can_see_booking(user: User, booking: Booking) -> bool:
    # The two structures of the loan.
    if is_party(user, booking):
        return True
    # The territory's coordinators (and staff), read only.
    return is_coordinator(user, booking.territory)


def can_answer_booking(user: User, booking: Booking) -> bool:
    # Approving, declining, handing over and taking back are the owner's.
    return booking.owner_organisation_id in organisations_of(user)


def _uuid_filter(model, public_id):
    try:
        return model.objects.filter(public_id=public_id)
    except (ValidationError, ValueError) as error:
        raise Http404("Introuvable") from error


def get_item_for_user(user: User, public_id, *, manage: bool = False) -> Item:
    item = _uuid_filter(Item, public_id).select_related("organisation", "territory").first()
    # Outsiders, and withdrawn items of others: existence is hidden.
    if item is None or not can_view_item(user, item):
        raise Http404("Objet introuvable")
    # Seeing is not editing: the owner structure's.
    if manage and not can_manage_item(user, item):
        raise PermissionDenied("Seule la structure qui prête l'objet peut le modifier.")
    return item


# What the viewer must be to use a booking's page: « see » (read), « party » (cancel),
# « owner » (answer, hand over, take back).
BOOKING_ROLES = ("see", "party", "owner")


def get_booking_for_user(user: User, public_id, *, role: str = "see") -> Booking:
    booking = (
        _uuid_filter(Booking, public_id)
        .select_related(
            "item", "territory", "owner_organisation", "borrower_organisation", "requested_by"
        )
        .first()
    )
    # Outsiders: existence is hidden.
    if booking is None or not can_see_booking(user, booking):
        raise Http404("Réservation introuvable")
    # Coordinators read; the two structures cancel.
    if role == "party" and not is_party(user, booking):
        raise PermissionDenied("Seules les deux structures du prêt peuvent faire cela.")
    # The owner answers, hands over and takes back.
    if role == "owner" and not can_answer_booking(user, booking):
        raise PermissionDenied("Seule la structure qui prête l'objet peut faire cela.")
    return booking

"""Who may do what on accounts, organisations and territories. One rule per line."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from aiguillage.accounts.models import Coordination, Membership, Role, User
from aiguillage.organisations.models import Organisation
from aiguillage.territories.models import Territory


def is_coordinator(user: User, territory: Territory | None) -> bool:
    if territory is None or not user.is_authenticated:
        return False
    # Staff support the platform; they act as coordinators everywhere.
    if user.is_staff:
        return True
    return Coordination.objects.filter(user=user, territory=territory).exists()


def coordinated_territories(user: User) -> list[Territory]:
    if not user.is_authenticated:
        return []
    if user.is_staff:
        return list(Territory.objects.all())
    return [c.territory for c in Coordination.objects.filter(user=user).select_related("territory")]


def membership_of(user: User, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def is_member(user: User, organisation: Organisation) -> bool:
    return membership_of(user, organisation) is not None


def is_manager(user: User, organisation: Organisation) -> bool:
    membership = membership_of(user, organisation)
    return membership is not None and membership.role == Role.MANAGER


def can_invite_colleague(user: User, organisation: Organisation) -> bool:
    # Managers invite their colleagues; coordinators help structures of their territory.
    return is_manager(user, organisation) or is_coordinator(user, organisation.territory)


def can_request_join(user: User, organisation: Organisation) -> bool:
    return is_manager(user, organisation)


def can_decide_join(user: User, territory: Territory) -> bool:
    return is_coordinator(user, territory)


def can_create_organisation(user: User) -> bool:
    # Accounts only exist through an invitation or the staff, so any logged-in person
    # may declare a structure; it joins a territory only once a coordinator agrees.
    return user.is_authenticated and user.is_active


def can_view_organisation(user: User, organisation: Organisation) -> bool:
    # Members see their own structure.
    if is_member(user, organisation):
        return True
    # Coordinators (and staff) see the structures of their territory.
    return is_coordinator(user, organisation.territory) or (user.is_authenticated and user.is_staff)


def can_manage_members(user: User, organisation: Organisation) -> bool:
    # Managers run their team; staff step in for support. Coordinators invite but
    # never change a structure's roles.
    return is_manager(user, organisation) or (user.is_authenticated and user.is_staff)


def removable_member_ids(
    user: User, organisation: Organisation, memberships: list[Membership]
) -> set[int]:
    """Which of these memberships ``user`` may remove, checked once for a whole team list."""
    # Managers (and staff) may remove anyone; the last-manager rule is the action's.
    if can_manage_members(user, organisation):
        return {membership.pk for membership in memberships}
    # Anyone may leave a structure.
    return {m.pk for m in memberships if user.is_authenticated and m.user_id == user.pk}


def can_remove_member(user: User, membership: Membership) -> bool:
    return membership.pk in removable_member_ids(user, membership.organisation, [membership])


def can_answer_territory_invitation(user: User, organisation: Organisation) -> bool:
    # A territory's invitation commits the whole structure: managers answer it.
    return is_manager(user, organisation)


def get_organisation_for_user(user: User, public_id: str, *, manage: bool = False) -> Organisation:
    """The organisation if ``user`` may see it: 404 for outsiders, 403 if ``manage`` is refused."""
    try:
        organisation = Organisation.objects.select_related("territory").get(public_id=public_id)
    except (Organisation.DoesNotExist, ValidationError, ValueError) as error:
        raise Http404("Structure introuvable") from error
    # Outsiders must not learn that the structure exists.
    if not can_view_organisation(user, organisation):
        raise Http404("Structure introuvable")
    # Plain members see the page but cannot run the team.
    if manage and not can_manage_members(user, organisation):
        raise PermissionDenied("Seuls les responsables de la structure peuvent faire cela.")
    return organisation


def get_territory_for_coordinator(user: User, slug: str) -> Territory:
    """A territory's coordination pages: 404 for outsiders, 403 for its structures' members."""
    territory = Territory.objects.filter(slug=slug).first()
    if territory is None:
        raise Http404("Territoire introuvable")
    if is_coordinator(user, territory):
        return territory
    # Members of the territory's structures know it exists, but may not coordinate it.
    if Membership.objects.filter(user=user, organisation__territory=territory).exists():
        raise PermissionDenied("Seule la coordination du territoire peut faire cela.")
    raise Http404("Territoire introuvable")

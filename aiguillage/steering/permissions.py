"""Who may see and run the programme. One rule per line; docs/steering.md has the table.

- The territory's coordinators (``accounts.Coordination``; staff act as coordinators) run
  everything.
- A committee member (``SteeringRole``, read only, e.g. an elected official) reads the
  programme, every plan version with its budgets, and the meetings and decisions of their
  committees.
- A local referent (scoped to a commune) reads the plan versions' actions touching their
  commune and adds notes to them.
- A working-group referent manages their group's members and proposals; the group's members
  read the group's page.
- Members of the territory's structures read the approved (or closed) plans and their
  actions, without budgets.
Everyone else gets 404 (existence hidden); one who may see but not do gets 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from aiguillage.accounts.models import Membership, User
from aiguillage.accounts.permissions import is_coordinator
from aiguillage.steering.models import (
    Axis,
    Committee,
    Meeting,
    PlanAction,
    PlanStatus,
    PlanVersion,
    Programme,
    Proposal,
    SteeringRole,
    SteeringRoleKind,
    WorkingGroup,
)

# What structures' members read: the plan as the committee approved it, and its history.
PUBLISHED_PLAN_STATUSES = frozenset({PlanStatus.APPROVED, PlanStatus.DONE, PlanStatus.SUPERSEDED})


@dataclass(frozen=True)
class Access:
    """What one user is in one programme."""

    programme: Programme
    is_coordinator: bool = False
    is_member: bool = False  # of a structure of the programme's territory
    communes: frozenset[int] = frozenset()  # local referent of these communes
    groups: frozenset[int] = frozenset()  # referent of these working groups
    member_groups: frozenset[int] = frozenset()  # member of these working groups
    committees: frozenset[int] = frozenset()  # member of these committees

    @property
    def sees_programme(self) -> bool:
        return bool(
            self.is_coordinator or self.is_member or self.communes or self.groups
            or self.member_groups or self.committees
        )  # fmt: skip

    @property
    def sees_budgets(self) -> bool:
        # Budgets: the coordination and the committees, who decide on them.
        return self.is_coordinator or bool(self.committees)

    @property
    def sees_every_action(self) -> bool:
        return self.is_coordinator or bool(self.committees)


def access_for(user: User, programme: Programme) -> Access:
    if not user.is_authenticated:
        return Access(programme)
    roles = list(
        SteeringRole.objects.filter(user=user, programme=programme).values_list(
            "kind", "commune_id", "group_id", "committee_id"
        )
    )
    return Access(
        programme=programme,
        is_coordinator=is_coordinator(user, programme.territory),
        is_member=Membership.objects.filter(
            user=user, organisation__territory_id=programme.territory_id
        ).exists(),
        communes=frozenset(c for k, c, _, _ in roles if k == SteeringRoleKind.LOCAL_REFERENT),
        groups=frozenset(g for k, _, g, _ in roles if k == SteeringRoleKind.GROUP_REFERENT),
        member_groups=frozenset(
            WorkingGroup.objects.filter(programme=programme, members=user).values_list(
                "pk", flat=True
            )
        ),
        committees=frozenset(m for k, _, _, m in roles if k == SteeringRoleKind.COMMITTEE_MEMBER),
    )


def programmes_of(user: User) -> list[Programme]:
    """The programmes ``user`` sees, the current territory's first (for the menu's link)."""
    programmes = Programme.objects.select_related("territory").order_by("territory__name")
    return [p for p in programmes if access_for(user, p).sees_programme]


# --- Predicates ---------------------------------------------------------------------------------


def can_view_plan_version(access: Access, version: PlanVersion) -> bool:
    # The coordination and the committees see every version, proposed ones included.
    if access.sees_every_action:
        return True
    # Local referents follow the actions of their commune in every version.
    if access.communes:
        return True
    # Structures' members read what the committee approved.
    return access.is_member and version.status in PUBLISHED_PLAN_STATUSES


def touches_my_commune(access: Access, action: PlanAction) -> bool:
    return bool(access.communes & {c.pk for c in action.communes.all()})


def can_view_action(access: Access, action: PlanAction) -> bool:
    # Everyone who reads the whole version reads its actions.
    if access.sees_every_action:
        return True
    if access.is_member and action.plan_version.status in PUBLISHED_PLAN_STATUSES:
        return True
    # A local referent reads the actions touching their commune.
    return touches_my_commune(access, action)


def can_note_action(access: Access, action: PlanAction) -> bool:
    # The coordination, and the local referent of a commune the action touches.
    return access.is_coordinator or touches_my_commune(access, action)


def can_view_group(access: Access, group: WorkingGroup) -> bool:
    # The coordination, the group's referents and its members.
    return access.is_coordinator or group.pk in access.groups | access.member_groups


def can_manage_group(access: Access, group: WorkingGroup) -> bool:
    # The coordination and the group's referents: members and proposals.
    return access.is_coordinator or group.pk in access.groups


def can_view_committee(access: Access, committee: Committee) -> bool:
    # The coordination and the committee's members (read only).
    return access.is_coordinator or committee.pk in access.committees


# --- Fetchers -----------------------------------------------------------------------------------


def _fetch(model, public_id, related: tuple[str, ...]):
    try:
        return model.objects.select_related(*related).filter(public_id=public_id).first()
    except (ValidationError, ValueError) as error:
        raise Http404("Introuvable") from error


def _coordination_only(access: Access, manage: bool) -> None:
    # Seeing is not running: writes on the programme are the coordination's.
    if manage and not access.is_coordinator:
        raise PermissionDenied("Réservé à la coordination du programme.")


def get_programme_for_user(
    user: User, public_id, *, manage: bool = False
) -> tuple[Programme, Access]:
    programme = _fetch(Programme, public_id, ("territory",))
    access = access_for(user, programme) if programme else None
    if access is None or not access.sees_programme:
        raise Http404("Programme introuvable")
    _coordination_only(access, manage)
    return programme, access


def get_axis_for_user(user: User, public_id) -> tuple[Axis, Access]:
    axis = _fetch(Axis, public_id, ("programme__territory",))
    access = access_for(user, axis.programme) if axis else None
    if access is None or not access.sees_programme:
        raise Http404("Axe introuvable")
    _coordination_only(access, True)
    return axis, access


def get_plan_version_for_user(
    user: User, public_id, *, manage: bool = False
) -> tuple[PlanVersion, Access]:
    version = _fetch(PlanVersion, public_id, ("programme__territory", "copied_from"))
    access = access_for(user, version.programme) if version else None
    if access is None or not can_view_plan_version(access, version):
        raise Http404("Plan d'actions introuvable")
    _coordination_only(access, manage)
    return version, access


def get_action_for_user(
    user: User, public_id, *, write: str | None = None
) -> tuple[PlanAction, Access]:
    """``write``: None to read, « note » to add a note, « manage » for everything else."""
    related = ("plan_version__programme__territory", "axis", "lead_partner", "proposal__group")
    action = _fetch(PlanAction, public_id, related)
    access = access_for(user, action.plan_version.programme) if action else None
    if access is None or not can_view_action(access, action):
        raise Http404("Action introuvable")
    if write == "note" and not can_note_action(access, action):
        raise PermissionDenied("Réservé à la coordination et aux référents de la commune.")
    _coordination_only(access, write == "manage")
    return action, access


def get_group_for_user(
    user: User, public_id, *, manage: bool = False
) -> tuple[WorkingGroup, Access]:
    group = _fetch(WorkingGroup, public_id, ("programme__territory",))
    access = access_for(user, group.programme) if group else None
    if access is None or not can_view_group(access, group):
        raise Http404("Groupe introuvable")
    if manage and not can_manage_group(access, group):
        raise PermissionDenied("Réservé aux référents du groupe et à la coordination.")
    return group, access


def get_proposal_for_user(
    user: User, public_id, *, write: str | None = None
) -> tuple[Proposal, Access]:
    """``write``: « group » (edit, submit: the group's referents), « decide » (accept,
    decline: the coordination)."""
    proposal = _fetch(Proposal, public_id, ("group__programme__territory", "axis", "committee"))
    access = access_for(user, proposal.group.programme) if proposal else None
    if access is None or not can_view_group(access, proposal.group):
        raise Http404("Proposition introuvable")
    if write == "group" and not can_manage_group(access, proposal.group):
        raise PermissionDenied("Réservé aux référents du groupe et à la coordination.")
    _coordination_only(access, write == "decide")
    return proposal, access


def get_committee_for_user(
    user: User, public_id, *, manage: bool = False
) -> tuple[Committee, Access]:
    committee = _fetch(Committee, public_id, ("programme__territory",))
    access = access_for(user, committee.programme) if committee else None
    if access is None or not can_view_committee(access, committee):
        raise Http404("Comité introuvable")
    _coordination_only(access, manage)
    return committee, access


def get_meeting_for_user(user: User, public_id, *, manage: bool = False) -> tuple[Meeting, Access]:
    meeting = _fetch(Meeting, public_id, ("committee__programme__territory",))
    access = access_for(user, meeting.committee.programme) if meeting else None
    if access is None or not can_view_committee(access, meeting.committee):
        raise Http404("Réunion introuvable")
    _coordination_only(access, manage)
    return meeting, access

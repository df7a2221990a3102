"""The one path for writes on working groups, proposals, committees, meetings, decisions and
steering roles. Proposals move only through ``transition`` along ``PROPOSAL_TRANSITIONS``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from aiguillage.accounts.models import User
from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import Organisation
from aiguillage.steering import rules
from aiguillage.steering.errors import SteeringError
from aiguillage.steering.models import (
    ActionKind,
    ActionScale,
    Axis,
    Committee,
    CommitteeKind,
    Decision,
    DecisionKind,
    Meeting,
    PlanAction,
    PlanVersion,
    Programme,
    Proposal,
    ProposalStatus,
    ProposalStatusChange,
    SteeringRole,
    SteeringRoleKind,
    WorkingGroup,
    proposal_transition_problem,
)
from aiguillage.steering.plan_actions import create_action
from aiguillage.territories.models import Commune


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _log(event: str, *, actor: Any, obj: Any, programme: Programme, data: dict | None = None):
    log_event(event, actor=actor, obj=obj, territory_id=programme.territory_id, data=data)


# --- Working groups ----------------------------------------------------------------------------


@transaction.atomic
def create_working_group(
    *, actor: Any, programme: Programme, title: str, description: str = "", is_demo: bool = False
) -> WorkingGroup:
    title = _clean(title)
    if not title:
        raise SteeringError("Donnez un intitulé au groupe de travail.")
    if WorkingGroup.objects.filter(programme=programme, title__iexact=title).exists():
        raise SteeringError(f"Le groupe « {title} » existe déjà.")
    group = WorkingGroup.objects.create(
        programme=programme, title=title, description=description.strip(), is_demo=is_demo
    )
    _log("steering_group_created", actor=actor, obj=group, programme=programme)
    return group


@transaction.atomic
def add_group_member(*, actor: Any, group: WorkingGroup, user: User) -> WorkingGroup:
    if group.members.filter(pk=user.pk).exists():
        raise SteeringError(f"{user.display_name} fait déjà partie du groupe.")
    group.members.add(user)
    _log(
        "steering_group_member_added", actor=actor, obj=group, programme=group.programme,
        data={"user": user.pk},
    )  # fmt: skip
    return group


@transaction.atomic
def remove_group_member(*, actor: Any, group: WorkingGroup, user: User) -> WorkingGroup:
    if not group.members.filter(pk=user.pk).exists():
        raise SteeringError("Cette personne ne fait pas partie du groupe.")
    group.members.remove(user)
    _log(
        "steering_group_member_removed", actor=actor, obj=group, programme=group.programme,
        data={"user": user.pk},
    )  # fmt: skip
    return group


# --- Proposals ---------------------------------------------------------------------------------


@transaction.atomic
def create_proposal(
    *,
    actor: Any,
    group: WorkingGroup,
    title: str,
    kind: str,
    description: str = "",
    axis: Axis | None = None,
    is_demo: bool = False,
) -> Proposal:
    """A draft proposal of the group (« Brouillon »)."""
    title = _clean(title)
    if not title:
        raise SteeringError("Donnez un titre à la proposition.")
    if kind not in ActionKind.values:
        raise SteeringError("Choisissez le type d'action proposé.")
    if axis is not None and axis.programme_id != group.programme_id:
        raise SteeringError("Choisissez un axe du programme.")
    proposal = Proposal.objects.create(
        group=group, title=title, kind=kind, description=description.strip(), axis=axis,
        is_demo=is_demo, created_by=_user(actor),
    )  # fmt: skip
    ProposalStatusChange.objects.create(
        proposal=proposal, to_status=ProposalStatus.DRAFT, actor=_user(actor), at=timezone.now()
    )
    _log("steering_proposal_created", actor=actor, obj=proposal, programme=group.programme)
    return proposal


def transition(proposal: Proposal, *, to: str, actor: Any, note: str = "", **fields) -> Proposal:
    """Move ``proposal`` along ``PROPOSAL_TRANSITIONS`` or raise ``SteeringError``; a
    ``ProposalStatusChange`` row and a journal entry record the step."""
    with transaction.atomic():
        current = (
            Proposal.objects.select_for_update()
            .select_related("group__programme")
            .get(pk=proposal.pk)
        )
        if problem := proposal_transition_problem(current.status, to):
            raise SteeringError(problem)
        Proposal.objects.filter(pk=current.pk).update(
            status=to, updated_at=timezone.now(), **fields
        )
        ProposalStatusChange.objects.create(
            proposal=current, from_status=current.status, to_status=to, actor=_user(actor),
            note=note.strip()[:500], at=timezone.now(),
        )  # fmt: skip
        _log(
            "steering_proposal_status_changed", actor=actor, obj=current,
            programme=current.group.programme, data={"from": current.status, "to": to},
        )  # fmt: skip
        current.refresh_from_db()
    return current


def submit_proposal(*, actor: Any, proposal: Proposal, committee: Committee) -> Proposal:
    """« Proposer au comité »: the group sends its proposal to one of the programme's
    committees."""
    if committee.programme_id != proposal.group.programme_id:
        raise SteeringError("Choisissez un comité du programme.")
    return transition(
        proposal, to=ProposalStatus.SUBMITTED, actor=actor, committee=committee,
        note=f"Proposée au {committee.title}.",
    )  # fmt: skip


@transaction.atomic
def accept_proposal(
    *,
    actor: Any,
    proposal: Proposal,
    plan_version: PlanVersion,
    lead_partner: Organisation,
    axis: Axis,
    scale: str = ActionScale.AGGLOMERATION,
    communes: Iterable[Commune] = (),
) -> PlanAction:
    """The committee takes the proposal into a proposed plan version: an action is created
    from it (its title, description and kind) and the proposal is « retenue »."""
    proposal = Proposal.objects.select_for_update().select_related("group").get(pk=proposal.pk)
    if plan_version.programme_id != proposal.group.programme_id:
        raise SteeringError("Choisissez une version du plan de ce programme.")
    problem = proposal_transition_problem(proposal.status, ProposalStatus.ACCEPTED)
    if problem:
        raise SteeringError(problem)
    action = create_action(
        actor=actor,
        plan_version=plan_version,
        values={
            "title": proposal.title,
            "description": proposal.description,
            "axis": axis,
            "kind": proposal.kind,
            "lead_partner": lead_partner,
            "scale": scale,
        },  # fmt: skip
        communes=communes,
        proposal=proposal,
    )
    transition(
        proposal, to=ProposalStatus.ACCEPTED, actor=actor, plan_version=plan_version,
        note=f"Retenue dans le {plan_version}.",
    )  # fmt: skip
    return action


def decline_proposal(*, actor: Any, proposal: Proposal, reason: str) -> Proposal:
    reason = " ".join((reason or "").split())
    if not reason:
        raise SteeringError("Dites au groupe pourquoi sa proposition n'est pas retenue.")
    return transition(
        proposal, to=ProposalStatus.DECLINED, actor=actor, decline_reason=reason[:500], note=reason
    )


# --- Committees, meetings, decisions -----------------------------------------------------------


@transaction.atomic
def create_committee(
    *,
    actor: Any,
    programme: Programme,
    kind: str,
    title: str,
    description: str = "",
    is_demo: bool = False,
) -> Committee:
    title = _clean(title)
    if kind not in CommitteeKind.values:
        raise SteeringError("Choisissez le type de comité.")
    if not title:
        raise SteeringError("Donnez un intitulé au comité.")
    if Committee.objects.filter(programme=programme, title__iexact=title).exists():
        raise SteeringError(f"Le comité « {title} » existe déjà.")
    committee = Committee.objects.create(
        programme=programme, kind=kind, title=title, description=description.strip(),
        is_demo=is_demo,
    )  # fmt: skip
    _log("steering_committee_created", actor=actor, obj=committee, programme=programme)
    return committee


def _checked_minutes(minutes: UploadedFile) -> None:
    minutes.seek(0)
    head = minutes.read(rules.MAX_MINUTES_BYTES + 1)
    minutes.seek(0)
    if problem := rules.minutes_problem(minutes.size or len(head), head):
        raise SteeringError(problem)


@transaction.atomic
def create_meeting(
    *,
    actor: Any,
    committee: Committee,
    held_on: dt.date,
    agenda: str = "",
    place: str = "",
    minutes: UploadedFile | None = None,
    is_demo: bool = False,
) -> Meeting:
    """A meeting of the committee, with its minutes (PDF, ODT or DOCX) when they exist."""
    if minutes is not None:
        _checked_minutes(minutes)
    meeting = Meeting(
        committee=committee, held_on=held_on, agenda=agenda.strip(), place=_clean(place),
        is_demo=is_demo, created_by=_user(actor),
    )  # fmt: skip
    if minutes is not None:
        meeting.minutes_name = (minutes.name or "compte-rendu")[:200]
        meeting.minutes.save(minutes.name or "compte-rendu.pdf", minutes, save=False)
    meeting.save()
    _log(
        "steering_meeting_created", actor=actor, obj=meeting, programme=committee.programme,
        data={"has_minutes": bool(minutes)},
    )  # fmt: skip
    return meeting


@transaction.atomic
def attach_minutes(*, actor: Any, meeting: Meeting, minutes: UploadedFile) -> Meeting:
    """The minutes of a meeting, written after it (replaces earlier minutes)."""
    _checked_minutes(minutes)
    meeting = (
        Meeting.objects.select_for_update()
        .select_related("committee__programme")
        .get(pk=meeting.pk)
    )
    old = meeting.minutes.name if meeting.minutes else ""
    meeting.minutes_name = (minutes.name or "compte-rendu")[:200]
    meeting.minutes.save(minutes.name or "compte-rendu.pdf", minutes, save=False)
    meeting.save(update_fields=["minutes", "minutes_name", "updated_at"])
    if old:
        storage, name = meeting.minutes.storage, old
        transaction.on_commit(lambda: storage.delete(name))
    _log(
        "steering_minutes_attached", actor=actor, obj=meeting,
        programme=meeting.committee.programme,
    )  # fmt: skip
    return meeting


@transaction.atomic
def record_decision(
    *,
    actor: Any,
    meeting: Meeting,
    text: str,
    kind: str = DecisionKind.OTHER,
    actions: Iterable[PlanAction] = (),
) -> Decision:
    """A decision of the meeting, linked to the actions it changes. Approving a plan version
    is ``programme_actions.approve_plan_version`` (it moves the version too)."""
    text = text.strip()
    if not text:
        raise SteeringError("Écrivez la décision.")
    if kind == DecisionKind.APPROVE_PLAN:
        raise SteeringError("Pour approuver un plan, utilisez « Approuver le plan ».")
    if kind not in DecisionKind.values:
        raise SteeringError("Choisissez le type de décision.")
    actions = list(actions)
    programme = meeting.committee.programme
    if any(a.plan_version.programme_id != programme.pk for a in actions):
        raise SteeringError("Une décision ne concerne que des actions du programme.")
    decision = Decision.objects.create(
        meeting=meeting, kind=kind, text=text, is_demo=meeting.is_demo, created_by=_user(actor)
    )
    decision.actions.set(actions)
    _log(
        "steering_decision_recorded", actor=actor, obj=decision, programme=programme,
        data={"kind": kind, "actions": [str(a.public_id) for a in actions]},
    )  # fmt: skip
    return decision


# --- Roles -------------------------------------------------------------------------------------


@transaction.atomic
def grant_role(
    *,
    actor: Any,
    programme: Programme,
    user: User,
    kind: str,
    commune: Commune | None = None,
    group: WorkingGroup | None = None,
    committee: Committee | None = None,
    is_elected: bool = False,
    title: str = "",
) -> SteeringRole:
    """Give ``user`` a part in the programme, scoped by its kind (a commune for a local
    referent, a group for a group referent, a committee for a committee member)."""
    scopes = {
        SteeringRoleKind.LOCAL_REFERENT: ("commune", commune),
        SteeringRoleKind.GROUP_REFERENT: ("group", group),
        SteeringRoleKind.COMMITTEE_MEMBER: ("committee", committee),
    }
    if kind not in scopes:
        raise SteeringError("Choisissez le rôle.")
    name, scope = scopes[kind]
    given = {"commune": commune, "group": group, "committee": committee}
    if scope is None or any(value is not None for key, value in given.items() if key != name):
        what = {"commune": "la commune", "group": "le groupe", "committee": "le comité"}[name]
        raise SteeringError(f"Ce rôle s'exerce sur {what} : choisissez-le, et lui seul.")
    owner = scope.territory_id if name == "commune" else scope.programme.territory_id
    if owner != programme.territory_id:
        raise SteeringError("Choisissez dans le programme du territoire.")
    if SteeringRole.objects.filter(user=user, kind=kind, **{name: scope}).exists():
        raise SteeringError(f"{user.display_name} a déjà ce rôle.")
    role = SteeringRole.objects.create(
        programme=programme, user=user, kind=kind, is_elected=is_elected, title=_clean(title),
        **{name: scope},
    )  # fmt: skip
    _log(
        "steering_role_granted", actor=actor, obj=programme, programme=programme,
        data={"user": user.pk, "kind": kind, name: scope.pk},
    )  # fmt: skip
    return role


@transaction.atomic
def revoke_role(*, actor: Any, role: SteeringRole) -> None:
    programme = role.programme
    data = {"user": role.user_id, "kind": role.kind}
    role.delete()
    _log("steering_role_revoked", actor=actor, obj=programme, programme=programme, data=data)

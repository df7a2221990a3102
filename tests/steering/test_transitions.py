"""Every pair of statuses of the three state machines (plan versions, actions, proposals):
allowed moves happen and are recorded (status-change row and journal), forbidden ones are
refused in French and change nothing."""

from __future__ import annotations

import itertools

import pytest

from aiguillage.journal.models import JournalEntry
from aiguillage.steering import governance_actions, programme_actions
from aiguillage.steering.errors import SteeringError
from aiguillage.steering.models import (
    ACTION_TRANSITIONS,
    PLAN_TRANSITIONS,
    PROPOSAL_TRANSITIONS,
    ActionStatus,
    ActionStatusChange,
    PlanStatus,
    PlanVersionStatusChange,
    ProposalStatus,
    ProposalStatusChange,
)
from aiguillage.steering.plan_actions import change_action_status

pytestmark = pytest.mark.django_db

PLAN_PATHS = {
    PlanStatus.PROPOSED: [],
    PlanStatus.APPROVED: [PlanStatus.APPROVED],
    PlanStatus.DONE: [PlanStatus.APPROVED, PlanStatus.DONE],
    PlanStatus.SUPERSEDED: [PlanStatus.APPROVED, PlanStatus.SUPERSEDED],
    PlanStatus.WITHDRAWN: [PlanStatus.WITHDRAWN],
}
ACTION_PATHS = {
    ActionStatus.PLANNED: [],
    ActionStatus.ONGOING: [ActionStatus.ONGOING],
    ActionStatus.DONE: [ActionStatus.ONGOING, ActionStatus.DONE],
    ActionStatus.ABANDONED: [ActionStatus.ABANDONED],
}
PROPOSAL_PATHS = {
    ProposalStatus.DRAFT: [],
    ProposalStatus.SUBMITTED: [ProposalStatus.SUBMITTED],
    ProposalStatus.ACCEPTED: [ProposalStatus.SUBMITTED, ProposalStatus.ACCEPTED],
    ProposalStatus.DECLINED: [ProposalStatus.SUBMITTED, ProposalStatus.DECLINED],
}


def test_the_tables_name_every_status():
    assert set(PLAN_TRANSITIONS) == set(PlanStatus.values) == set(PLAN_PATHS)
    assert set(ACTION_TRANSITIONS) == set(ActionStatus.values) == set(ACTION_PATHS)
    assert set(PROPOSAL_TRANSITIONS) == set(ProposalStatus.values) == set(PROPOSAL_PATHS)


@pytest.mark.parametrize(
    ("start", "to"), list(itertools.product(PlanStatus.values, PlanStatus.values))
)
def test_plan_version_pair(coordinator, version, start, to):
    for step in PLAN_PATHS[start]:
        programme_actions.transition(version, to=step, actor=coordinator)
    rows = PlanVersionStatusChange.objects.count()
    if to in PLAN_TRANSITIONS[start]:
        moved = programme_actions.transition(version, to=to, actor=coordinator, note="Étape")
        assert moved.status == to
        change = PlanVersionStatusChange.objects.latest("id")
        assert (change.from_status, change.to_status, change.actor) == (start, to, coordinator)
        assert JournalEntry.objects.filter(
            event="steering_plan_version_status_changed", data__to=to
        ).exists()
    else:
        with pytest.raises(SteeringError, match="Ce plan est"):
            programme_actions.transition(version, to=to, actor=coordinator)
        version.refresh_from_db()
        assert version.status == start
        assert PlanVersionStatusChange.objects.count() == rows


@pytest.mark.parametrize(
    ("start", "to"), list(itertools.product(ActionStatus.values, ActionStatus.values))
)
def test_action_pair(coordinator, action, start, to):
    for step in ACTION_PATHS[start]:
        change_action_status(actor=coordinator, action=action, to=step)
    rows = ActionStatusChange.objects.count()
    if to in ACTION_TRANSITIONS[start]:
        moved = change_action_status(actor=coordinator, action=action, to=to)
        assert moved.status == to
        change = ActionStatusChange.objects.latest("id")
        assert (change.from_status, change.to_status) == (start, to)
        assert JournalEntry.objects.filter(event="steering_action_status_changed").exists()
    else:
        with pytest.raises(SteeringError, match="Cette action est"):
            change_action_status(actor=coordinator, action=action, to=to)
        action.refresh_from_db()
        assert action.status == start
        assert ActionStatusChange.objects.count() == rows


@pytest.mark.parametrize(
    ("start", "to"), list(itertools.product(ProposalStatus.values, ProposalStatus.values))
)
def test_proposal_pair(coordinator, group, start, to):
    proposal = governance_actions.create_proposal(
        actor=coordinator, group=group, title="Ateliers parents-enfants", kind="local"
    )
    for step in PROPOSAL_PATHS[start]:
        governance_actions.transition(proposal, to=step, actor=coordinator)
    rows = ProposalStatusChange.objects.count()
    if to in PROPOSAL_TRANSITIONS[start]:
        moved = governance_actions.transition(proposal, to=to, actor=coordinator)
        assert moved.status == to
        change = ProposalStatusChange.objects.latest("id")
        assert (change.from_status, change.to_status) == (start, to)
        assert JournalEntry.objects.filter(event="steering_proposal_status_changed").exists()
    else:
        with pytest.raises(SteeringError, match="Cette proposition est"):
            governance_actions.transition(proposal, to=to, actor=coordinator)
        proposal.refresh_from_db()
        assert proposal.status == start
        assert ProposalStatusChange.objects.count() == rows

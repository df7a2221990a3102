"""The state machine: every allowed pair succeeds and is journaled, every other pair is
refused in French and leaves no trace; each side may only make its own moves."""

from __future__ import annotations

import itertools

import pytest

from aiguillage.journal.models import JournalEntry
from aiguillage.referrals.actions import ReferralConflict, ReferralError, transition
from aiguillage.referrals.models import (
    ALLOWED_TRANSITIONS,
    CLOSED_STATUSES,
    RECEIVER,
    SENDER,
    TRANSITION_SIDE,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
)

S = ReferralStatus
PAIRS = list(itertools.product(S.values, S.values))
ALLOWED = [(a, b) for a, b in PAIRS if b in ALLOWED_TRANSITIONS[a]]
FORBIDDEN = [(a, b) for a, b in PAIRS if b not in ALLOWED_TRANSITIONS[a]]


def _put_in(referral: Referral, status: str) -> Referral:
    # Test setup only: start from any status without walking there.
    Referral.objects.filter(pk=referral.pk).update(status=status)
    referral.refresh_from_db()
    return referral


def _actor_for(referral: Referral, to: str, owner, social_worker):
    side = TRANSITION_SIDE[to]
    if side == RECEIVER:
        return owner, referral.receiver_organisation
    if side == SENDER:
        return social_worker, referral.sender_organisation
    return None, None


def test_the_table_covers_every_status_and_the_issue_s_flow():
    assert set(ALLOWED_TRANSITIONS) == set(S.values)
    assert ALLOWED_TRANSITIONS[S.SENT] >= {S.ACCEPTED, S.DECLINED, S.EXPIRED}
    assert ALLOWED_TRANSITIONS[S.ACCEPTED] >= {S.CAME, S.NO_SHOW}
    assert ALLOWED_TRANSITIONS[S.CAME] == {S.DONE, S.REDIRECTED}
    assert all(not ALLOWED_TRANSITIONS[s] for s in CLOSED_STATUSES - {S.NO_SHOW})
    assert len(ALLOWED) + len(FORBIDDEN) == 81


@pytest.mark.parametrize(("start", "to"), ALLOWED)
def test_every_allowed_transition_is_recorded_with_who_when_from_to_and_note(
    referral, owner, social_worker, start, to
):
    referral = _put_in(referral, start)
    actor, organisation = _actor_for(referral, to, owner, social_worker)
    before = referral.version

    moved = transition(
        referral, to=to, actor=actor, organisation=organisation, version=before, note="ok"
    )

    assert moved.status == to
    assert moved.version == before + 1
    change = ReferralStatusChange.objects.filter(referral=referral).latest("id")
    assert (change.from_status, change.to_status, change.note) == (start, to, "ok")
    assert change.actor == actor
    assert change.organisation == organisation
    assert change.at is not None
    entry = JournalEntry.objects.filter(event="referral_status_changed").latest("id")
    assert entry.data == {"from": start, "to": to}
    assert entry.object_id == str(referral.public_id)
    assert (moved.closed_at is not None) == (to in CLOSED_STATUSES)


@pytest.mark.parametrize(("start", "to"), FORBIDDEN)
def test_every_forbidden_transition_is_refused_in_french_and_changes_nothing(
    referral, owner, start, to
):
    referral = _put_in(referral, start)
    changes = ReferralStatusChange.objects.count()

    with pytest.raises(ReferralError) as refused:
        transition(
            referral,
            to=to,
            actor=owner,
            organisation=referral.receiver_organisation,
            version=referral.version,
        )

    message = str(refused.value)
    assert "orientation" in message.lower()
    assert S(to).label.lower() in message or S(start).label.lower() in message
    referral.refresh_from_db()
    assert referral.status == start
    assert ReferralStatusChange.objects.count() == changes


def test_the_sender_cannot_answer_and_the_receiver_cannot_cancel(referral, owner, social_worker):
    with pytest.raises(ReferralError, match="structure qui reçoit"):
        transition(
            referral,
            to=S.ACCEPTED,
            actor=social_worker,
            organisation=referral.sender_organisation,
            version=0,
        )
    with pytest.raises(ReferralError, match="structure qui a envoyé"):
        transition(
            referral,
            to=S.CANCELLED,
            actor=owner,
            organisation=referral.receiver_organisation,
            version=0,
        )
    with pytest.raises(ReferralError, match="automatiquement"):
        transition(
            referral, to=S.EXPIRED, actor=owner, organisation=referral.receiver_organisation,
            version=0,
        )  # fmt: skip
    referral.refresh_from_db()
    assert referral.status == S.SENT


def test_a_stale_version_is_a_conflict_not_a_lost_update(referral, owner):
    organisation = referral.receiver_organisation
    transition(referral, to=S.ACCEPTED, actor=owner, organisation=organisation, version=0)

    with pytest.raises(ReferralConflict, match="modifié cette orientation"):
        # The colleague's page still shows version 0.
        transition(referral, to=S.DECLINED, actor=owner, organisation=organisation, version=0)

    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED
    assert referral.version == 1


def test_first_answer_time_is_kept_through_later_changes(referral, owner):
    organisation = referral.receiver_organisation
    accepted = transition(
        referral, to=S.ACCEPTED, actor=owner, organisation=organisation, version=0
    )
    came = transition(referral, to=S.CAME, actor=owner, organisation=organisation, version=1)
    assert accepted.answered_at is not None
    assert came.answered_at == accepted.answered_at
    assert came.last_activity_at >= accepted.last_activity_at

"""A referral marked « accompagnement fait » counts once in the receiver's activity."""

from __future__ import annotations

import pytest

from aiguillage.activities.models import ActivityRecord
from aiguillage.referrals import actions

pytestmark = pytest.mark.django_db


def _done(referral, owner, activities, autonomy=""):
    organisation = referral.receiver_organisation
    referral = actions.accept_referral(
        referral=referral, actor=owner, organisation=organisation, version=referral.version,
        come_hours="mardi 14 h - 17 h",
    )  # fmt: skip
    referral = actions.record_came(
        referral=referral, actor=owner, organisation=organisation, version=referral.version
    )
    return actions.complete_referral(
        referral=referral, actor=owner, organisation=organisation, version=referral.version,
        activities=activities, autonomy=autonomy,
    )  # fmt: skip


def test_the_outcome_becomes_one_individual_accompaniment_of_the_receiver(referral, owner, person):
    _done(
        referral, owner, ["email", "aide_aux_demarches_administratives"], "partiellement_autonome"
    )

    record = ActivityRecord.objects.get()
    assert record.source == "referral" and record.source_ref == str(referral.public_id)
    assert record.organisation == referral.receiver_organisation
    assert record.kind == "individual" and record.participants == 1
    assert set(record.themes) == {"courriel", "demarcheEnLigne"}
    assert record.autonomy_after == "partly"
    assert record.person == person


def test_a_refused_completion_counts_nothing(referral, owner):
    with pytest.raises(actions.ReferralError):
        _done(referral, owner, [])
    assert not ActivityRecord.objects.exists()

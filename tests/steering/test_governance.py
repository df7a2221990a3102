"""Working groups, proposals, committees, minutes, decisions and roles, through the actions."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aiguillage.journal.models import JournalEntry
from aiguillage.steering import governance_actions, rules
from aiguillage.steering.errors import SteeringError
from aiguillage.steering.models import (
    Decision,
    Meeting,
    PlanAction,
    ProposalStatus,
    SteeringRole,
)
from tests import factories
from tests.steering import factories as sf

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", rules.ODT_MIMETYPE)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "kind"),
    [(PDF, "pdf"), (odt(), "odt"), (docx(), "docx"), (b"MZ\x90\x00", None), (b"PK\x03\x04x", None)],
)
def test_minutes_kind_is_read_from_the_content(content, kind):
    assert rules.minutes_kind(content) == kind


def test_a_proposal_goes_from_the_group_to_the_committee_to_the_plan(
    coordinator, group_referent, group, version, axis, organisation, copil
):
    proposal = governance_actions.create_proposal(
        actor=group_referent,
        group=group,
        title="Permanences d'accès aux droits",
        kind="local",
        axis=axis,
        description="Dans les maisons des habitants.",
    )
    governance_actions.submit_proposal(actor=group_referent, proposal=proposal, committee=copil)
    action = governance_actions.accept_proposal(
        actor=coordinator,
        proposal=proposal,
        plan_version=version,
        lead_partner=organisation,
        axis=axis,
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.plan_version == version
    assert proposal.committee == copil
    assert (action.proposal, action.plan_version, action.title) == (
        proposal,
        version,
        "Permanences d'accès aux droits",
    )
    steps = [c.to_status for c in proposal.changes.all()]
    assert steps == ["draft", "submitted", "accepted"]


def test_a_proposal_goes_only_into_a_proposed_version(
    coordinator, group, version, axis, organisation, copil
):
    proposal = governance_actions.create_proposal(
        actor=coordinator, group=group, title="Idée", kind="local"
    )
    governance_actions.submit_proposal(actor=coordinator, proposal=proposal, committee=copil)
    sf.approve(coordinator, version, copil)
    with pytest.raises(SteeringError, match="approuvé"):
        governance_actions.accept_proposal(
            actor=coordinator,
            proposal=proposal,
            plan_version=version,
            lead_partner=organisation,
            axis=axis,
        )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED and not PlanAction.objects.exists()


def test_a_draft_is_not_accepted(coordinator, group, version, axis, organisation):
    proposal = governance_actions.create_proposal(
        actor=coordinator, group=group, title="Idée", kind="local"
    )
    with pytest.raises(SteeringError, match="Cette proposition est « brouillon »"):
        governance_actions.accept_proposal(
            actor=coordinator,
            proposal=proposal,
            plan_version=version,
            lead_partner=organisation,
            axis=axis,
        )
    assert not PlanAction.objects.exists()


def test_declining_needs_a_reason(coordinator, group, copil):
    proposal = governance_actions.create_proposal(
        actor=coordinator, group=group, title="Idée", kind="event"
    )
    governance_actions.submit_proposal(actor=coordinator, proposal=proposal, committee=copil)
    with pytest.raises(SteeringError, match="pourquoi"):
        governance_actions.decline_proposal(actor=coordinator, proposal=proposal, reason=" ")
    declined = governance_actions.decline_proposal(
        actor=coordinator, proposal=proposal, reason="Déjà couvert par l'axe 1."
    )
    assert declined.status == ProposalStatus.DECLINED
    assert declined.decline_reason == "Déjà couvert par l'axe 1."


def test_a_meeting_keeps_its_minutes(coordinator, copil):
    minutes = SimpleUploadedFile("cr copil.pdf", PDF, content_type="application/pdf")
    meeting = sf.meeting(coordinator, copil, minutes=minutes)
    assert (
        meeting.minutes.name.startswith("steering/minutes/")
        and meeting.minutes_name == "cr copil.pdf"
    )
    assert "cr copil" not in meeting.minutes.name
    with meeting.minutes.open("rb") as stored:
        assert stored.read() == PDF


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "vide"),
        (b"<html>pas un compte rendu</html>", "PDF, ODT ou DOCX"),
        (b"%PDF-" + bytes(rules.MAX_MINUTES_BYTES), "dépasse 10 Mo"),
    ],
)
def test_bad_minutes_are_refused(coordinator, copil, content, message):
    with pytest.raises(SteeringError, match=message):
        sf.meeting(coordinator, copil, minutes=SimpleUploadedFile("cr.pdf", content))
    assert not Meeting.objects.exists()


def test_replacing_minutes_deletes_the_old_file(
    coordinator, copil, django_capture_on_commit_callbacks
):
    meeting = sf.meeting(coordinator, copil, minutes=SimpleUploadedFile("a.pdf", PDF))
    old = meeting.minutes.name
    with django_capture_on_commit_callbacks(execute=True):
        governance_actions.attach_minutes(
            actor=coordinator, meeting=meeting, minutes=SimpleUploadedFile("b.odt", odt())
        )
    meeting.refresh_from_db()
    assert meeting.minutes.name.endswith(".odt") and not meeting.minutes.storage.exists(old)


def test_a_decision_links_the_actions_it_changes(coordinator, copil, action):
    meeting = sf.meeting(coordinator, copil)
    decision = governance_actions.record_decision(
        actor=coordinator,
        meeting=meeting,
        text="Ordi'Pratique s'étend à Échirolles.",
        kind="change_actions",
        actions=[action],
    )
    assert list(decision.actions.all()) == [action]
    assert list(action.decisions.all()) == [decision]
    with pytest.raises(SteeringError, match="Approuver le plan"):
        governance_actions.record_decision(
            actor=coordinator, meeting=meeting, text="x", kind="approve_plan"
        )
    assert Decision.objects.count() == 1


def test_group_members_come_and_go(coordinator, group):
    user = factories.UserFactory()
    governance_actions.add_group_member(actor=coordinator, group=group, user=user)
    with pytest.raises(SteeringError, match="fait déjà partie"):
        governance_actions.add_group_member(actor=coordinator, group=group, user=user)
    governance_actions.remove_group_member(actor=coordinator, group=group, user=user)
    assert not group.members.exists()
    events = JournalEntry.objects.filter(event__startswith="steering_group_member")
    assert events.count() == 2


def test_a_role_has_exactly_the_scope_of_its_kind(coordinator, programme, grenoble, group):
    user = factories.UserFactory()
    with pytest.raises(SteeringError, match="la commune"):
        governance_actions.grant_role(
            actor=coordinator, programme=programme, user=user, kind="local_referent"
        )
    with pytest.raises(SteeringError, match="la commune"):
        governance_actions.grant_role(
            actor=coordinator,
            programme=programme,
            user=user,
            kind="local_referent",
            commune=grenoble,
            group=group,
        )
    role = governance_actions.grant_role(
        actor=coordinator, programme=programme, user=user, kind="local_referent", commune=grenoble
    )
    with pytest.raises(SteeringError, match="a déjà ce rôle"):
        governance_actions.grant_role(
            actor=coordinator,
            programme=programme,
            user=user,
            kind="local_referent",
            commune=grenoble,
        )
    governance_actions.revoke_role(actor=coordinator, role=role)
    assert not SteeringRole.objects.filter(user=user).exists()
    assert JournalEntry.objects.filter(event="steering_role_revoked").exists()


def test_a_role_stays_in_the_programmes_territory(coordinator, programme, db):
    other = factories.TerritoryFactory(slug="loin", siren="200000777")
    commune = factories.CommuneFactory(insee_code="73065", territory=other)
    with pytest.raises(SteeringError, match="programme du territoire"):
        governance_actions.grant_role(
            actor=coordinator,
            programme=programme,
            user=factories.UserFactory(),
            kind="local_referent",
            commune=commune,
        )


def test_the_meeting_date_is_kept(coordinator, copil):
    assert sf.meeting(coordinator, copil, held_on=dt.date(2017, 11, 3)).held_on == dt.date(
        2017, 11, 3
    )

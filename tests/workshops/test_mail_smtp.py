"""A moved or cancelled session tells every enrolled person's prescriber and the organiser,
through a real SMTP conversation with a local server (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import re

import pytest

from aiguillage.sms import is_gsm7
from aiguillage.workshops import actions, enrolment_actions, rules
from tests import factories
from tests.workshops import factories as wf

pytestmark = pytest.mark.django_db


def _messages(server) -> dict[str, email.message.EmailMessage]:
    out = {}
    for envelope in server.envelopes:
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        out[envelope.rcpt_tos[0]] = message
    return out


@pytest.fixture
def enrolled(owner, organisation, session, social_worker, social_organisation, person):
    """Fatima (followed by the social service) and Ali (by the organiser) in the session."""
    enrolment_actions.enrol_person(
        actor=social_worker, target=session, person=person,
        prescriber_organisation=social_organisation,
    )  # fmt: skip
    wf.enrol(owner, organisation, session, "Ali")
    return session


def test_a_move_reaches_each_prescriber_and_the_organiser_with_an_sms_text(
    smtp_server, settings, owner, colleague_read_only, social_worker, enrolled, territory,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.SITE_URL = "https://aiguillage.example"
    facilitator_free = enrolled
    with django_capture_on_commit_callbacks(execute=True):
        actions.move_session(
            actor=owner, session=facilitator_free, starts_at=wf.local(territory, 16, 9),
            ends_at=wf.local(territory, 16, 11), place=facilitator_free.place,
        )  # fmt: skip
    messages = _messages(smtp_server)
    # The organiser is the session's author; the prescriber is who enrolled the person.
    assert set(messages) == {owner.email, social_worker.email}
    to_prescriber = messages[social_worker.email]
    assert str(to_prescriber["Subject"]).strip() == "Séance déplacée : Premiers pas sur ordinateur"
    body = to_prescriber.get_content().replace("\r\n", "\n")
    assert "Vous y avez inscrit Fatima." in body
    assert "Ali" not in body  # another structure's participant
    assert "Benali" not in body and "06 12" not in body
    assert "est déplacée au" in body
    sms = body.split("Texte à envoyer par SMS aux participants :\n", 1)[1].split("\n", 1)[0]
    assert rules.septets(sms) <= rules.SMS_MAX_SEPTETS
    assert is_gsm7(sms)
    link = re.search(r"https://aiguillage\.example(/espace/ateliers/seances/[\w-]+/)", body)
    assert link and link.group(1).endswith(f"{enrolled.public_id}/")
    to_organiser = messages[owner.email].get_content()
    assert "2 personnes inscrites" in to_organiser and "Fatima" in to_organiser


def test_a_cancellation_says_so_with_the_reason(
    smtp_server, owner, social_worker, enrolled, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.cancel_session(actor=owner, session=enrolled, reason="Salle inondée")
    messages = _messages(smtp_server)
    assert set(messages) == {owner.email, social_worker.email}
    body = messages[social_worker.email].get_content()
    assert str(messages[social_worker.email]["Subject"]).strip().startswith("Séance annulée : ")
    assert "est annulée." in body and "Motif : Salle inondée" in body


def test_a_prescriber_who_left_is_replaced_by_the_structure_s_managers(
    smtp_server, owner, social_organisation, social_worker, enrolled,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    manager = factories.MembershipFactory(organisation=social_organisation, manager=True).user
    social_worker.memberships.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        actions.cancel_session(actor=owner, session=enrolled)
    assert set(_messages(smtp_server)) == {owner.email, manager.email}


def test_facilitators_are_told_too(
    smtp_server, owner, colleague_read_only, organisation, django_capture_on_commit_callbacks
):
    session = wf.session(owner, organisation, facilitators=[colleague_read_only])
    with django_capture_on_commit_callbacks(execute=True):
        actions.cancel_session(actor=owner, session=session)
    messages = _messages(smtp_server)
    assert set(messages) == {owner.email, colleague_read_only.email}
    assert "Personne n'était inscrit." in messages[owner.email].get_content()

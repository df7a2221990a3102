"""Referral e-mails through a real SMTP conversation with a local server (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import re

import pytest

from aiguillage.referrals import actions
from aiguillage.referrals.actions import send_referral

pytestmark = pytest.mark.django_db


def _message(envelope):
    return email.message_from_bytes(envelope.original_content, policy=email.policy.default)


def test_arrival_reaches_every_member_with_a_login_link_and_only_a_first_name(
    smtp_server, settings, client, owner, colleague_read_only, social_worker,
    sender_organisation, person, place, django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.SITE_URL = "https://aiguillage.example"
    with django_capture_on_commit_callbacks(execute=True):
        referral = send_referral(
            actor=social_worker,
            organisation=sender_organisation,
            person=person,
            place=place,
            values={"needs": ["demarche"], "procedure_name": "Titre de séjour"},
            message="Situation administrative compliquée, parle arabe.",
        )

    assert sorted(e.rcpt_tos[0] for e in smtp_server.envelopes) == sorted(
        [owner.email, colleague_read_only.email]
    )
    message = _message(smtp_server.envelopes[0])
    subject = str(message["Subject"]).strip()
    assert subject == "Nouvelle orientation vers Médiathèque Kateb Yacine"
    body = message.get_content()
    assert "CCAS de test vous oriente Fatima vers « Médiathèque Kateb Yacine »" in body
    for private in ("Benali", "Titre de séjour", "Situation administrative", "06 12"):
        assert private not in body and private not in subject
    link = re.search(r"https://aiguillage\.example(/espace/orientations/[\w-]+/)", body)
    assert link is not None and link.group(1).endswith(f"{referral.public_id}/")
    # The link needs a login: anonymous visitors are sent to the login page.
    response = client.get(link.group(1))
    assert response.status_code == 302
    assert "/connexion/" in response["Location"]


def test_the_sender_learns_each_change_by_e_mail(
    smtp_server, referral, owner, social_worker, django_capture_on_commit_callbacks
):
    smtp_server.envelopes.clear()
    organisation = referral.receiver_organisation
    with django_capture_on_commit_callbacks(execute=True):
        actions.accept_referral(
            referral=referral, actor=owner, organisation=organisation, version=0,
            come_hours="mardi",
        )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        actions.record_came(referral=referral, actor=owner, organisation=organisation, version=1)

    subjects = [str(_message(e)["Subject"]).strip() for e in smtp_server.envelopes]
    assert subjects == [
        "Orientation vers Médiathèque Kateb Yacine : acceptée",
        "Orientation vers Médiathèque Kateb Yacine : personne venue",
    ]
    assert all(e.rcpt_tos == [social_worker.email] for e in smtp_server.envelopes)
    body = _message(smtp_server.envelopes[1]).get_content()
    assert "Médiathèque du centre a mis à jour l'orientation de Fatima" in body
    assert "Benali" not in body

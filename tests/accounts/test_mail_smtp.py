"""The invitation e-mail through a real SMTP conversation with a local server (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import re

import pytest

from aiguillage.accounts import actions
from aiguillage.accounts.models import Role

pytestmark = pytest.mark.django_db


def test_invitation_reaches_a_real_smtp_server(
    smtp_server, owner, organisation, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://aiguillage.example"
    settings.DEFAULT_FROM_EMAIL = "Aiguillage <ne-pas-repondre@aiguillage.localhost>"
    owner.first_name, owner.last_name = "Nadia", "Bensaïd"
    owner.save()

    with django_capture_on_commit_callbacks(execute=True):
        invitation = actions.invite_colleague(
            organisation=organisation, email="Ines.Martin@Exemple.fr", role=Role.MEMBER, actor=owner
        )

    assert len(smtp_server.envelopes) == 1
    envelope = smtp_server.envelopes[0]
    assert envelope.rcpt_tos == ["ines.martin@exemple.fr"]
    assert envelope.mail_from == "ne-pas-repondre@aiguillage.localhost"
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    # Python folds the long encoded subject onto the next line; clients trim the fold.
    subject = str(message["Subject"]).strip()
    assert subject == "Nadia vous invite à rejoindre « Médiathèque du centre » sur Aiguillage"
    # No personal data in the subject beyond the inviter's first name.
    assert "Bensaïd" not in subject
    assert "ines" not in subject.lower()
    body = message.get_content()
    link = re.search(r"https://aiguillage\.example/invitation/([\w-]+)/", body)
    assert link is not None
    assert link.group(1) == invitation.token

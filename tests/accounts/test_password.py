"""Password reset by e-mail (Django's views, French pages) and password change."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_password_reset_sends_a_french_email_with_a_working_link(client, mailoutbox):
    user = factories.UserFactory(email="hugo@exemple.fr")

    response = client.post(reverse("accounts:password_reset"), {"email": "Hugo@Exemple.fr"})

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["hugo@exemple.fr"]
    assert message.subject == "Choisir un nouveau mot de passe Aiguillage"
    link = re.search(r"http://testserver(/mot-de-passe/nouveau/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert "Choisir un nouveau mot de passe" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Une-phrase-longue-2026", "new_password2": "Une-phrase-longue-2026"},
    )
    assert done.status_code == 302
    assert done.url == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("Une-phrase-longue-2026")


def test_password_reset_for_an_unknown_address_sends_nothing_but_says_the_same(client, mailoutbox):
    response = client.post(
        reverse("accounts:password_reset"), {"email": "inconnu@exemple.fr"}, follow=True
    )

    assert mailoutbox == []
    assert "Vérifiez vos e-mails" in response.content.decode()


def test_password_reset_link_used_twice_is_refused_in_french(client, mailoutbox):
    factories.UserFactory(email="hugo@exemple.fr")
    client.post(reverse("accounts:password_reset"), {"email": "hugo@exemple.fr"})
    link = re.search(r"http://testserver(/mot-de-passe/nouveau/\S+/)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Une-phrase-longue-2026", "new_password2": "Une-phrase-longue-2026"},
    )

    again = client.get(link, follow=True)

    assert "Ce lien n'est plus valable" in again.content.decode()


def test_logged_in_user_changes_their_password(client):
    user = factories.UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "motdepasse-test",
            "new_password1": "Autre-phrase-longue-2026",
            "new_password2": "Autre-phrase-longue-2026",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Autre-phrase-longue-2026")

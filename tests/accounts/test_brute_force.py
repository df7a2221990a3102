"""Brute force (issue 11): repeated wrong passwords lock the account and the address for a
while, with a French page; reset links to one address are limited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories

PASSWORD = "un-mot-de-passe-solide-2026"


@pytest.fixture
def member(db, settings):
    settings.AXES_FAILURE_LIMIT = 5
    user = factories.UserFactory(email="nadia@exemple.fr")
    user.set_password(PASSWORD)
    user.save()
    return user


def _login(client, email, password, address="203.0.113.7"):
    return client.post(
        reverse("accounts:login"),
        {"username": email, "password": password},
        REMOTE_ADDR=address,
    )


def test_the_right_password_is_refused_after_too_many_wrong_ones(client, member):
    for _ in range(4):
        assert _login(client, member.email, "mauvais").status_code == 200
    assert _login(client, member.email, "mauvais").status_code == 429  # the fifth locks
    response = _login(client, member.email, PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Connexion bloquée pour un moment" in page and "15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_the_account_stays_locked_from_another_address(client, member):
    for _ in range(5):
        _login(client, "NADIA@exemple.fr", "mauvais", address="203.0.113.7")
    assert _login(client, member.email, PASSWORD, address="198.51.100.9").status_code == 429


def test_an_address_trying_many_accounts_is_locked(client, member):
    for index in range(5):
        _login(client, f"inconnu{index}@exemple.fr", "mauvais", address="203.0.113.8")
    assert _login(client, member.email, PASSWORD, address="203.0.113.8").status_code == 429
    # Someone else, elsewhere, logs in as usual.
    assert _login(client, member.email, PASSWORD, address="198.51.100.9").status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(client, member):
    for _ in range(4):
        _login(client, member.email, "mauvais")
    assert _login(client, member.email, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, member.email, "mauvais")
    assert _login(client, member.email, PASSWORD).status_code == 302


def test_the_client_address_is_the_one_the_proxy_added(client, member, settings):
    settings.PROXY_COUNT = 1
    for index in range(5):
        # A forged first entry changes nothing: the proxy's own entry is the one counted.
        client.post(
            reverse("accounts:login"),
            {"username": f"x{index}@exemple.fr", "password": "mauvais"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{index}, 203.0.113.9",
        )
    locked = client.post(
        reverse("accounts:login"),
        {"username": member.email, "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert locked.status_code == 429
    elsewhere = client.post(
        reverse("accounts:login"),
        {"username": member.email, "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert elsewhere.status_code == 302


def test_reset_links_to_one_address_are_limited(client, member, settings, mailoutbox):
    settings.PASSWORD_RESETS_PER_HOUR = 3
    for _ in range(6):
        response = client.post(reverse("accounts:password_reset"), {"email": member.email})
        assert response.status_code == 302  # the same answer every time
    assert [message.to for message in mailoutbox] == [[member.email]] * 3

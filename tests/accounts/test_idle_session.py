"""A session left unused ends; pages seen while logged in are never stored by browsers."""

from __future__ import annotations

import time

from django.urls import reverse

from aiguillage.accounts.middleware import IDLE_KEY


def _age_session(client, seconds: int) -> None:
    session = client.session
    session[IDLE_KEY] = int(time.time()) - seconds
    session.save()


def test_a_session_unused_too_long_asks_to_log_in_again_and_says_why(client, owner, settings):
    settings.SESSION_IDLE_MINUTES = 60
    client.force_login(owner)
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    _age_session(client, 61 * 60)
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert "inactif=1" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "sans activité" in page
    # Logged out for good: the next page asks again.
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_a_session_in_use_stays_open(client, owner, settings):
    settings.SESSION_IDLE_MINUTES = 60
    client.force_login(owner)
    _age_session(client, 59 * 60)
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    # The visit moved the clock: another 59 minutes are allowed from now.
    assert int(time.time()) - client.session[IDLE_KEY] < 5


def test_pages_seen_logged_in_are_not_stored(client, owner):
    client.force_login(owner)
    response = client.get(reverse("accounts:dashboard"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_public_pages_may_be_cached(client, db):
    response = client.get(reverse("places:search"))
    assert "no-store" not in response.get("Cache-Control", "")

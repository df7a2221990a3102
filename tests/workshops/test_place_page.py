"""A place's public page lists its coming, published workshops (and nothing about people)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiguillage.workshops.models import Session
from tests.workshops import factories as wf

pytestmark = pytest.mark.django_db


def _page(client, place) -> str:
    return client.get(reverse("places:place_detail", args=[place.public_id])).content.decode()


def test_the_place_page_shows_its_coming_sessions_to_the_public(client, owner, organisation, place):
    wf.session(owner, organisation, place=place, title="Premiers pas sur tablette")
    wf.enrol(owner, organisation, Session.objects.get(), "Zoubida")

    page = _page(client, place)

    assert "Ateliers à venir" in page
    assert "Premiers pas sur tablette" in page
    assert reverse("workshops:place_ics", args=[place.public_id]) in page
    assert "Zoubida" not in page


def test_past_cancelled_and_unpublished_sessions_are_left_out(client, owner, organisation, place):
    past = wf.session(owner, organisation, place=place, title="Déjà passée")
    wf.shift_to_past([past])
    hidden = wf.session(owner, organisation, place=place, title="Pas publiée")
    Session.objects.filter(pk=hidden.pk).update(is_published=False)

    page = _page(client, place)

    assert "Déjà passée" not in page and "Pas publiée" not in page
    assert "Ateliers à venir" not in page

"""Only the sending and receiving structures see a referral and its person; the other side
gets 403 for what it may not do; the territory's flows are for its coordinators."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiguillage.journal.models import JournalEntry
from tests import factories

PERSONAL_PAGES = ["referral_detail", "referral_print"]
ANSWERS = [
    ("referral_accept", {"accept-version": 0, "accept-mode": "horaires", "accept-come_hours": "x"}),
    ("referral_decline", {"decline-version": 0, "decline-reason": "complet"}),
    ("referral_came", {"came-version": 0}),
    ("referral_no_show", {"no_show-version": 0}),
    ("referral_done", {"done-version": 0, "done-activities": ["email"]}),
]


def _url(name, referral):
    return reverse(f"referrals:{name}", args=[referral.public_id])


def _sending_urls(referral):
    person, place = referral.person.public_id, referral.place.public_id
    return [
        reverse("referrals:referral_need", args=[person]),
        reverse("referrals:referral_matches", args=[person]),
        reverse("referrals:referral_confirm", args=[person, place]),
    ]


@pytest.mark.parametrize("who", ["outsider", "coordinator", "staff"])
def test_others_get_404_on_every_page_that_shows_the_person(client, referral, request, who):
    client.force_login(request.getfixturevalue(who))
    urls = [_url(name, referral) for name in PERSONAL_PAGES]
    urls += [_url("referral_redirect", referral), *_sending_urls(referral)]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for name, data in [*ANSWERS, ("referral_cancel", {"cancel-version": 0})]:
        assert client.post(_url(name, referral), data).status_code == 404, name
    referral.refresh_from_db()
    assert referral.status == "sent"


@pytest.mark.parametrize("who", ["owner", "colleague_read_only", "social_worker"])
def test_both_structures_see_the_referral_and_the_access_is_journaled(
    client, referral, request, who
):
    client.force_login(request.getfixturevalue(who))
    for name in PERSONAL_PAGES:
        assert client.get(_url(name, referral)).status_code == 200
    entry = JournalEntry.objects.filter(event="referral_accessed").latest("id")
    assert entry.object_id == str(referral.public_id)


@pytest.mark.parametrize(("name", "data"), ANSWERS)
def test_the_sender_gets_403_on_answers(client, social_worker, referral, name, data):
    client.force_login(social_worker)
    assert client.post(_url(name, referral), data).status_code == 403
    assert client.get(_url("referral_redirect", referral)).status_code == 403


def test_the_receiver_gets_403_on_cancel(client, colleague_read_only, referral):
    client.force_login(colleague_read_only)
    response = client.post(_url("referral_cancel", referral), {"cancel-version": 0})
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_a_plain_member_of_the_receiver_may_answer(client, colleague_read_only, referral):
    client.force_login(colleague_read_only)
    response = client.post(
        _url("referral_decline", referral), {"decline-version": 0, "decline-reason": "complet"}
    )
    assert response.status_code == 302


def test_the_receiver_cannot_start_a_referral_for_someone_else_s_person(client, outsider, person):
    client.force_login(outsider)
    url = reverse("referrals:referral_need", args=[person.public_id])
    assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, referral):
    for url in [_url("referral_detail", referral), reverse("referrals:referral_list")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_lists_show_only_the_structure_s_referrals(client, outsider, referral):
    client.force_login(outsider)
    for view in ("recues", "envoyees"):
        page = client.get(reverse("referrals:referral_list"), {"vue": view, "statut": "toutes"})
        assert "Fatima" not in page.content.decode()


def test_stats_are_for_the_territory_s_coordinators(
    client, coordinator, staff, owner, referral, territory
):
    url = reverse("referrals:referral_stats", args=[territory.slug])
    for user, status in ((coordinator, 200), (staff, 200), (owner, 403)):
        client.force_login(user)
        assert client.get(url).status_code == status
    elsewhere = factories.MembershipFactory(
        organisation=factories.OrganisationFactory(territory=factories.TerritoryFactory())
    ).user
    client.force_login(elsewhere)
    assert client.get(url).status_code == 404
    assert client.get(url.replace(territory.slug, "inconnu")).status_code == 404


def test_stats_never_show_a_person(client, coordinator, referral, territory):
    client.force_login(coordinator)
    page = client.get(reverse("referrals:referral_stats", args=[territory.slug])).content.decode()
    csv = client.get(reverse("referrals:referral_stats_csv", args=[territory.slug]))
    for text in (page, csv.content.decode("utf-8")):
        assert "Fatima" not in text and "Benali" not in text and "CAF" not in text

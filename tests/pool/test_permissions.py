"""Every pool page: anonymous visitors go to the login page, structures of another
territory get 404, who sees but may not act gets 403 (as in the workshops)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from aiguillage.pool.models import Booking, BookingStatus, Item

S = BookingStatus
ITEM_PAGES = ["pool:item_detail", "pool:booking_request", "pool:item_edit"]
BOOKING_PAGES = ["pool:booking_detail"]
BOOKING_POSTS = [
    "pool:booking_approve",
    "pool:booking_decline",
    "pool:booking_cancel",
    "pool:booking_check_out",
    "pool:booking_return",
]
LISTS = ["pool:catalogue", "pool:my_items", "pool:my_bookings", "pool:item_create"]


def _url(name, item, booking, territory) -> str:
    if name in ITEM_PAGES or name in ("pool:item_withdraw", "pool:item_photo"):
        return reverse(name, args=[item.public_id])
    if name in BOOKING_PAGES or name in BOOKING_POSTS:
        return reverse(name, args=[booking.public_id])
    if name == "pool:territory_bookings":
        return reverse(name, args=[territory.slug])
    return reverse(name)


ALL = [*LISTS, *ITEM_PAGES, *BOOKING_PAGES, "pool:territory_bookings"]
POSTS = [*BOOKING_POSTS, "pool:item_withdraw"]


@pytest.mark.parametrize("name", ALL + POSTS)
def test_anonymous_visitors_are_sent_to_login(client, item, booking, territory, name):
    url = _url(name, item, booking, territory)
    response = client.post(url) if name in POSTS else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


@pytest.mark.parametrize("name", [*ITEM_PAGES, *BOOKING_PAGES, *POSTS])
def test_a_structure_of_another_territory_gets_404(
    client, stranger, item, booking, territory, name
):
    client.force_login(stranger)
    url = _url(name, item, booking, territory)
    response = client.post(url) if name in POSTS else client.get(url)
    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == S.REQUESTED and Item.objects.get(pk=item.pk).withdrawn_at is None


def test_a_structure_of_the_territory_not_in_the_loan_gets_404_on_the_booking(
    client, territory, booking
):
    from tests import factories

    third = factories.MembershipFactory(
        organisation=factories.OrganisationFactory(name="Tiers", territory=territory)
    ).user
    client.force_login(third)
    assert client.get(_url("pool:booking_detail", None, booking, territory)).status_code == 404
    assert client.post(_url("pool:booking_cancel", None, booking, territory)).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "pool:booking_approve",
        "pool:booking_decline",
        "pool:booking_check_out",
        "pool:booking_return",
    ],
)
def test_the_borrower_gets_403_on_the_owners_moves(client, borrower, booking, territory, name):
    client.force_login(borrower)
    assert client.post(_url(name, None, booking, territory)).status_code == 403
    booking.refresh_from_db()
    assert booking.status == S.REQUESTED


@pytest.mark.parametrize("name", ["pool:item_edit", "pool:item_withdraw"])
def test_a_borrower_gets_403_on_editing_the_item(client, borrower, item, booking, territory, name):
    client.force_login(borrower)
    url = _url(name, item, booking, territory)
    response = client.post(url) if name in POSTS else client.get(url)
    assert response.status_code == 403


def test_the_coordinator_reads_the_catalogue_and_bookings_but_acts_on_nothing(
    client, coordinator, item, booking, territory
):
    client.force_login(coordinator)
    for name in [
        "pool:catalogue",
        "pool:item_detail",
        "pool:booking_detail",
        "pool:territory_bookings",
    ]:
        assert client.get(_url(name, item, booking, territory)).status_code == 200, name
    for name in [*BOOKING_POSTS]:
        assert client.post(_url(name, item, booking, territory)).status_code == 403, name
    for name in ["pool:booking_request", "pool:item_edit", "pool:my_items", "pool:my_bookings"]:
        assert client.get(_url(name, item, booking, territory)).status_code == 403, name
    booking.refresh_from_db()
    assert booking.status == S.REQUESTED


def test_a_member_gets_403_on_the_territory_bookings(client, borrower, territory):
    client.force_login(borrower)
    assert client.get(reverse("pool:territory_bookings", args=[territory.slug])).status_code == 403


def test_a_withdrawn_item_is_hidden_from_others_but_not_from_its_owner(
    client, owner, borrower, item, territory
):
    from aiguillage.pool.actions import withdraw_item

    withdraw_item(actor=owner, item=item)
    url = reverse("pool:item_detail", args=[item.public_id])
    client.force_login(borrower)
    assert client.get(url).status_code == 404
    client.force_login(owner)
    assert client.get(url).status_code == 200


def test_a_bad_public_id_is_404(client, owner):
    client.force_login(owner)
    url = reverse("pool:item_detail", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404


def test_a_get_on_a_move_is_405(client, owner, booking):
    client.force_login(owner)
    assert client.get(reverse("pool:booking_approve", args=[booking.public_id])).status_code == 405
    assert Booking.objects.get(pk=booking.pk).status == S.REQUESTED

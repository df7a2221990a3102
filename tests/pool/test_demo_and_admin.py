"""The demo's pool (every state, through the actions, marked demo, idempotent) and the
read-only admin."""

from __future__ import annotations

from django.urls import reverse

from aiguillage.demo.pool import seed_pool
from aiguillage.pool.models import Booking, BookingStatus, Item
from tests import factories

S = BookingStatus


def test_the_demo_pool_has_loans_in_several_states_and_runs_twice(
    territory, organisation, other_organisation
):
    social = factories.OrganisationFactory(name="CCAS", territory=territory)
    for email, structure in [
        ("mediateur@demo.aiguillage.fr", organisation),
        ("responsable@demo.aiguillage.fr", other_organisation),
        ("travailleur.social@demo.aiguillage.fr", social),
    ]:
        factories.MembershipFactory(organisation=structure, user__email=email)

    assert seed_pool() is True
    assert seed_pool() is False

    assert Item.objects.count() == 4 and not Item.objects.filter(is_demo=False).exists()
    bookings = Booking.objects.all()
    assert sorted(bookings.values_list("status", flat=True)) == sorted(
        [S.REQUESTED, S.APPROVED, S.CHECKED_OUT, S.RETURNED]
    )
    assert all(b.is_demo and b.changes.exists() for b in bookings)
    assert bookings.get(status=S.CHECKED_OUT).is_late
    assert bookings.get(status=S.CHECKED_OUT).borrower_organisation == social
    assert bookings.get(status=S.RETURNED).missing_accessories == ["chargeur"]
    assert not bookings.get(status=S.APPROVED).is_late


def test_the_admin_shows_items_and_bookings_read_only(client, staff, booking):
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    listing = client.get(reverse("admin:pool_booking_changelist")).content.decode()
    assert str(booking.public_id) in listing
    assert client.get(reverse("admin:pool_booking_change", args=[booking.pk])).status_code == 200
    assert client.get(reverse("admin:pool_item_changelist")).status_code == 200
    assert client.get(reverse("admin:pool_item_add")).status_code == 403

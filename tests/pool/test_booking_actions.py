"""Requesting, answering, handing over and taking back, through the actions: each rule
refuses in French and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aiguillage.journal.models import JournalEntry
from aiguillage.pool import actions, booking_actions, rules
from aiguillage.pool.errors import PoolError
from aiguillage.pool.models import Booking, BookingStatus, BookingStatusChange, Item
from tests.pool import factories as pf

S = BookingStatus
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _request(actor, item, organisation, starts_at, ends_at):
    return booking_actions.request_booking(
        actor=actor, item=item, organisation=organisation, starts_at=starts_at, ends_at=ends_at
    )


def _refused(actor, item, organisation, starts_at, ends_at) -> str:
    before = (
        Booking.objects.count(),
        BookingStatusChange.objects.count(),
        JournalEntry.objects.count(),
    )
    with pytest.raises(PoolError) as refused:
        _request(actor, item, organisation, starts_at, ends_at)
    after = (
        Booking.objects.count(),
        BookingStatusChange.objects.count(),
        JournalEntry.objects.count(),
    )
    assert after == before
    return str(refused.value)


def test_a_request_is_recorded_with_its_history_and_journal(borrower, item, other_organisation):
    booking = pf.booking(borrower, item, other_organisation)
    assert booking.status == S.REQUESTED
    assert booking.owner_organisation_id == item.organisation_id
    assert booking.borrower_organisation == other_organisation
    change = booking.changes.get()
    assert (change.from_status, change.to_status, change.actor) == ("", S.REQUESTED, borrower)
    entry = JournalEntry.objects.get(event="pool_booking_requested")
    assert entry.object_id == str(booking.public_id)


def test_an_overlapping_request_is_refused_with_the_dates_in_french(
    borrower, item, other_organisation, territory
):
    pf.booking(borrower, item, other_organisation, days=3, length_days=2)
    message = _refused(
        borrower, item, other_organisation, pf.local(territory, 4, 9), pf.local(territory, 6, 9)
    )
    first = pf.local(territory, 3, 9)
    assert message.startswith("Cet objet est déjà réservé du ")
    assert f"{rules.DAYS[first.weekday()]} {first.day} {rules.MONTHS[first.month - 1]}" in message
    assert "à 9 h au" in message


def test_a_booking_may_start_when_the_previous_one_ends(borrower, item, other_organisation):
    first = pf.booking(borrower, item, other_organisation, days=3, length_days=2)
    second = _request(
        borrower, item, other_organisation, first.ends_at, first.ends_at + dt.timedelta(days=1)
    )
    assert second.status == S.REQUESTED


@pytest.mark.parametrize("end_status", [S.DECLINED, S.CANCELLED])
def test_a_closed_booking_frees_its_period(
    owner, organisation, borrower, item, other_organisation, end_status
):
    first = pf.booking(borrower, item, other_organisation)
    booking_actions.transition(first, to=end_status, actor=owner, organisation=organisation)
    again = _request(borrower, item, other_organisation, first.starts_at, first.ends_at)
    assert again.status == S.REQUESTED


def test_a_returned_booking_frees_its_period(
    owner, organisation, borrower, item, other_organisation
):
    first = pf.booking(borrower, item, other_organisation)
    booking_actions.approve_booking(actor=owner, booking=first, organisation=organisation)
    booking_actions.check_out_booking(
        actor=owner, booking=first, organisation=organisation, condition="bon"
    )
    booking_actions.return_booking(
        actor=owner, booking=first, organisation=organisation, condition="bon"
    )
    again = _request(
        borrower, item, other_organisation, first.starts_at + dt.timedelta(hours=1), first.ends_at
    )
    assert again.status == S.REQUESTED


@pytest.mark.parametrize(
    ("start", "length", "expected"),
    [
        (
            dt.timedelta(days=3),
            dt.timedelta(hours=-2),
            "La fin de la réservation est avant son début.",
        ),
        (dt.timedelta(days=3), dt.timedelta(0), "La réservation ne peut pas durer zéro minute"),
        (dt.timedelta(days=-1), dt.timedelta(days=2), "Le début de la réservation est déjà passé"),
        (
            dt.timedelta(days=3),
            dt.timedelta(days=90, minutes=1),
            "Une réservation dure au plus 90 jours.",
        ),
    ],
    ids=["ends_before_start", "zero_length", "in_the_past", "too_long"],
)
def test_a_bad_period_is_refused(borrower, item, other_organisation, start, length, expected):
    starts_at = timezone.now() + start
    assert expected in _refused(borrower, item, other_organisation, starts_at, starts_at + length)


def test_ninety_days_exactly_is_accepted(borrower, item, other_organisation):
    starts_at = timezone.now() + dt.timedelta(days=1)
    booking = _request(
        borrower, item, other_organisation, starts_at, starts_at + dt.timedelta(days=90)
    )
    assert booking.status == S.REQUESTED


def test_an_item_not_lent_now_cannot_be_booked(
    owner, borrower, item, other_organisation, territory
):
    values = pf.TABLETS | {"is_available_for_loan": False}
    actions.update_item(actor=owner, item=item, values=values)
    message = _refused(
        borrower, item, other_organisation, pf.local(territory, 3, 9), pf.local(territory, 4, 9)
    )
    assert message == "Cet objet n'est pas prêté en ce moment."


def test_a_withdrawn_item_cannot_be_booked(owner, borrower, item, other_organisation, territory):
    actions.withdraw_item(actor=owner, item=item)
    message = _refused(
        borrower, item, other_organisation, pf.local(territory, 3, 9), pf.local(territory, 4, 9)
    )
    assert message == "Cet objet n'est pas prêté en ce moment."


def test_a_structure_of_another_territory_cannot_book(stranger, item, territory):
    organisation = stranger.memberships.get().organisation
    message = _refused(
        stranger, item, organisation, pf.local(territory, 3, 9), pf.local(territory, 4, 9)
    )
    assert message == "Seules les structures du territoire de cet objet peuvent l'emprunter."


def test_the_owner_may_book_its_own_item_for_internal_use(owner, organisation, item):
    booking = pf.booking(owner, item, organisation)
    assert booking.borrower_organisation == booking.owner_organisation == organisation


def test_only_the_owner_approves(borrower, other_organisation, booking):
    with pytest.raises(PoolError, match="Seule la structure qui prête"):
        booking_actions.approve_booking(
            actor=borrower, booking=booking, organisation=other_organisation
        )
    booking.refresh_from_db()
    assert booking.status == S.REQUESTED


def test_a_third_structure_cannot_cancel(territory, booking):
    from tests import factories

    third = factories.OrganisationFactory(name="Tiers", territory=territory)
    with pytest.raises(PoolError, match="Seules les deux structures"):
        booking_actions.cancel_booking(actor=None, booking=booking, organisation=third)
    booking.refresh_from_db()
    assert booking.status == S.REQUESTED


def test_the_borrower_may_cancel(borrower, other_organisation, booking):
    cancelled = booking_actions.cancel_booking(
        actor=borrower, booking=booking, organisation=other_organisation, note="Atelier reporté"
    )
    assert cancelled.status == S.CANCELLED
    assert cancelled.changes.latest("id").note == "Atelier reporté"


def test_check_out_then_return_with_a_missing_charger(
    owner, organisation, borrower, other_organisation, item
):
    booking = pf.booking(borrower, item, other_organisation)
    booking_actions.approve_booking(actor=owner, booking=booking, organisation=organisation)
    out = booking_actions.check_out_booking(
        actor=owner,
        booking=booking,
        organisation=organisation,
        condition="bon",
        note="Valise complète",
    )
    assert (out.status, out.checkout_condition) == (S.CHECKED_OUT, "bon")
    assert out.checked_out_at is not None
    back = booking_actions.return_booking(
        actor=owner, booking=booking, organisation=organisation, condition="use",
        missing_accessories=["chargeur"], note="Une tablette rayée",
    )  # fmt: skip
    assert (back.status, back.return_condition, back.missing_accessories) == (
        S.RETURNED,
        "use",
        ["chargeur"],
    )
    assert back.return_note == "Une tablette rayée"
    assert Item.objects.get(pk=item.pk).condition == "use"
    assert JournalEntry.objects.get(event="pool_accessories_missing").data == {
        "missing": ["chargeur"]
    }
    assert [c.to_status for c in back.changes.all()] == [
        S.REQUESTED,
        S.APPROVED,
        S.CHECKED_OUT,
        S.RETURNED,
    ]


def test_an_accessory_the_item_does_not_have_is_refused(
    owner, organisation, borrower, other_organisation, item
):
    booking = pf.booking(borrower, item, other_organisation)
    booking_actions.approve_booking(actor=owner, booking=booking, organisation=organisation)
    booking_actions.check_out_booking(
        actor=owner, booking=booking, organisation=organisation, condition="bon"
    )
    with pytest.raises(PoolError, match="Accessoire inconnu pour cet objet : souris"):
        booking_actions.return_booking(
            actor=owner, booking=booking, organisation=organisation, condition="bon",
            missing_accessories=["souris"],
        )  # fmt: skip
    booking.refresh_from_db()
    assert booking.status == S.CHECKED_OUT


def test_no_check_out_once_the_period_is_over(owner, organisation, booking):
    booking_actions.approve_booking(actor=owner, booking=booking, organisation=organisation)
    with pytest.raises(PoolError, match="La période de cette réservation est passée"):
        booking_actions.check_out_booking(
            actor=owner, booking=booking, organisation=organisation, condition="bon",
            now=booking.ends_at,
        )  # fmt: skip
    booking.refresh_from_db()
    assert booking.status == S.APPROVED


def test_an_item_with_an_active_booking_cannot_be_withdrawn(owner, item, booking):
    with pytest.raises(PoolError, match="réservations en cours"):
        actions.withdraw_item(actor=owner, item=item)
    item.refresh_from_db()
    assert item.withdrawn_at is None and item.is_available_for_loan


def test_an_item_needs_a_known_category(owner, organisation):
    with pytest.raises(PoolError, match="catégorie"):
        actions.create_item(
            actor=owner, organisation=organisation, values=pf.TABLETS | {"category": "x"}
        )
    assert not Item.objects.exists()


def test_accessories_are_trimmed_and_deduplicated(owner, organisation):
    item = pf.item(owner, organisation, accessories=[" chargeur ", "Chargeur", "", "housse"])
    assert item.accessories == ["chargeur", "housse"]


def test_a_png_photo_is_kept_under_a_random_name(owner, organisation):
    photo = SimpleUploadedFile("../../mes tablettes.gif", PNG, content_type="image/gif")
    item = actions.create_item(
        actor=owner, organisation=organisation, values=pf.TABLETS, photo=photo
    )
    assert item.photo.name.startswith("pool/photos/") and item.photo.name.endswith(".png")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"GIF89a" + b"\x00" * 64, "La photo doit être une image JPEG ou PNG."),
        (PNG + b"\x00" * rules.MAX_PHOTO_BYTES, "La photo pèse plus de 2 Mo : réduisez-la."),
    ],
    ids=["not_an_image", "too_big"],
)
def test_a_bad_photo_is_refused(owner, organisation, content, expected):
    photo = SimpleUploadedFile("photo.png", content, content_type="image/png")
    with pytest.raises(PoolError) as refused:
        actions.create_item(actor=owner, organisation=organisation, values=pf.TABLETS, photo=photo)
    assert str(refused.value) == expected
    assert not Item.objects.exists()

"""The pool's pages through the test client: the catalogue with availability, an item's
month, asking, answering, handing over, returning, lists and their empty states."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aiguillage.pool import booking_actions
from aiguillage.pool.models import Booking, BookingStatus, Item
from tests.pool import factories as pf

S = BookingStatus
FORMAT = "%Y-%m-%dT%H:%M"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _text(response) -> str:
    return response.content.decode()


def test_the_catalogue_says_what_to_do_when_empty(client, owner):
    client.force_login(owner)
    text = _text(client.get(reverse("pool:catalogue")))
    assert "Aucune structure du territoire ne prête de matériel pour l'instant." in text
    assert reverse("pool:item_create") in text


def test_the_catalogue_lists_the_territory_items_with_their_availability(
    client, borrower, owner, organisation, item, booking, django_assert_max_num_queries
):
    pf.item(owner, organisation, name="Vidéoprojecteur Epson", category="projection")
    client.force_login(borrower)
    with django_assert_max_num_queries(12):
        text = _text(client.get(reverse("pool:catalogue")))
    assert "6 tablettes Android" in text and "Vidéoprojecteur Epson" in text
    assert "Libre maintenant" in text
    assert "Prochaine réservation : du " in text
    filtered = _text(client.get(reverse("pool:catalogue"), {"categorie": "projection"}))
    assert "Vidéoprojecteur Epson" in filtered and "6 tablettes Android" not in filtered


def test_the_catalogue_paginates(client, owner, organisation):
    for number in range(21):
        pf.item(owner, organisation, name=f"Clé 4G n° {number:02d}", category="connexion")
    client.force_login(owner)
    first = _text(client.get(reverse("pool:catalogue")))
    assert "Page 1 sur 2" in first and "Clé 4G n° 20" not in first
    assert "Clé 4G n° 20" in _text(client.get(reverse("pool:catalogue"), {"page": 2}))


def test_the_item_page_shows_free_and_booked_periods_of_the_month(
    client, borrower, item, booking, territory
):
    client.force_login(borrower)
    month = booking.starts_at.astimezone(territory.tz).strftime("%Y-%m")
    text = _text(client.get(reverse("pool:item_detail", args=[item.public_id]), {"mois": month}))
    assert text.count("<strong>Réservé</strong>") == 1
    assert "<strong>Libre</strong>" in text
    assert reverse("pool:booking_detail", args=[booking.public_id]) in text  # the borrower's own
    assert "Demander à l'emprunter" in text


def test_a_request_from_the_page_then_the_owner_accepts(client, borrower, owner, item, territory):
    client.force_login(borrower)
    url = reverse("pool:booking_request", args=[item.public_id])
    data = {
        "starts_at": pf.local(territory, 5, 9).strftime(FORMAT),
        "ends_at": pf.local(territory, 6, 17).strftime(FORMAT),
        "purpose": "Atelier",
    }
    response = client.post(url, data)
    booking = Booking.objects.get()
    assert response["Location"] == reverse("pool:booking_detail", args=[booking.public_id])
    assert booking.starts_at == pf.local(territory, 5, 9)
    client.force_login(owner)
    detail = _text(client.get(response["Location"]))
    assert "Accepter la demande" in detail and "Remettre l'objet" not in detail
    client.post(reverse("pool:booking_approve", args=[booking.public_id]), {"note": "OK"})
    assert Booking.objects.get().status == S.APPROVED


def test_an_overlapping_request_shows_the_french_error(client, borrower, item, booking, territory):
    client.force_login(borrower)
    data = {"starts_at": booking.starts_at.astimezone(territory.tz).strftime(FORMAT),
            "ends_at": booking.ends_at.astimezone(territory.tz).strftime(FORMAT)}  # fmt: skip
    response = client.post(reverse("pool:booking_request", args=[item.public_id]), data)
    assert response.status_code == 400
    assert "Cet objet est déjà réservé du " in _text(response)
    assert Booking.objects.count() == 1


def test_check_out_and_return_with_a_missing_accessory(client, owner, organisation, booking):
    booking_actions.approve_booking(actor=owner, booking=booking, organisation=organisation)
    client.force_login(owner)
    detail = _text(client.get(reverse("pool:booking_detail", args=[booking.public_id])))
    assert "Remettre l'objet" in detail
    client.post(reverse("pool:booking_check_out", args=[booking.public_id]), {"condition": "bon"})
    assert Booking.objects.get().status == S.CHECKED_OUT
    missing = client.post(reverse("pool:booking_return", args=[booking.public_id]), {})
    assert missing.status_code == 400 and "Ce champ est obligatoire." in _text(missing)
    client.post(
        reverse("pool:booking_return", args=[booking.public_id]),
        {"condition": "use", "missing": ["chargeur"], "note": "Rayure"},
    )
    back = Booking.objects.get()
    assert (back.status, back.missing_accessories) == (S.RETURNED, ["chargeur"])
    page = _text(client.get(reverse("pool:booking_detail", args=[booking.public_id])))
    assert "Accessoires manquants</dt><dd>chargeur" in page


def test_a_late_loan_is_flagged_in_the_lists(client, owner, organisation, borrower, booking):
    booking_actions.approve_booking(actor=owner, booking=booking, organisation=organisation)
    booking_actions.check_out_booking(
        actor=owner, booking=booking, organisation=organisation, condition="bon"
    )
    shift = booking.ends_at - (booking.ends_at.now(dt.UTC) - dt.timedelta(hours=1))
    Booking.objects.filter(pk=booking.pk).update(
        starts_at=booking.starts_at - shift, ends_at=booking.ends_at - shift
    )
    client.force_login(owner)
    assert "En retard" in _text(client.get(reverse("pool:my_items")))
    client.force_login(borrower)
    assert "En retard" in _text(client.get(reverse("pool:my_bookings")))


def test_my_lists_say_what_to_do_when_empty(client, borrower):
    client.force_login(borrower)
    assert "Votre structure ne prête encore rien." in _text(client.get(reverse("pool:my_items")))
    text = _text(client.get(reverse("pool:my_bookings")))
    assert "Votre structure n'emprunte rien en ce moment." in text


def test_creating_an_item_with_a_photo_then_seeing_it(client, owner, borrower):
    client.force_login(owner)
    photo = SimpleUploadedFile("valise.png", PNG, content_type="image/png")
    data = {"name": "Fablab mobile", "category": "fablab", "condition": "bon",
            "accessories": "imprimante 3D\nbobines, outils", "is_available_for_loan": "on",
            "photo": photo}  # fmt: skip
    response = client.post(reverse("pool:item_create"), data)
    item = Item.objects.get()
    assert response["Location"] == reverse("pool:item_detail", args=[item.public_id])
    assert item.accessories == ["imprimante 3D", "bobines", "outils"]
    client.force_login(borrower)
    served = client.get(reverse("pool:item_photo", args=[item.public_id]))
    assert served["Content-Type"] == "image/png"
    assert served.content == PNG


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.7", "La photo doit être une image JPEG ou PNG."),
        (PNG + b"\x00" * (2 * 1024 * 1024), "La photo pèse plus de 2 Mo"),
    ],  # fmt: skip
    ids=["not_an_image", "too_big"],
)
def test_a_bad_photo_is_refused_on_the_form(client, owner, content, expected):
    client.force_login(owner)
    photo = SimpleUploadedFile("photo.png", content, content_type="image/png")
    data = {"name": "Tablette", "category": "tablette", "condition": "bon", "photo": photo}
    response = client.post(reverse("pool:item_create"), data)
    assert response.status_code == 400
    assert expected in _text(response)
    assert not Item.objects.exists()


def test_editing_and_withdrawing_an_item(client, owner, item):
    client.force_login(owner)
    data = {"name": "5 tablettes", "category": "tablette", "condition": "use", "accessories": ""}
    client.post(reverse("pool:item_edit", args=[item.public_id]), data)
    item.refresh_from_db()
    assert (item.name, item.condition, item.is_available_for_loan) == ("5 tablettes", "use", False)
    client.post(reverse("pool:item_withdraw", args=[item.public_id]))
    item.refresh_from_db()
    assert item.withdrawn_at is not None


def test_the_navigation_links_the_pool(client, owner):
    client.force_login(owner)
    text = _text(client.get(reverse("accounts:dashboard")))
    assert f'href="{reverse("pool:catalogue")}"' in text and "Prêt de matériel" in text

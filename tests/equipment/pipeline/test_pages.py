"""The pipeline's pages for a partner: what they show, what they record, and the French
error on bad input with nothing changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from aiguillage.equipment import device_actions, exchange_actions
from aiguillage.equipment.models import Collection, Device, DeviceMove, Donor, Exchange
from aiguillage.journal.models import JournalEntry
from tests.equipment import factories as ef

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(client, partner):
    client.force_login(partner)
    return client


def _collection_post(donor, by, *, on="2026-03-02", lines=(("portable", "4", "HP"),), **extra):
    data = {
        "donor": donor.pk,
        "collected_on": on,
        "collected_by": by.pk,
        "notes": "",
        "lignes-TOTAL_FORMS": str(max(len(lines), 1)),
        "lignes-INITIAL_FORMS": "0",
    }
    for i, (kind, quantity, text) in enumerate(lines):
        data |= {
            f"lignes-{i}-item_type": kind,
            f"lignes-{i}-quantity": quantity,
            f"lignes-{i}-description": text,
        }
    return data | extra


# --- Collections --------------------------------------------------------------------------


def test_recording_a_collection_gives_the_next_receipt_number(
    logged, programme, donor, collection, collector_org
):
    url = reverse("equipment:collection_create", args=[programme.public_id])
    data = _collection_post(
        donor, collector_org, lines=[("portable", "4", "HP"), ("ecran", "2", "")]
    )
    response = logged.post(url, data, follow=True)
    assert response.status_code == 200
    made = Collection.objects.exclude(pk=collection.pk).get()
    assert made.receipt_number == "DON-2026-0002"
    assert sorted(made.items.values_list("item_type", "quantity")) == [
        ("ecran", 2),
        ("portable", 4),
    ]
    assert "reçu n° DON-2026-0002" in response.content.decode()
    assert JournalEntry.objects.filter(event="collection_recorded", object_id=str(made.public_id))


def test_add_a_line_without_script_keeps_what_was_typed(logged, programme, donor, collector_org):
    url = reverse("equipment:collection_create", args=[programme.public_id])
    data = _collection_post(donor, collector_org, lines=[("portable", "7", "Lenovo")])
    response = logged.post(url, data | {"ajouter_ligne": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and not Collection.objects.exists()
    assert 'name="lignes-TOTAL_FORMS" value="2"' in page
    assert 'value="Lenovo"' in page and 'name="lignes-1-item_type"' in page
    assert "error-summary" not in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"on": "2099-01-01"}, "ne peut pas être dans le futur"),
        ({"lines": [("portable", "0", "")]}, "au moins 1"),
        ({"lines": [("", "", "")]}, "au moins une ligne"),
        ({"lines": [("portable", "", "")]}, "Indiquez la quantité"),
    ],
)
def test_a_bad_collection_is_refused_in_french(
    logged, programme, donor, collector_org, change, message
):
    url = reverse("equipment:collection_create", args=[programme.public_id])
    response = logged.post(url, _collection_post(donor, collector_org, **change))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Collection.objects.exists()


def test_a_forged_collecting_partner_without_the_role_is_refused(
    logged, programme, donor, refurbisher_org
):
    url = reverse("equipment:collection_create", args=[programme.public_id])
    response = logged.post(url, _collection_post(donor, refurbisher_org))
    assert response.status_code == 400
    assert not Collection.objects.exists()


def test_collection_pages_count_items_and_devices(logged, programme, collection, device):
    listing = logged.get(reverse("equipment:collection_list", args=[programme.public_id]))
    row = listing.content.decode().split(collection.receipt_number)[1]
    assert "<td>5</td><td>1</td>" in row
    page = logged.get(reverse("equipment:collection_detail", args=[collection.public_id]))
    text = page.content.decode()
    assert reverse("equipment:collection_receipt", args=[collection.public_id]) in text
    assert reverse("equipment:device_detail", args=[device.public_id]) in text
    assert "Appareils enregistrés : 1 sur 5" in text


# --- Registering devices ------------------------------------------------------------------


def test_registering_devices_one_after_another(logged, collection):
    url = reverse("equipment:device_register", args=[collection.public_id])
    response = logged.post(url, {"device_type": "fixe", "serial_number": "ab 12"}, follow=True)
    page = response.content.decode()
    assert "Appareil enregistré (n° AB12)" in page
    # The form is back, empty, with the type kept for the next one.
    assert 'name="serial_number"' in page and 'value="AB12"' not in page
    assert 'value="fixe" id="id_device_type_1" required checked' in page
    assert "1 enregistré sur 5" in page
    device = Device.objects.get()
    assert device.collection == collection and device.received_on == collection.collected_on


def test_a_duplicate_serial_through_the_form_is_refused(logged, collection, device):
    url = reverse("equipment:device_register", args=[collection.public_id])
    response = logged.post(url, {"device_type": "portable", "serial_number": "5cg 0001"})
    assert response.status_code == 400
    assert "déjà enregistré dans ce programme" in response.content.decode()
    assert Device.objects.count() == 1


# --- A device's page and its one form -----------------------------------------------------


def _move(client, device, **data):
    return client.post(reverse("equipment:device_move", args=[device.public_id]), data)


def test_the_form_offers_only_the_moves_of_the_table_that_are_not_a_persons(
    logged, collection, partner
):
    ready = ef.ready_device(collection, user=partner, serial="R1")
    page = logged.get(reverse("equipment:device_detail", args=[ready.public_id])).content.decode()
    assert 'value="recycle"' in page
    assert 'value="reserve"' not in page and 'value="diagnostique"' not in page


def test_diagnosis_records_the_grade_and_corrects_the_specifications(logged, device):
    response = _move(
        logged,
        device,
        to="diagnostique",
        grade="B",
        device_type="portable",
        brand="HP",
        model_name="EliteBook 840 G3",
        serial_number="5CG0001",
        ram_gb="8",
    )
    assert response.status_code == 302
    device.refresh_from_db()
    assert (device.state, device.grade, device.model_name, device.ram_gb) == (
        "diagnostique",
        "B",
        "EliteBook 840 G3",
        8,
    )


def test_erasure_shows_in_the_history_with_its_certificate(logged, device, partner):
    device_actions.move(actor=partner, organisation=None, device=device, to="diagnostique")
    response = _move(
        logged,
        device,
        to="efface",
        erasure_method="nist_purge",
        erasure_certificate="ShredOS-2026-118",
        erased_on="2026-03-03",
    )
    assert response.status_code == 302
    page = logged.get(reverse("equipment:device_detail", args=[device.public_id])).content.decode()
    assert "ShredOS-2026-118" in page and "NIST 800-88" in page
    assert partner.display_name in page and "Médiathèque du centre" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"to": "efface", "erasure_method": "nist_purge"}, "certificat d&#x27;effacement"),
        ({"to": "pret"}, "ne peut pas devenir"),
        ({"to": "reserve"}, "depuis la page de la personne"),
        ({"to": "installe"}, "depuis la page de la personne"),
        ({"to": "inconnu"}, "n&#x27;existe pas"),
        ({"to": "recycle", "recycled_reason": "Écran cassé"}, "qui le recycle"),
    ],
)
def test_a_refused_move_says_why_and_changes_nothing(logged, device, partner, data, message):
    device_actions.move(actor=partner, organisation=None, device=device, to="diagnostique")
    moves = DeviceMove.objects.filter(device=device).count()
    response = _move(logged, device, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    device.refresh_from_db()
    assert device.state == "diagnostique" and device.erasure_certificate == ""
    assert DeviceMove.objects.filter(device=device).count() == moves


def test_a_reserved_device_shows_no_person(logged, collection, partner):
    ready = ef.ready_device(collection, user=partner, serial="R2")
    device_actions.move(
        actor=partner,
        organisation=None,
        device=ready,
        to="reserve",
        for_allocation=True,
        details=device_actions.MoveDetails(note="Pour Fatima Benali"),
    )
    page = logged.get(reverse("equipment:device_detail", args=[ready.public_id])).content.decode()
    assert "Réservé pour une personne" in page
    assert "Fatima" not in page
    assert 'name="to"' not in page  # nothing left for a device page to do
    # A forged release from the device page is refused too.
    assert _move(logged, ready, to="pret").status_code == 400
    ready.refresh_from_db()
    assert ready.state == "reserve"


# --- The list of devices ------------------------------------------------------------------


def test_device_list_filters_by_state_type_and_text_with_counts(
    logged, programme, collection, partner
):
    ef.device(collection, user=partner, serial="AAA1", brand="Dell", model_name="Latitude")
    ef.device(collection, user=partner, serial="BBB2", device_type="fixe", brand="HP")
    recycled = ef.device(collection, user=partner, serial="CCC3", brand="Dell")
    device_actions.move(
        actor=partner,
        organisation=None,
        device=recycled,
        to="recycle",
        details=device_actions.MoveDetails(recycled_reason="HS", recycler="Envie"),
    )
    url = reverse("equipment:device_list", args=[programme.public_id])
    page = logged.get(url).content.decode()
    assert 'Collecté <span class="chip-count">2</span>' in page
    assert 'Recyclé <span class="chip-count">1</span>' in page
    assert "3 appareils" in logged.get(url, {"etat": ""}).content.decode()
    assert "1 appareil<" in logged.get(url, {"etat": "recycle"}).content.decode()
    assert "1 appareil<" in logged.get(url, {"type": "fixe"}).content.decode()
    assert "2 appareils" in logged.get(url, {"q": "dell"}).content.decode()
    assert "1 appareil<" in logged.get(url, {"q": "aaa 1"}).content.decode()


def test_device_list_pages_by_25(logged, programme, collection, partner):
    for n in range(27):
        ef.device(collection, user=partner, serial=f"S{n:03d}")
    url = reverse("equipment:device_list", args=[programme.public_id])
    first = logged.get(url).content.decode()
    assert first.count('class="device-row"') == 25 and "Page 1 sur 2" in first
    assert logged.get(url, {"page": 2}).content.decode().count('class="device-row"') == 2


# --- Donors and contacts ------------------------------------------------------------------


def test_donor_create_edit_and_a_duplicate_name(logged, programme, donor):
    url = reverse("equipment:donor_create", args=[programme.public_id])
    response = logged.post(url, {"name": "Crédit Agricole des Savoie", "kind": "entreprise"})
    assert response.status_code == 302
    made = Donor.objects.get(name="Crédit Agricole des Savoie")
    duplicate = logged.post(url, {"name": "conseil  départemental", "kind": "entreprise"})
    assert duplicate.status_code == 400 and "existe déjà" in duplicate.content.decode()
    edit = reverse("equipment:donor_edit", args=[made.public_id])
    assert (
        logged.post(edit, {"name": made.name, "kind": "entreprise", "siret": "123"}).status_code
        == 400
    )
    logged.post(edit, {"name": made.name, "kind": "entreprise", "address": "Chambéry"})
    made.refresh_from_db()
    assert made.address == "Chambéry"


def test_contacts_are_added_corrected_and_removed(logged, donor):
    add = reverse("equipment:contact_create", args=[donor.public_id])
    refused = logged.post(add, {"name": "Claire Martin"})
    assert refused.status_code == 400 and "courriel ou un téléphone" in refused.content.decode()
    logged.post(add, {"name": "Claire Martin", "phone": "04 79 00 00 00"})
    contact = donor.contacts.get()
    edit = reverse("equipment:contact_edit", args=[donor.public_id, contact.pk])
    logged.post(edit, {"name": "Claire Martin", "role": "DSI", "phone": "04 79 00 00 00"})
    contact.refresh_from_db()
    assert contact.role == "DSI"
    assert (
        "DSI"
        in logged.get(reverse("equipment:donor_detail", args=[donor.public_id])).content.decode()
    )
    logged.post(edit, {"supprimer": "1"})
    assert not donor.contacts.exists()


# --- Exchanges ----------------------------------------------------------------------------


def test_exchanges_and_the_balance_per_refurbisher(logged, programme, refurbisher_org, partner):
    url = reverse("equipment:exchange_create", args=[programme.public_id])
    given = {
        "partner": refurbisher_org.pk,
        "direction": "donne",
        "on": "2026-02-01",
        "quantity": "10",
    }
    assert logged.post(url, given).status_code == 302
    received = given | {"direction": "recu", "quantity": "6"}
    response = logged.post(url, received)
    exchange = Exchange.objects.get(direction="recu")
    assert response["Location"] == reverse(
        "equipment:exchange_device_register", args=[exchange.public_id]
    )
    page = logged.get(
        reverse("equipment:exchange_list", args=[programme.public_id])
    ).content.decode()
    assert "<td>10</td><td>6</td><td>4 de plus remis</td>" in page
    register = reverse("equipment:exchange_device_register", args=[exchange.public_id])
    logged.post(register, {"device_type": "portable", "serial_number": "T1"})
    assert Device.objects.get().exchange == exchange


@pytest.mark.parametrize(
    ("change", "status"),
    [({"quantity": "0"}, 400), ({"on": "2099-01-01"}, 400), ({"direction": "autre"}, 400)],
)
def test_a_bad_exchange_is_refused(logged, programme, refurbisher_org, change, status):
    url = reverse("equipment:exchange_create", args=[programme.public_id])
    data = {
        "partner": refurbisher_org.pk,
        "direction": "donne",
        "on": "2026-02-01",
        "quantity": "3",
    }
    response = logged.post(url, data | change)
    assert response.status_code == status
    assert not Exchange.objects.exists()


def test_devices_are_registered_only_from_an_exchange_received(
    logged, programme, refurbisher_org, partner
):
    given = exchange_actions.record_exchange(
        actor=partner,
        programme=programme,
        partner=refurbisher_org,
        direction="donne",
        on=timezone.localdate() - dt.timedelta(days=1),
        quantity=2,
    )
    url = reverse("equipment:exchange_device_register", args=[given.public_id])
    assert logged.get(url).status_code == 404

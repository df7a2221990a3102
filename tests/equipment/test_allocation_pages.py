"""The allocation pages: the journey of the following structure, and what everyone else gets
(anonymous → login, a partner that does not follow the person → no name and 404 on the
detail, coordinator → 403 or 404 with no personal data, stranger → 404), and forged POSTs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from aiguillage.equipment.models import Allocation
from aiguillage.journal.models import JournalEntry
from tests.equipment import factories as ef

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(owner, organisation, programme, fatima):
    return ef.allocation(owner, organisation, programme, fatima)


def _url(name: str, obj) -> str:
    return reverse(f"equipment:{name}", args=[obj.public_id])


def _text(response) -> str:
    return response.content.decode()


PROGRAMME_PAGES = ["allocation_list", "allocation_request"]
ALLOCATION_PAGES = ["allocation_detail", "allocation_sign", "allocation_contract"]
ALLOCATION_POSTS = [
    "allocation_reserve", "allocation_release", "allocation_cancel", "allocation_hand_over",
    "allocation_sign", "allocation_appointment", "allocation_install",
]  # fmt: skip


# --- Who may see what -----------------------------------------------------------------------


@pytest.mark.parametrize("name", PROGRAMME_PAGES + ALLOCATION_PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, name, programme, waiting):
    target = programme if name in PROGRAMME_PAGES else waiting
    response = client.get(_url(name, target))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_following_structure_sees_the_list_with_names(client, owner, programme, waiting):
    client.force_login(owner)
    page = _text(client.get(_url("allocation_list", programme)))
    assert "Fatima" in page and "Benali" not in page
    assert _url("allocation_detail", waiting) in page
    assert JournalEntry.objects.filter(event="people_listed", actor=owner).exists()


def test_a_partner_that_does_not_follow_the_person_sees_no_name(
    client, outsider, programme, waiting
):
    client.force_login(outsider)
    page = _text(client.get(_url("allocation_list", programme)))
    assert "Personne suivie par Médiathèque du centre" in page
    assert "Fatima" not in page and _url("allocation_detail", waiting) not in page


@pytest.mark.parametrize("name", ALLOCATION_PAGES)
def test_a_partner_that_does_not_follow_the_person_gets_404_on_the_allocation(
    client, outsider, waiting, name
):
    client.force_login(outsider)
    assert client.get(_url(name, waiting)).status_code == 404


@pytest.mark.parametrize("name", ALLOCATION_POSTS)
def test_a_partner_that_does_not_follow_the_person_cannot_post(
    client, outsider, waiting, ready, name
):
    client.force_login(outsider)
    response = client.post(_url(name, waiting), {"device": str(ready.public_id), "signe": "oui"})
    assert response.status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == "attente" and waiting.device is None


def test_the_coordinator_reads_the_programme_but_no_person(client, coordinator, programme, waiting):
    client.force_login(coordinator)
    for name in PROGRAMME_PAGES:
        response = client.get(_url(name, programme))
        assert response.status_code == 403
        assert "Fatima" not in _text(response)
    for name in ALLOCATION_PAGES:
        assert client.get(_url(name, waiting)).status_code == 404


@pytest.mark.parametrize("persona", ["stranger", "bystander", "staff"])
def test_others_get_404_on_the_allocation(client, request, persona, programme, waiting):
    client.force_login(request.getfixturevalue(persona))
    for name in ALLOCATION_PAGES:
        assert client.get(_url(name, waiting)).status_code == 404


@pytest.mark.parametrize("persona", ["stranger", "bystander"])
def test_structures_outside_the_programme_get_404_on_its_list(client, request, persona, programme):
    client.force_login(request.getfixturevalue(persona))
    for name in PROGRAMME_PAGES:
        assert client.get(_url(name, programme)).status_code == 404


def test_a_structure_that_stopped_following_the_person_loses_the_page(
    client, owner, organisation, waiting
):
    from aiguillage.people.models import PersonAccess

    PersonAccess.objects.filter(person=waiting.person, organisation=organisation).delete()
    client.force_login(owner)
    assert client.get(_url("allocation_detail", waiting)).status_code == 404


def test_reading_the_allocation_is_journaled(client, owner, waiting):
    client.force_login(owner)
    client.get(_url("allocation_detail", waiting))
    entry = JournalEntry.objects.filter(event="person_accessed", actor=owner).last()
    assert entry.object_id == str(waiting.person.public_id)


# --- Putting a person on the list -------------------------------------------------------------


def test_the_request_page_finds_the_people_the_structure_follows(client, owner, programme, fatima):
    client.force_login(owner)
    page = _text(client.get(_url("allocation_request", programme), {"q": "fati"}))
    assert f"?personne={fatima.public_id}" in page


def test_the_request_page_shows_the_checks_then_puts_the_person_on_the_list(
    client, owner, organisation, programme
):
    programme.extra_criteria = ["Habite l'agglomération"]
    programme.save()
    person = ef.person(owner, organisation, "Nadia", purposes=["accompagnement", "evaluation"])
    ef.screened(owner, organisation, person)
    ef.completed_cycle(owner, organisation, person, title="Ordi'Pratique")
    client.force_login(owner)
    url = _url("allocation_request", programme)
    page = _text(client.get(url, {"personne": person.public_id}))
    assert "Cycle Ordi&#x27;Pratique terminé le" in page
    assert "Diagnostic du" in page and "Habite l&#x27;agglomération" in page
    refused = client.post(url, {"person": person.public_id, "critere_habite_lagglomeration": "oui"})
    assert refused.status_code == 400 and "Sans l&#x27;accord de la personne" in _text(refused)
    no = client.post(url, {"person": person.public_id, "critere_habite_lagglomeration": "non",
                           "consent": "on"})  # fmt: skip
    assert no.status_code == 400 and "« Habite l&#x27;agglomération » : non" in _text(no)
    assert not Allocation.objects.exists()
    assert "equipement" not in person.consents.filter(withdrawn_at__isnull=True).first().purposes
    done = client.post(url, {"person": person.public_id, "critere_habite_lagglomeration": "oui",
                             "consent": "on"})  # fmt: skip
    allocation = Allocation.objects.get()
    assert done["Location"] == _url("allocation_detail", allocation)
    assert "equipement" in person.consents.filter(withdrawn_at__isnull=True).first().purposes


def test_a_person_without_a_cycle_cannot_be_put_on_the_list(client, owner, organisation, programme):
    person = ef.person(owner, organisation, "Nadia")
    ef.screened(owner, organisation, person)
    client.force_login(owner)
    url = _url("allocation_request", programme)
    page = _text(client.get(url, {"personne": person.public_id}))
    assert "Pas de cycle terminé : la personne peut s&#x27;inscrire à un cycle" in page
    assert "Inscrire sur la liste d&#x27;attente" not in page
    forged = client.post(url, {"person": person.public_id})
    assert forged.status_code == 400 and "ne remplit pas les conditions" in _text(forged)
    assert not Allocation.objects.exists()


def test_a_person_the_structure_does_not_follow_cannot_be_chosen(
    client, outsider, programme, fatima
):
    client.force_login(outsider)
    url = _url("allocation_request", programme)
    assert client.get(url, {"personne": fatima.public_id}).status_code == 404
    assert client.post(url, {"person": fatima.public_id}).status_code == 404
    assert not Allocation.objects.exists()


# --- The steps ----------------------------------------------------------------------------------


def test_the_detail_offers_the_ready_devices_and_reserves_one(client, owner, waiting, ready):
    client.force_login(owner)
    page = _text(client.get(_url("allocation_detail", waiting)))
    assert "Étape 1 sur 4" in page and "5CG7410XYZ" in page and "Linux Mint 22" in page
    response = client.post(_url("allocation_reserve", waiting), {"device": ready.public_id})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.device == ready and waiting.status == "reserve"


def test_a_forged_device_that_is_not_ready_is_refused(client, owner, waiting, donation):
    raw = ef.device(donation, user=owner, serial="RAW1")
    client.force_login(owner)
    response = client.post(_url("allocation_reserve", waiting), {"device": raw.public_id})
    assert response.status_code == 400 and "plus prêt à donner" in _text(response)
    waiting.refresh_from_db()
    assert waiting.status == "attente"


def test_the_tablet_page_shows_the_contract_in_big_type_and_signs(client, owner, organisation,
                                                                 waiting, ready):  # fmt: skip
    ef.advanced(owner, organisation, waiting, ready, to="reserve")
    client.force_login(owner)
    url = _url("allocation_sign", waiting)
    page = _text(client.get(url))
    assert "Je signe" in page and "est donné, pas prêté" in page and "Benali" not in page
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"signe": "oui"}).status_code == 302
    waiting.refresh_from_db()
    assert (waiting.status, waiting.contract_signature) == ("remis", "tablette")
    again = client.post(url, {"signe": "oui"})
    assert again.status_code == 400 and "déjà" in _text(again)


def test_paper_needs_the_box_ticked(client, owner, organisation, waiting, ready):
    ef.advanced(owner, organisation, waiting, ready, to="reserve")
    client.force_login(owner)
    url = _url("allocation_hand_over", waiting)
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"signed": "on"}).status_code == 302
    waiting.refresh_from_db()
    assert waiting.contract_signature == "papier"


def test_the_appointment_in_the_past_is_refused_on_the_page(
    client, owner, organisation, waiting, ready
):
    ef.advanced(owner, organisation, waiting, ready, to="remis")
    client.force_login(owner)
    url = _url("allocation_appointment", waiting)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(url, {"day": yesterday.isoformat(), "time": "10:00"})
    assert response.status_code == 400 and "doit être dans le futur" in _text(response)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert client.post(url, {"day": tomorrow.isoformat(), "time": "10:00"}).status_code == 302
    waiting.refresh_from_db()
    assert waiting.installation_at is not None


def test_the_installation_names_what_is_missing(client, owner, organisation, waiting, ready):
    ef.advanced(owner, organisation, waiting, ready, to="remis")
    client.force_login(owner)
    url = _url("allocation_install", waiting)
    data = {"installed_on": timezone.localdate().isoformat(), "installer": owner.pk,
            "check_connexion": "on", "check_comptes": "on"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 400
    assert "il manque : La personne sait allumer l&#x27;ordinateur" in _text(response)
    forged = client.post(url, data | {"check_autonomie": "on", "installer": "999999"})
    assert forged.status_code == 400
    assert client.post(url, data | {"check_autonomie": "on"}).status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "installe" and waiting.installed_by == owner

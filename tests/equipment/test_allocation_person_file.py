"""The « Ordinateur » block of a person's file, and the hint on the next screening's device
question once a computer is installed (through hooks: people and assessments never import
equipment)."""

from __future__ import annotations

import ast
import pathlib

import pytest
from django.urls import reverse

from tests.equipment import factories as ef

pytestmark = pytest.mark.django_db


def _file(client, person) -> str:
    return client.get(reverse("people:person_detail", args=[person.public_id])).content.decode()


def test_the_file_offers_to_ask_for_a_computer(client, owner, programme, fatima):
    client.force_login(owner)
    page = _file(client, fatima)
    request_url = reverse("equipment:allocation_request", args=[programme.public_id])
    assert f"{request_url}?personne={fatima.public_id}" in page


def test_the_file_shows_the_waiting_list_then_equipped(
    client, owner, organisation, programme, fatima, ready
):
    allocation = ef.allocation(owner, organisation, programme, fatima)
    client.force_login(owner)
    page = _file(client, fatima)
    assert "En liste d'attente depuis le" in page
    assert reverse("equipment:allocation_detail", args=[allocation.public_id]) in page
    ef.advanced(owner, organisation, allocation, ready, to="reserve")
    assert "Réservé" in _file(client, fatima)
    from django.utils import timezone

    from aiguillage.equipment import allocation_actions as aa

    aa.hand_over(actor=owner, organisation=organisation, allocation=allocation, signature="papier")
    aa.record_installation(actor=owner, organisation=organisation, allocation=allocation,
                           installed_on=timezone.localdate(), checklist=ef.ALL_TICKED)  # fmt: skip
    page = _file(client, fatima)
    assert "Équipé(e)" in page and "ordinateur installé le" in page


def test_another_structure_following_the_person_sees_no_computer_block(
    client, owner, organisation, outsider, other_organisation, programme, fatima
):
    from aiguillage.people.actions import grant_access

    ef.allocation(owner, organisation, programme, fatima)
    grant_access(actor=owner, person=fatima, organisation=other_organisation, reason="orientation")
    client.force_login(outsider)
    page = _file(client, fatima)
    assert "En liste d'attente" not in page and "Demander un ordinateur" not in page


def test_the_next_screening_reminds_the_professional_of_the_installed_computer(
    client, owner, organisation, programme, fatima, ready
):
    from aiguillage.assessments import actions

    allocation = ef.allocation(owner, organisation, programme, fatima)
    installed = ef.advanced(owner, organisation, allocation, ready, to="installe")
    draft = actions.start_assessment(
        actor=owner, organisation=organisation, person=fatima, kind="screening"
    )
    client.force_login(owner)
    url = reverse("assessments:screening_question", args=[draft.public_id])
    page = client.get(url, {"question": "appareil"}).content.decode()
    assert "Un ordinateur lui a été installé le" in page
    assert installed.installed_on.strftime("%Y") in page
    other = client.get(url, {"question": "connexion"}).content.decode()
    assert "Un ordinateur lui a été installé" not in other


def test_no_hint_before_the_installation(client, owner, organisation, programme, fatima):
    from aiguillage.assessments import actions

    ef.allocation(owner, organisation, programme, fatima)
    draft = actions.start_assessment(
        actor=owner, organisation=organisation, person=fatima, kind="screening"
    )
    client.force_login(owner)
    url = reverse("assessments:screening_question", args=[draft.public_id])
    assert "installé" not in client.get(url, {"question": "appareil"}).content.decode()


@pytest.mark.parametrize("app", ["people", "assessments"])
def test_people_and_assessments_never_import_equipment(app):
    root = pathlib.Path(__file__).resolve().parents[2] / "aiguillage" / app
    for source in root.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("aiguillage.equipment"), source

"""The gift contract as a PDF, read back with pypdf: first name, device, clauses; never the
last name."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from aiguillage.journal.models import JournalEntry
from tests.equipment import factories as ef

pytestmark = pytest.mark.django_db


def _pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def reserved(owner, organisation, programme, fatima, ready):
    return ef.advanced(owner, organisation, ef.allocation(owner, organisation, programme, fatima),
                       ready, to="reserve")  # fmt: skip


def test_the_contract_names_the_person_by_first_name_and_the_device(client, owner, reserved):
    client.force_login(owner)
    url = reverse("equipment:allocation_contract", args=[reserved.public_id])
    text = _pdf_text(client.get(url))
    assert "Contrat de don d'un ordinateur" in text
    assert "Fatima" in text and "Benali" not in text
    assert "5CG7410XYZ" in text and "Linux Mint 22" in text and "Ordinateur portable" in text
    assert "L'ordinateur est donné, pas prêté" in text
    assert "ne doit pas être vendu" in text and "Pendant 3 mois" in text
    assert "Médiathèque du centre" in text
    assert JournalEntry.objects.filter(event="allocation_contract_read", actor=owner).exists()
    assert JournalEntry.objects.filter(event="person_accessed", actor=owner).exists()


def test_the_programmes_own_text_replaces_the_default_clauses(client, owner, programme, reserved):
    programme.contract_text = "Article 1. Don définitif au foyer.\n\nArticle 2. Pas de revente."
    programme.save()
    client.force_login(owner)
    text = _pdf_text(
        client.get(reverse("equipment:allocation_contract", args=[reserved.public_id]))
    )
    assert "Don définitif au foyer" in text and "Pas de revente" in text
    assert "donné, pas prêté" not in text


def test_once_handed_over_the_contract_is_the_one_signed(client, owner, organisation, programme,
                                                         reserved):  # fmt: skip
    from aiguillage.equipment import allocation_actions

    allocation_actions.hand_over(
        actor=owner, organisation=organisation, allocation=reserved, signature="tablette"
    )
    programme.contract_text = "Un texte changé après la signature."
    programme.save()
    client.force_login(owner)
    text = _pdf_text(
        client.get(reverse("equipment:allocation_contract", args=[reserved.public_id]))
    )
    assert "donné, pas prêté" in text and "changé après" not in text
    assert "Signature : sur la tablette" in text

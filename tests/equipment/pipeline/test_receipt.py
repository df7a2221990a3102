"""The donation receipt: a PDF that says who gave what, its number, what becomes of it, the
erasure commitment, and that it is not a tax receipt; its download is journaled."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from aiguillage.equipment import collection_actions
from aiguillage.equipment.collection_actions import ItemLine
from aiguillage.journal.models import JournalEntry

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_receipt_says_who_gave_what_and_what_becomes_of_it(client, partner, collection):
    client.force_login(partner)
    response = client.get(reverse("equipment:collection_receipt", args=[collection.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="recu-DON-2026-0001.pdf"'
    text = _text(response.content)
    for expected in [
        "DON-2026-0001",
        "Conseil départemental",
        "1 rue du Palais, Chambéry",
        "15 janvier 2026",
        "Régie+",  # the collecting partner
        "TRIRA",  # the refurbisher
        "Ordinateur portable 3 Dell Latitude",
        "Écran 2",
        "Total : 5",
        "filière agréée",
        "NIST 800-88",
        "certificat d'effacement est conservé pour chaque appareil",
        "ORDI 3.0",
        "Ce reçu n'est pas un reçu fiscal",
    ]:
        assert expected in text, expected
    entry = JournalEntry.objects.get(event="collection_receipt_downloaded")
    assert entry.actor == partner and entry.object_id == str(collection.public_id)


def test_a_note_the_core_font_cannot_hold_does_not_break_the_receipt(
    client, partner, programme, donor, collector_org, collector
):
    made = collection_actions.record_collection(
        actor=collector,
        programme=programme,
        donor=donor,
        collected_on=donor.created_at.date(),
        collected_by=collector_org,
        items=[ItemLine("autre", 1, "Câbles 🔌 et « souris »")],
    )
    client.force_login(partner)
    response = client.get(reverse("equipment:collection_receipt", args=[made.public_id]))
    assert "Câbles ? et « souris »" in _text(response.content)

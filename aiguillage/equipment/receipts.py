"""The donation receipt of a collection: what the donor gave, what becomes of it, and the
data-erasure commitment (ORDI 3.0 label: erasure recorded per device, with a certificate).

It is a receipt of a gift in kind, not a tax receipt (« reçu fiscal »): the programme's
structures issue none from here."""

from __future__ import annotations

from django.utils import formats

from aiguillage.equipment.models import Collection, ItemType, PartnerRole, ProgrammePartner
from aiguillage.equipment.pdf import Document, render

NOT_A_TAX_RECEIPT = (
    "Ce reçu n'est pas un reçu fiscal : il atteste la remise du matériel au programme. "
    "Un reçu fiscal, s'il y a lieu, est établi à part par la structure habilitée."
)
WHAT_BECOMES = (
    "Le matériel en état d'être réutilisé est reconditionné puis donné à des personnes qui "
    "ont suivi les ateliers du programme, avec un contrat de don et une installation à "
    "domicile. Ce qui ne peut pas être réutilisé est recyclé par une filière agréée de "
    "traitement des déchets d'équipements électriques et électroniques (DEEE)."
)
ERASURE = (
    "Chaque support de stockage (disque dur, SSD, carte mémoire) est effacé avant toute "
    "réutilisation, avec une méthode enregistrée : effacement NIST 800-88 « purge » ou "
    "« clear », effacement cryptographique, ou destruction physique du support. Un "
    "certificat d'effacement est conservé pour chaque appareil, avec la date et la personne "
    "qui l'a fait, comme le demande la traçabilité du label ORDI 3.0. Aucun appareil ne "
    "peut être donné sans cet enregistrement."
)


def _long_date(day) -> str:
    return formats.date_format(day, "j F Y")


def build_receipt(collection: Collection) -> Document:
    programme = collection.programme
    donor = collection.donor
    partners = ProgrammePartner.objects.filter(programme=programme).select_related("organisation")
    refurbishers = sorted(
        p.organisation.name for p in partners if PartnerRole.REFURBISHING in p.roles
    )
    document = Document(
        title=f"Reçu de don de matériel informatique n° {collection.receipt_number}",
        subtitle=f"Programme {programme.name} · porté par {programme.lead.name}",
    )
    document.facts(
        [
            ("Numéro du reçu", collection.receipt_number),
            ("Date de la collecte", _long_date(collection.collected_on)),
            ("Donateur", donor.name),
            ("Adresse du donateur", donor.address or "non renseignée"),
            *([("SIRET", donor.siret)] if donor.siret else []),
            ("Collecté par", collection.collected_by.name),
            *([("Reconditionné par", ", ".join(refurbishers))] if refurbishers else []),
        ]
    )
    document.heading("Matériel donné")
    items = list(collection.items.all())
    document.table(
        ["Matériel", "Quantité", "Précisions"],
        [[ItemType(i.item_type).label, str(i.quantity), i.description or "-"] for i in items],
    )
    document.paragraph(f"Total : {sum(i.quantity for i in items)} élément(s).")
    document.heading("Ce que devient le matériel")
    document.paragraph(WHAT_BECOMES)
    document.heading("Effacement des données")
    document.paragraph(ERASURE)
    document.heading("Nature de ce document")
    document.paragraph(NOT_A_TAX_RECEIPT)
    document.signatures(
        [f"Pour le donateur ({donor.name})", f"Pour {collection.collected_by.name}"]
    )
    return document


def receipt_pdf(collection: Collection) -> bytes:
    return render(build_receipt(collection))


def receipt_filename(collection: Collection) -> str:
    return f"recu-{collection.receipt_number}.pdf"

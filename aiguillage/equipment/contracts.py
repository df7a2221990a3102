"""The gift contract (« contrat de don »): its clauses, and the A4 document.

The person appears by first name or initials only (what the file holds in ``first_name``),
never by last name. Before the hand-over the document shows the programme's current clauses;
once handed over, the clauses copied into the allocation (what was signed).
"""

from __future__ import annotations

from django.utils.timezone import localtime

from aiguillage.equipment import pdf
from aiguillage.equipment.models import (
    Allocation,
    ContractSignature,
    Device,
    PartnerRole,
    Programme,
    ProgrammePartner,
)
from aiguillage.organisations.models import Organisation

# How long the giving structure helps after the installation.
SUPPORT_MONTHS = 3


def giving_organisation(programme: Programme, asking: Organisation | None = None) -> Organisation:
    """The structure that gives: the asking one if it is a gift partner of the programme,
    else the first gift partner, else the programme's lead."""
    givers = list(
        ProgrammePartner.objects.filter(programme=programme)
        .select_related("organisation")
        .order_by("id")
    )
    givers = [p.organisation for p in givers if PartnerRole.GIFT in (p.roles or [])]
    for organisation in givers:
        if asking is not None and organisation.pk == asking.pk:
            return organisation
    return givers[0] if givers else programme.lead


def default_clauses(giver_name: str, months: int = SUPPORT_MONTHS) -> list[str]:
    return [
        f"1. L'ordinateur est donné, pas prêté. Il appartient à la personne dès qu'elle signe. "
        f"{giver_name} ne le reprendra pas.",
        "2. L'ordinateur ne doit pas être vendu. Il sert à la personne et à sa famille.",
        "3. Les données de l'ancien propriétaire ont été effacées. Un système et des logiciels "
        "libres sont installés.",
        f"4. {giver_name} installe l'ordinateur chez la personne, avec elle, à un rendez-vous "
        "fixé ensemble.",
        f"5. Pendant {months} mois après l'installation, {giver_name} aide la personne si "
        "l'ordinateur ne marche pas ou si elle a une question.",
        "6. L'ordinateur est reconditionné : il n'a pas de garantie de magasin. En cas de "
        "panne, la personne contacte d'abord la structure.",
    ]


def clauses_for(programme: Programme, giver: Organisation) -> list[str]:
    """The programme's own contract text when it has one, else the default clauses."""
    own = programme.contract_text.strip()
    if own:
        return [part.strip() for part in own.split("\n\n") if part.strip()]
    return default_clauses(giver.name)


def contract_text(programme: Programme, giver: Organisation) -> str:
    """What the allocation keeps at the hand-over: the clauses as signed."""
    return "\n\n".join(clauses_for(programme, giver))


def clauses_of(allocation: Allocation) -> list[str]:
    if allocation.contract_text:
        return [part for part in allocation.contract_text.split("\n\n") if part.strip()]
    giver = giving_organisation(allocation.programme, allocation.organisation)
    return clauses_for(allocation.programme, giver)


def first_name_of(allocation: Allocation) -> str:
    person = allocation.person
    if person is None or person.anonymised_at:
        return "Personne anonymisée"
    return person.first_name


def device_facts(device: Device) -> list[tuple[str, str]]:
    return [
        ("Type", device.get_device_type_display()),
        ("Marque et modèle", f"{device.brand} {device.model_name}".strip() or "non indiqués"),
        ("Numéro de série", device.serial_number or "non indiqué"),
        ("Système installé", device.operating_system or "non indiqué"),
    ]


def contract_document(allocation: Allocation) -> pdf.Document:
    programme = allocation.programme
    giver = giving_organisation(programme, allocation.organisation)
    document = pdf.Document(
        title="Contrat de don d'un ordinateur",
        subtitle=f"Programme {programme.name} — {programme.territory.name}",
    )
    document.heading("Entre")
    document.facts(
        [
            ("La structure qui donne", giver.name),
            ("La personne qui reçoit", first_name_of(allocation)),
            ("Structure qui accompagne la personne", allocation.organisation.name),
        ]
    )
    document.heading("L'ordinateur")
    if allocation.device is not None:
        document.facts(device_facts(allocation.device))
    else:
        document.paragraph("L'ordinateur sera indiqué quand il sera réservé.")
    document.heading("Ce que nous nous engageons à faire")
    for clause in clauses_of(allocation):
        document.paragraph(clause)
    if allocation.handed_over_at and allocation.contract_signature:
        how = ContractSignature(allocation.contract_signature).label
        tz = programme.territory.tz
        document.paragraph(
            f"Remis le {localtime(allocation.handed_over_at, tz):%d/%m/%Y}. "
            f"Signature : {how.lower()}."
        )
    document.signatures([f"Pour {giver.name}\nDate et signature", "La personne\nDate et signature"])
    return document


def render_contract(allocation: Allocation) -> bytes:
    return pdf.render(contract_document(allocation))

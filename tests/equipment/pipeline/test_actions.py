"""The pipeline's rules through its actions: programmes and partners, donors, collections
and their receipt numbers, exchanges; and the pure rules of ``equipment.rules``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aiguillage.equipment import collection_actions, exchange_actions, programme_actions, rules
from aiguillage.equipment.collection_actions import ContactValues, DonorValues, ItemLine
from aiguillage.equipment.errors import EquipmentError
from aiguillage.equipment.models import Collection, Exchange, ProgrammePartner
from aiguillage.journal.models import JournalEntry
from tests import factories
from tests.equipment import factories as ef

pytestmark = pytest.mark.django_db


def _record(programme, donor, by, user, on=dt.date(2026, 3, 1), items=None):
    return collection_actions.record_collection(
        actor=user,
        programme=programme,
        donor=donor,
        collected_on=on,
        collected_by=by,
        items=[ItemLine("portable", 2)] if items is None else items,
    )


def test_receipt_numbers_follow_each_other_per_programme_and_year(
    programme, donor, collector_org, collector, territory
):
    numbers = [
        _record(programme, donor, collector_org, collector, on=day).receipt_number
        for day in (
            dt.date(2025, 12, 30),
            dt.date(2026, 1, 2),
            dt.date(2025, 12, 31),
            dt.date(2026, 1, 3),
        )
    ]
    assert numbers == ["DON-2025-0001", "DON-2026-0001", "DON-2025-0002", "DON-2026-0002"]
    # Another programme numbers on its own, with its own prefix.
    lead = factories.OrganisationFactory(territory=territory)
    other = programme_actions.create_programme(
        actor=None,
        territory=territory,
        name="Autre",
        lead=lead,
        receipt_prefix="ord",
        lead_roles=["collecte"],
    )
    other_donor = collection_actions.create_donor(
        actor=None, programme=other, values=DonorValues(name="X", kind="autre")
    )
    assert _record(other, other_donor, lead, collector).receipt_number == "ORD-2026-0001"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"on": "tomorrow"}, "futur"),
        ({"items": [ItemLine("portable", 0)]}, "au moins 1"),
        ({"items": [ItemLine("frigo", 2)]}, "type de matériel"),
        ({"items": []}, "au moins une ligne"),
    ],
)
def test_a_bad_collection_is_refused(programme, donor, collector_org, collector, change, message):
    if change.get("on") == "tomorrow":
        change = {"on": timezone.localdate() + dt.timedelta(days=1)}
    kwargs = {"on": dt.date(2026, 3, 1), "items": [ItemLine("portable", 2)]} | change
    with pytest.raises(EquipmentError, match=message):
        _record(programme, donor, collector_org, collector, on=kwargs["on"], items=kwargs["items"])
    assert not Collection.objects.exists()


def test_only_a_partner_with_the_collection_role_collects(
    programme, donor, refurbisher_org, other_organisation, collector
):
    for organisation in (refurbisher_org, other_organisation):
        with pytest.raises(EquipmentError, match="partenaire « collecte »"):
            _record(programme, donor, organisation, collector)
    assert not Collection.objects.exists()


def test_a_donor_of_another_programme_is_refused(programme, collector_org, collector, territory):
    other = ef.programme(factories.OrganisationFactory(territory=territory), name="Autre")
    foreign = ef.donor(other, "Donateur d'ailleurs")
    with pytest.raises(EquipmentError, match="pas un donateur de ce programme"):
        _record(programme, foreign, collector_org, collector)


def test_donors_and_contacts(programme, partner):
    donor = collection_actions.create_donor(
        actor=partner,
        programme=programme,
        values=DonorValues(
            name="  Mairie   de Chambéry ", kind="collectivite", siret="217 300 656 00019"
        ),
    )
    assert (donor.name, donor.siret) == ("Mairie de Chambéry", "21730065600019")
    for values, message in [
        (DonorValues(name="mairie de chambéry", kind="collectivite"), "existe déjà"),
        (DonorValues(name="Y", kind="inconnu"), "type de donateur"),
        (DonorValues(name="Z", kind="entreprise", siret="12"), "14 chiffres"),
        (DonorValues(name=" ", kind="entreprise"), "nom du donateur"),
    ]:
        with pytest.raises(EquipmentError, match=message):
            collection_actions.create_donor(actor=partner, programme=programme, values=values)
    updated = collection_actions.update_donor(
        actor=partner,
        donor=donor,
        values=DonorValues(
            name="Mairie de Chambéry", kind="collectivite", address="Hôtel de ville"
        ),
    )
    assert updated.address == "Hôtel de ville" and updated.siret == ""
    entry = JournalEntry.objects.get(event="donor_updated")
    assert entry.data == {"fields": ["address", "siret"]}
    contact = collection_actions.save_contact(
        actor=partner, donor=donor, values=ContactValues(name="Paul", email="paul@exemple.fr")
    )
    with pytest.raises(EquipmentError, match="courriel ou un téléphone"):
        collection_actions.save_contact(
            actor=partner, donor=donor, values=ContactValues(name="Paul"), contact=contact
        )
    collection_actions.remove_contact(actor=partner, contact=contact)
    assert not donor.contacts.exists()


def test_exchanges_need_a_refurbisher_and_a_positive_quantity(
    programme, refurbisher_org, collector_org, partner
):
    def record(**change):
        values = {
            "partner": refurbisher_org,
            "direction": "donne",
            "on": dt.date(2026, 2, 1),
            "quantity": 5,
        } | change
        return exchange_actions.record_exchange(actor=partner, programme=programme, **values)

    for change, message in [
        ({"partner": collector_org}, "reconditionnement"),
        ({"quantity": 0}, "au moins 1"),
        ({"direction": "perdu"}, "remis ou reçu"),
        ({"on": timezone.localdate() + dt.timedelta(days=1)}, "futur"),
    ]:
        with pytest.raises(EquipmentError, match=message):
            record(**change)
    assert not Exchange.objects.exists()
    assert record().quantity == 5
    assert JournalEntry.objects.filter(event="exchange_recorded").count() == 1


def test_programme_creation_and_partner_roles(territory, organisation, staff):
    programme = programme_actions.create_programme(
        actor=staff, territory=territory, name="Ordi'Pratique", lead=organisation
    )
    partner = ProgrammePartner.objects.get(programme=programme)
    assert partner.roles == ["formation", "remise"]
    régie = factories.OrganisationFactory(territory=territory)
    programme_actions.set_partner(
        actor=staff, programme=programme, organisation=régie, roles=["collecte"]
    )
    assert programme_actions.has_role(programme, régie, "collecte")
    assert not programme_actions.has_role(programme, régie, "reconditionnement")
    with pytest.raises(EquipmentError, match="rôle"):
        programme_actions.set_partner(
            actor=staff, programme=programme, organisation=régie, roles=["x"]
        )
    elsewhere = factories.OrganisationFactory(territory=factories.TerritoryFactory(slug="ailleurs"))
    with pytest.raises(EquipmentError, match="territoire"):
        programme_actions.create_programme(
            actor=staff, territory=territory, name="X", lead=elsewhere
        )


# --- Pure rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("taken", "expected"),
    [
        ([], 1),
        (["DON-2026-0001", "DON-2026-0002"], 3),
        (["DON-2026-0009", "DON-2025-0040", "ORD-2026-0100"], 10),
        (["DON-2026-ancien", "DON-2026-0003"], 4),
    ],
)
def test_next_sequence(taken, expected):
    assert rules.next_sequence("DON", 2026, taken) == expected
    assert rules.receipt_number("DON", 2026, expected) == f"DON-2026-{expected:04d}"


@pytest.mark.parametrize(
    ("state", "offered"),
    [
        ("collecte", ["diagnostique", "recycle"]),
        ("diagnostique", ["efface", "recycle"]),
        ("efface", ["reconditionne", "recycle"]),
        ("reconditionne", ["pret", "recycle"]),
        ("pret", ["recycle"]),
        ("reserve", []),
        ("remis", []),
        ("installe", []),
        ("recycle", []),
    ],
)
def test_page_moves_leave_out_the_persons(state, offered):
    assert [str(m) for m in rules.page_moves(state)] == offered


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (0, "moins de 30 jours"),
        (29, "moins de 30 jours"),
        (30, "30 à 89 jours"),
        (89, "30 à 89 jours"),
        (90, "90 à 179 jours"),
        (179, "90 à 179 jours"),
        (180, "180 jours et plus"),
        (2000, "180 jours et plus"),
    ],
)
def test_age_buckets(days, bucket):
    today = dt.date(2026, 12, 1)
    assert rules.age_bucket(today - dt.timedelta(days=days), today) == bucket


def test_balances_and_durations():
    rows = [(1, "donne", 10), (1, "recu", 4), (2, "recu", 3), (1, "recu", 2)]
    found = {b.partner_id: b for b in rules.balances(rows)}
    assert (found[1].given, found[1].received, found[1].difference) == (10, 6, 4)
    assert (found[2].difference, found[2].received_more) == (-3, 3)
    assert rules.durations([10, 20, 60]) == rules.Durations(3, 30.0, 20.0)
    assert rules.durations([]) == rules.Durations(0, None, None)
    assert rules.months_between(dt.date(2025, 11, 15), dt.date(2026, 2, 1)) == [
        dt.date(2025, 11, 1),
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
    ]

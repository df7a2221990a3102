"""The objects of the matrix: one per kind and owner, built through the apps' actions.

A structure's objects exist for A, B and the other territory's structure; a territory's for
T (owner "A") and U (owner "other"); a few belong to nobody.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.test import TestCase
from django.utils import timezone

from aiguillage.accounts.actions import invite_colleague
from aiguillage.activities.actions import record_activity
from aiguillage.assessments import actions as assessment_actions
from aiguillage.coverage.actions import start_coverage_run
from aiguillage.coverage.engine import CoverageSettings
from aiguillage.events.actions import create_event
from aiguillage.organisations.actions import create_organisation, invite_organisation_to_territory
from aiguillage.people.actions import create_person
from aiguillage.people.rules import CONSENT_EXPLANATION
from aiguillage.places.dedup_actions import merge_duplicates
from aiguillage.places.importing import start_import
from aiguillage.places.models import PlaceMerge
from aiguillage.referrals.actions import send_referral
from aiguillage.workshops.enrolment_actions import enrol_person
from aiguillage.workshops.satisfaction_actions import open_satisfaction_link
from tests import factories
from tests.permission_matrix import steering
from tests.workshops import factories as workshop_factories

STRUCTURE_OWNERS = ("A", "B", "other")
TERRITORY_OWNERS = ("A", "other")
TERRITORY_KINDS = {"territory", "export", "join_request", "import_run", "merge", "coverage_run"}
TERRITORY_KINDS |= steering.KINDS  # a territory's programme (tests/permission_matrix/steering.py)
UNOWNED_KINDS = {None, "referential", "reset_token"}


def owners(kind: str | None) -> tuple[str | None, ...]:
    if kind in UNOWNED_KINDS:
        return (None,)
    return TERRITORY_OWNERS if kind in TERRITORY_KINDS else STRUCTURE_OWNERS


SCREENING_ANSWERS = {
    "appareil": "aucun",
    "usage_internet": "jamais",
    "allumer_appareil": "ne_sait_pas",
    "difficultes": ["lire_ecrire"],
    "demarche_urgente": "oui",
    "aide_entourage": "non",
}
NEED = {"needs": ["demarche"], "availability": "Tu 14:00-18:00", "languages": ["fr"]}
# Names and addresses far apart: the duplicate finder must merge none of these places.
PLACE_NAMES = {
    "A": "Médiathèque Kateb Yacine",
    "B": "Maison des habitants Teisseire",
    "other": "Bibliothèque Georges Brassens",
}


@dataclass
class World:
    users: dict = field(default_factory=dict)  # persona name -> user
    args: dict = field(default_factory=dict)  # (kind, owner) -> the address's arguments
    rows: dict = field(default_factory=dict)  # (kind, owner) -> the row a refused POST keeps
    queries: dict = field(default_factory=dict)  # (kind, owner) -> a query string, if any
    media: object = None  # the folder of the coverage analyses' files

    def add(self, owner: str | None, kind: str | None, args: dict, row, query: str = "") -> None:
        self.args[kind, owner] = args
        self.rows[kind, owner] = row
        self.queries[kind, owner] = query


def _square(latitude: float, longitude: float, half_km: float = 3.0) -> dict:
    d_lat, d_lon = half_km / 111.2, half_km / 78.5
    corners = [(-1, -1), (1, -1), (1, 1), (-1, 1), (-1, -1)]
    ring = [[longitude + x * d_lon, latitude + y * d_lat] for x, y in corners]
    return {"type": "Polygon", "coordinates": [ring]}


def _person(actor, organisation, commune, first_name: str):
    return create_person(
        actor=actor,
        organisation=organisation,
        values={"first_name": first_name, "last_name": "Témoin", "commune": commune},
        purposes=["accompagnement", "evaluation", "orientation"],
        explained_text=CONSENT_EXPLANATION,
    )


def _territory(key: str, slug: str, siren: str, commune: tuple) -> dict:
    """A territory, its commune, its coordinator, and a partner structure that sends to and
    receives from the structures under test, with a published workshop session at its place."""
    territory = factories.TerritoryFactory(name=f"Territoire {key}", slug=slug, siren=siren)
    insee, name, latitude, longitude = commune
    commune = factories.CommuneFactory(
        insee_code=insee,
        name=name,
        territory=territory,
        latitude=latitude,
        longitude=longitude,
        population=50_000,
        geometry=_square(latitude, longitude),
    )
    partner = factories.OrganisationFactory(name=f"CCAS {key}", territory=territory)
    home = {
        "territory": territory,
        "commune": commune,
        "partner": partner,
        "worker": factories.MembershipFactory(organisation=partner).user,
        "coordinator": factories.CoordinationFactory(territory=territory).user,
        "place": factories.PlaceFactory(
            territory=territory,
            organisation=partner,
            nom=f"Espace France Services {name}",
            adresse="2 place Saint-Bruno",
            commune=name,
            code_insee=insee,
            latitude=latitude + 0.004,
            longitude=longitude,
        ),
    }
    home["session"] = workshop_factories.session(
        home["worker"], partner, place=home["place"], days=9
    )
    return home


def _structure_objects(world: World, owner: str, organisation, manager, home, away) -> None:
    """Structure ``owner``'s place, person, assessments, referrals, team, invitations and
    workshops."""
    commune = home["commune"]
    place = factories.PlaceFactory(
        territory=home["territory"],
        organisation=organisation,
        nom=PLACE_NAMES[owner],
        adresse=f"{3 * len(owner)} boulevard {PLACE_NAMES[owner].split()[-1]}",
        commune=commune.name,
        code_insee=commune.insee_code,
        latitude=commune.latitude - 0.01 * len(owner),
        longitude=commune.longitude + 0.01,
    )
    person = _person(manager, organisation, commune, f"Suivie{owner}")
    done = assessment_actions.start_assessment(
        actor=manager, organisation=organisation, person=person, kind="screening"
    )
    assessment_actions.save_answers(actor=manager, assessment=done, answers=SCREENING_ANSWERS)
    done = assessment_actions.complete_screening(actor=manager, assessment=done)
    screening, in_depth = (
        assessment_actions.start_assessment(
            actor=manager, organisation=organisation, person=person, kind=kind
        )
        for kind in ("screening", "in_depth")
    )
    sent = send_referral(
        actor=manager, organisation=organisation, person=person, place=home["place"], values=NEED
    )
    # A person the partner follows, referred to this structure's place.
    referred = _person(home["worker"], home["partner"], commune, f"Orientée{owner}")
    received = send_referral(
        actor=home["worker"],
        organisation=home["partner"],
        person=referred,
        place=place,
        values=NEED,
    )
    colleague = factories.MembershipFactory(organisation=organisation)
    invitation = invite_colleague(
        organisation=organisation, email=f"invitee-{owner}@exemple.fr", role="member", actor=manager
    )
    join = invite_organisation_to_territory(
        organisation=organisation, territory=away["territory"], actor=away["coordinator"]
    )
    org = organisation.public_id
    world.add(owner, "organisation", {"public_id": org}, organisation)
    world.add(owner, "place", {"public_id": place.public_id}, place)
    world.add(owner, "person", {"public_id": person.public_id}, person)
    # An accompaniment the structure's manager recorded (activities: the writer or a manager
    # of the structure corrects it within 7 days).
    record = record_activity(
        actor=manager,
        organisation=organisation,
        values={"occurred_on": timezone.localdate(), "themes": ["smartphone"]},
    )
    world.add(owner, "activity_record", {"public_id": record.public_id}, record)
    world.add(owner, "referred_person", {"public_id": referred.public_id}, referred)
    for kind, who in [("person_and_place", person), ("referred_person_and_place", referred)]:
        world.add(owner, kind, {"public_id": who.public_id, "place_id": place.public_id}, who)
    # The partner's session, and the other territory's partner's.
    here, elsewhere = (
        {"kind": "seance", "workshop_id": h["session"].public_id} for h in (home, away)
    )
    for kind, who, workshop in [
        ("person_and_workshop", person, here),
        ("referred_person_and_workshop", referred, here),
        ("person_and_workshop_elsewhere", person, elsewhere),
    ]:
        world.add(owner, kind, {"public_id": who.public_id, **workshop}, who)
    world.add(owner, "assessment", {"public_id": done.public_id}, done)
    world.add(owner, "screening_draft", {"public_id": screening.public_id}, screening)
    world.add(owner, "in_depth_draft", {"public_id": in_depth.public_id}, in_depth)
    world.add(owner, "referral_sent", {"public_id": sent.public_id}, sent)
    world.add(owner, "referral_received", {"public_id": received.public_id}, received)
    world.add(owner, "membership", {"public_id": org, "membership_id": colleague.pk}, colleague)
    world.add(
        owner, "invitation", {"public_id": org, "invitation_id": invitation.public_id}, invitation
    )
    world.add(owner, "invitation_token", {"token": invitation.token}, invitation)
    world.add(owner, "territory_invitation", {"public_id": org, "join_id": join.public_id}, join)
    _workshop_objects(world, owner, organisation, manager, home, place)
    _event_objects(world, owner, organisation, manager, home)
    _pool_objects(world, owner, organisation, manager, home)
    _allocation_objects(world, owner, organisation, manager, home)
    _pipeline_objects(world, owner, organisation, manager)


def _workshop_objects(world: World, owner: str, organisation, manager, home, place) -> None:
    """Structure ``owner``'s published session and cycle at its place, an unpublished session,
    and enrolments: its person in its cycle (by itself) and in the partner's session, the
    partner's person in its session."""
    session = workshop_factories.session(manager, organisation, place=place, days=10)
    draft = workshop_factories.session(
        manager, organisation, place=place, days=11, is_published=False
    )
    cycle = workshop_factories.cycle(
        manager, organisation, place=place, sessions=3, charter_text="Je viens à chaque séance."
    )
    person = _person(manager, organisation, home["commune"], f"Inscrite{owner}")
    enrolled, sent = (
        enrol_person(
            actor=manager, target=target, person=person, prescriber_organisation=organisation
        )
        for target in (cycle, home["session"])
    )
    followed = _person(home["worker"], home["partner"], home["commune"], f"Envoyée{owner}")
    received = enrol_person(
        actor=home["worker"],
        target=session,
        person=followed,
        prescriber_organisation=home["partner"],
    )
    objects = {
        "session": session,
        "draft_session": draft,
        "cycle": cycle,
        "enrolment": enrolled,
        "enrolment_sent": sent,
        "enrolment_received": received,
    }
    for kind, row in objects.items():
        world.add(owner, kind, {"public_id": row.public_id}, row)
    world.add(owner, "person_in_query", {}, person, query=f"?personne={person.public_id}")
    link = open_satisfaction_link(actor=manager, session=session)
    world.add(owner, "satisfaction_link", {"token": link.token}, link)


def _event_objects(world: World, owner: str, organisation, manager, home) -> None:
    """Structure ``owner``'s past event (the territory's partner structure is its partner),
    and the partner's event with ``owner`` as a partner structure."""
    moments = {
        "starts_at": workshop_factories.local(home["territory"], -20, 14),
        "ends_at": workshop_factories.local(home["territory"], -20, 17),
    }
    event = create_event(
        actor=manager,
        organisation=organisation,
        values={"kind": "conference", "title": "Lancement", "partners": [home["partner"]]}
        | moments,
    )
    partnered = create_event(
        actor=home["worker"],
        organisation=home["partner"],
        values={"kind": "awareness_day", "title": "Connectons-nous !", "partners": [organisation]}
        | moments,
    )
    world.add(owner, "event", {"public_id": event.public_id}, event)
    world.add(owner, "partner_event", {"public_id": partnered.public_id}, partnered)


def _pool_objects(world: World, owner: str, organisation, manager, home) -> None:
    """Structure ``owner``'s item (with a photo), its request to borrow the partner's item,
    and the partner's request to borrow its item (both « requested »)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from aiguillage.pool.actions import create_item
    from tests.pool import factories as pool_factories

    photo = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(32))
    item = create_item(
        actor=manager, organisation=organisation, values=pool_factories.TABLETS, photo=photo
    )
    theirs = pool_factories.item(home["worker"], home["partner"], name=f"Clés 4G {owner}")
    borrowed = pool_factories.booking(manager, theirs, organisation)
    lent = pool_factories.booking(home["worker"], item, home["partner"])
    world.add(owner, "pool_item", {"public_id": item.public_id}, item)
    world.add(owner, "pool_booking", {"public_id": borrowed.public_id}, borrowed)
    world.add(owner, "pool_booking_received", {"public_id": lent.public_id}, lent)


def _allocation_objects(world: World, owner: str, organisation, manager, home) -> None:
    """Structure ``owner``'s computer programme (it leads it alone) and the allocation of a
    person it follows, on the waiting list (screened without a device, cycle completed)."""
    from aiguillage.equipment import allocation_actions
    from tests.equipment import factories as equipment_factories

    programme = equipment_factories.programme(organisation, name=f"Ordi'Pratique {owner}")
    person = _person(manager, organisation, home["commune"], f"Équipée{owner}")
    equipment_factories.screened(manager, organisation, person, answers=SCREENING_ANSWERS)
    equipment_factories.completed_cycle(manager, organisation, person)
    allocation = allocation_actions.request_allocation(
        actor=manager, organisation=organisation, programme=programme, person=person,
        answers={}, consent_given_now=True,
    )  # fmt: skip
    world.add(owner, "computer_programme", {"public_id": programme.public_id}, programme)
    world.add(owner, "allocation", {"public_id": allocation.public_id}, allocation)


def _pipeline_objects(world: World, owner: str, organisation, manager) -> None:
    """Structure ``owner``'s computer programme for the pipeline (it collects and
    refurbishes alone): a donor with a contact, a collection, a device, an exchange received."""
    import datetime as dt

    from aiguillage.equipment import collection_actions, exchange_actions
    from aiguillage.equipment.collection_actions import ContactValues, DonorValues, ItemLine
    from tests.equipment import factories as equipment_factories

    programme = equipment_factories.programme(organisation, name=f"Collecte {owner}")
    programme.partners.update(roles=["collecte", "reconditionnement", "formation"])
    donor = collection_actions.create_donor(
        actor=manager, programme=programme, values=DonorValues(f"Donateur {owner}", "entreprise")
    )
    contact = collection_actions.save_contact(
        actor=manager, donor=donor, values=ContactValues("Contact", phone="0400000000")
    )
    collection = collection_actions.record_collection(
        actor=manager, programme=programme, donor=donor, collected_on=dt.date(2026, 1, 5),
        collected_by=organisation, items=[ItemLine("portable", 2)],
    )  # fmt: skip
    device = equipment_factories.device(collection, user=manager, serial=f"MATRIX-{owner}")
    exchange = exchange_actions.record_exchange(
        actor=manager, programme=programme, partner=organisation, direction="recu",
        on=dt.date(2026, 1, 6), quantity=1,
    )  # fmt: skip
    for kind, row in [
        ("equipment_programme", programme),
        ("donor", donor),
        ("collection", collection),
        ("device", device),
        ("exchange_received", exchange),
    ]:
        world.add(owner, kind, {"public_id": row.public_id}, row)
    world.add(
        owner, "donor_contact", {"public_id": donor.public_id, "contact_id": contact.pk}, contact
    )


def _territory_objects(world: World, owner: str, home: dict) -> None:
    """The territory's join request, import, merged duplicates and coverage analysis."""
    territory, commune, coordinator = home["territory"], home["commune"], home["coordinator"]
    newcomer = create_organisation(
        values={"name": f"Nouvelle structure {owner}", "kind": "association"},
        actor=factories.UserFactory(),
        join_territory=territory,
    )
    run = start_import(actor=coordinator, filename="lieux.csv", territory=territory)
    for latitude in (commune.latitude + 0.02, commune.latitude + 0.02001):
        factories.PlaceFactory(
            territory=territory,
            nom="EPN Jean Jaurès",
            adresse="12 avenue Jean Jaurès",
            commune=commune.name,
            code_insee=commune.insee_code,
            latitude=latitude,
            longitude=commune.longitude - 0.02,
        )
    merge_duplicates(actor=None, territories=[territory])
    with TestCase.captureOnCommitCallbacks(execute=True):
        analysis = start_coverage_run(
            actor=coordinator,
            territory=territory,
            settings=CoverageSettings(cell_size_m=1000, needs=("demarches",)),
        )
    analysis.refresh_from_db()
    assert analysis.is_done, analysis.error
    slug, join = territory.slug, newcomer.join_requests.get()
    merge = PlaceMerge.objects.get(kept__territory=territory)
    world.add(owner, "territory", {"slug": slug}, territory)
    world.add(owner, "export", {"territory_slug": slug, "file_format": "geojson"}, territory)
    world.add(owner, "join_request", {"slug": slug, "join_id": join.public_id}, join)
    world.add(owner, "import_run", {"public_id": run.public_id}, run)
    world.add(owner, "merge", {"merge_id": merge.pk}, merge)
    world.add(owner, "coverage_run", {"slug": slug, "public_id": analysis.public_id}, analysis)
    steering.steering_objects(world, owner, home)


def build_world() -> World:
    t = _territory("T", "test", "200040715", ("38185", "Grenoble", 45.1824, 5.7155))
    u = _territory("U", "ailleurs", "200000001", ("73065", "Chambéry", 45.5646, 5.9178))
    structures = {
        "A": factories.OrganisationFactory(name="Médiathèque du centre", territory=t["territory"]),
        "B": factories.OrganisationFactory(name="Centre social du sud", territory=t["territory"]),
        "other": factories.OrganisationFactory(name="Espace de vie", territory=u["territory"]),
    }
    managers = {
        owner: factories.MembershipFactory(organisation=structure, manager=True).user
        for owner, structure in structures.items()
    }
    world = World()
    world.users = {
        "manager_a": managers["A"],
        "member_a": factories.MembershipFactory(organisation=structures["A"]).user,
        "manager_b": managers["B"],
        "manager_other": managers["other"],
        "coordinator": t["coordinator"],
        "other_coordinator": u["coordinator"],
        "staff": factories.UserFactory(is_staff=True, email="equipe@aiguillage.test"),
    }
    for owner, structure in structures.items():
        home, away = (u, t) if owner == "other" else (t, u)
        _structure_objects(world, owner, structure, managers[owner], home, away)
    _territory_objects(world, "A", t)
    _territory_objects(world, "other", u)
    version = assessment_actions.current_referential()
    world.add(None, "referential", {"version": version.version}, version)
    world.add(None, "reset_token", {"uidb64": "MQ", "token": "lien-perime"}, None)
    world.add(None, None, {}, None)  # the routes whose address takes no argument
    return world

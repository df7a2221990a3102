"""The permission matrix, generated from the URL configuration (docs/security.md, issue 11).

Every named route but the admin's has an entry in ``ROUTES``: who may use it, as a rule over
personas and the owner of the object its address points to. Each route is requested by eight
personas, for an object of structure A, of structure B (same territory) and of the other
territory (for a territory's own objects: A's territory and the other one). Each answer is
classified: « allowed » (2xx, 400 or a redirect elsewhere: the request got past the permission
check), « login » (a redirect to the login page) or « denied » (403, 404, 405). A redirect to
the second factor's pages is never expected: conftest marks each persona's session as having
passed it. POST-only routes are also requested with GET (405 is denied), a refused POST must
leave its object as it was, and a person's data refused to someone outside the structure that
owns it answers 404 (its existence is hidden).

The rules come from the ``get_*_for_user`` fetchers and ``can_*`` predicates of each app's
``permissions.py`` and from docs/security.md, not from what the views happen to return. A new
route without an entry fails here: add it to ``ROUTES`` with the rule it is meant to follow.

The objects are built once for the module, through the apps' actions, in a transaction rolled
back at its end; each request runs in a savepoint rolled back after it, so that a POST that
deletes or answers leaves the next persona the same objects.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from aiguillage.accounts.actions import invite_colleague
from aiguillage.assessments import actions as assessment_actions
from aiguillage.coverage.actions import start_coverage_run
from aiguillage.coverage.engine import CoverageSettings
from aiguillage.organisations.actions import create_organisation, invite_organisation_to_territory
from aiguillage.people.actions import create_person
from aiguillage.people.rules import CONSENT_EXPLANATION
from aiguillage.places.dedup_actions import merge_duplicates
from aiguillage.places.importing import start_import
from aiguillage.places.models import PlaceMerge
from aiguillage.referrals.actions import send_referral
from tests import factories

# --- Personas and rules -------------------------------------------------------------------------


@dataclass(frozen=True)
class Persona:
    name: str
    structure: str | None = None  # "A", "B" or "other": the structure they belong to
    manager: bool = False
    coordinates: str | None = None  # the territory they coordinate: "T" (A's and B's) or "U"
    staff: bool = False


PERSONAS = (
    Persona("anonymous"),
    Persona("manager_a", structure="A", manager=True),
    Persona("member_a", structure="A"),
    Persona("manager_b", structure="B", manager=True),
    Persona("manager_other", structure="other", manager=True),
    Persona("coordinator", coordinates="T"),
    Persona("other_coordinator", coordinates="U"),
    Persona("staff", staff=True),
)
ANONYMOUS = PERSONAS[0]
BY_NAME = {persona.name: persona for persona in PERSONAS}
TERRITORY_OF = {"A": "T", "B": "T", "other": "U"}


@dataclass(frozen=True)
class Rule:
    name: str
    allows: Callable[[Persona, str | None], bool]  # (persona, owner of the object)

    def __or__(self, other: Rule) -> Rule:
        name = f"{self.name} | {other.name}"
        return Rule(name, lambda p, o: self.allows(p, o) or other.allows(p, o))


public = Rule("public", lambda p, o: True)
not_a_page = Rule("not_a_page", lambda p, o: False)  # 404 for everyone, logged in or not
nobody = Rule("nobody", lambda p, o: False)
logged_in = Rule("logged_in", lambda p, o: p is not ANONYMOUS)
with_a_structure = Rule("with_a_structure", lambda p, o: p.structure is not None)
members_of_owner = Rule("members_of_owner", lambda p, o: p.structure == o)
managers_of_owner = Rule("managers_of_owner", lambda p, o: p.structure == o and p.manager)
# accounts.permissions.is_coordinator: staff act as the coordination of every territory.
coordinator_of_territory = Rule(
    "coordinator_of_territory", lambda p, o: p.staff or p.coordinates == TERRITORY_OF[o]
)
coordinator_of_a_territory = Rule("coordinator_of_a_territory", lambda p, o: bool(p.coordinates))
staff_only = Rule("staff_only", lambda p, o: p.staff)


@dataclass(frozen=True)
class Route:
    rule: Rule
    kind: str | None = None  # what the address points to (see _structure_objects and others)
    methods: tuple[str, ...] = ("GET",)
    personal: bool = False  # shows a person's data: never to coordinators or staff
    also: tuple[tuple[str, Rule], ...] = ()  # other kinds of object, with their own rule

    def cases(self) -> list[tuple[str | None, Rule]]:
        return [(self.kind, self.rule), *self.also]


FORM, POST = ("GET", "POST"), ("POST",)
# The file stays with the structures that follow the person: a structure that received a
# referral of them sees the referral, never the file (referrals.permissions)...
FILE_STAYS = (("referred_person", nobody),)
# ...but may send them on elsewhere (get_person_for_redirection).
REDIRECTION = (("referred_person", members_of_owner),)
BOTH_SIDES = (("referral_received", members_of_owner),)
RECEIVER_ONLY = (("referral_sent", nobody),)  # the sender does not answer its own referral
SENDER_ONLY = (("referral_received", nobody),)  # the receiver does not cancel it
PERSON = Route(members_of_owner, "person", personal=True, also=FILE_STAYS)
PERSON_FORM = Route(members_of_owner, "person", FORM, personal=True, also=FILE_STAYS)
PERSON_POST = Route(members_of_owner, "person", POST, personal=True, also=FILE_STAYS)
COORDINATION = Route(coordinator_of_territory, "territory")

ROUTES: dict[str, Route] = {
    # Public: search, places, open data, health, API, login, password reset, invitation link.
    **dict.fromkeys(
        [
            "ui:home",
            "ui:liveness",
            "ui:readiness",
            "accounts:password_reset_done",
            "accounts:password_reset_complete",
            "places:search",
            "places:commune_suggestions",
            "places:search_geojson",
            "places:export",
            "api:openapi-json",
            "api:openapi-view",
            "api:list_places",
        ],
        Route(public),
    ),
    "api:api-root": Route(not_a_page),  # django-ninja's base address, for reverse() only
    "accounts:login": Route(public, methods=FORM),
    "accounts:password_reset": Route(public, methods=FORM),
    "accounts:password_reset_confirm": Route(public, "reset_token", FORM),
    "accounts:invitation": Route(public, "invitation_token", FORM),
    "places:place_detail": Route(public, "place"),
    "places:place_print": Route(public, "place"),
    "api:get_place": Route(public, "place"),
    "places:export_download": Route(public, "export"),
    # One's own account.
    "accounts:dashboard": Route(logged_in),
    "accounts:password_change": Route(logged_in, methods=FORM),
    "accounts:password_change_done": Route(logged_in),
    "accounts:logout": Route(logged_in, methods=POST),
    # The second factor's own pages (the session of each persona has passed it).
    "accounts:second_factor": Route(logged_in),
    "accounts:second_factor_setup": Route(logged_in, methods=FORM),
    "accounts:second_factor_verify": Route(logged_in, methods=FORM),
    "accounts:second_factor_recovery_codes": Route(logged_in, methods=POST),
    "accounts:switch_organisation": Route(logged_in, methods=POST),
    "organisations:organisation_create": Route(logged_in, methods=FORM),
    # A structure: its members see it, and its territory's coordinators (and staff).
    "organisations:organisation_detail": Route(
        members_of_owner | coordinator_of_territory, "organisation"
    ),
    # Managers run their team and staff step in; coordinators invite but change no role.
    "organisations:organisation_edit": Route(managers_of_owner | staff_only, "organisation", FORM),
    "organisations:member_role": Route(managers_of_owner | staff_only, "membership", POST),
    "organisations:member_remove": Route(managers_of_owner | staff_only, "membership", FORM),
    "organisations:invitation_create": Route(
        managers_of_owner | coordinator_of_territory, "organisation", FORM
    ),
    **dict.fromkeys(
        ["organisations:invitation_resend", "organisations:invitation_cancel"],
        Route(managers_of_owner | coordinator_of_territory, "invitation", POST),
    ),
    # A territory's invitation commits the whole structure: its managers answer.
    "organisations:territory_join": Route(managers_of_owner, "organisation", FORM),
    "organisations:territory_invitation_accept": Route(
        managers_of_owner, "territory_invitation", POST
    ),
    "organisations:territory_invitation_decline": Route(
        managers_of_owner, "territory_invitation", FORM
    ),
    # A territory's coordination.
    "organisations:territory_detail": COORDINATION,
    "organisations:join_request_accept": Route(coordinator_of_territory, "join_request", POST),
    "organisations:join_request_decline": Route(coordinator_of_territory, "join_request", FORM),
    "organisations:territory_invite_organisation": Route(
        coordinator_of_territory, "territory", FORM
    ),
    "organisations:territory_create_organisation": Route(
        coordinator_of_territory, "territory", FORM
    ),
    # Places: any member of the owning structure edits them, and the territory's coordinators.
    "places:manage": Route(logged_in),  # one's own structure's or territory's list
    # For the current structure or the coordinated territory (staff name one in the address).
    "places:place_create": Route(with_a_structure | coordinator_of_a_territory, methods=FORM),
    "places:place_edit": Route(members_of_owner | coordinator_of_territory, "place", FORM),
    "places:place_history": Route(members_of_owner | coordinator_of_territory, "place"),
    "places:import": Route(coordinator_of_a_territory | staff_only, methods=FORM),
    "places:merges": Route(coordinator_of_a_territory | staff_only),
    "places:import_detail": Route(coordinator_of_territory, "import_run"),
    "places:merge_undo": Route(coordinator_of_territory, "merge", POST),
    # People: only the structures that follow the person; lists show the current structure's.
    "people:person_list": Route(with_a_structure),
    "people:person_create": Route(with_a_structure, methods=FORM),
    "people:person_detail": PERSON,
    "people:person_edit": PERSON_FORM,
    "people:consent_withdraw": PERSON_POST,
    "people:person_delete": PERSON_POST,
    # Assessments: like the person's file; a draft only to the structure filling it in.
    "assessments:assessment_start": PERSON_FORM,
    "assessments:consent_evaluation": PERSON_FORM,
    **dict.fromkeys(
        ["assessments:assessment_detail", "assessments:assessment_result"],
        Route(members_of_owner, "assessment", personal=True),
    ),
    **dict.fromkeys(
        ["assessments:screening_question", "assessments:screening_review"],
        Route(members_of_owner, "screening_draft", FORM, personal=True),
    ),
    **dict.fromkeys(
        ["assessments:in_depth_item", "assessments:in_depth_conclusion"],
        Route(members_of_owner, "in_depth_draft", FORM, personal=True),
    ),
    **dict.fromkeys(
        ["assessments:assessment_wording", "assessments:assessment_abandon"],
        Route(members_of_owner, "screening_draft", POST, personal=True),
    ),
    # Anonymous statistics for the territory's coordinators; the referential for staff.
    "assessments:assessment_stats": COORDINATION,
    "assessments:assessment_stats_csv": COORDINATION,
    "assessments:referential_list": Route(staff_only, methods=FORM),
    "assessments:referential_download": Route(staff_only, "referential"),
    # Referrals: the sending and receiving structures only; the receiver answers, the sender
    # cancels. Sending starts from a person the current structure follows, or redirects.
    "referrals:referral_list": Route(with_a_structure),
    "referrals:referral_start": Route(with_a_structure, methods=FORM),
    "referrals:referral_need": Route(
        members_of_owner, "person", FORM, personal=True, also=REDIRECTION
    ),
    "referrals:referral_matches": Route(
        members_of_owner, "person", personal=True, also=REDIRECTION
    ),
    "referrals:referral_confirm": Route(
        members_of_owner,
        "person_and_place",
        FORM,
        personal=True,
        also=(("referred_person_and_place", members_of_owner),),
    ),
    **dict.fromkeys(
        ["referrals:referral_detail", "referrals:referral_print"],
        Route(members_of_owner, "referral_sent", personal=True, also=BOTH_SIDES),
    ),
    "referrals:referral_cancel": Route(
        members_of_owner, "referral_sent", POST, personal=True, also=SENDER_ONLY
    ),
    **dict.fromkeys(
        [
            "referrals:referral_accept",
            "referrals:referral_decline",
            "referrals:referral_came",
            "referrals:referral_no_show",
            "referrals:referral_done",
        ],
        Route(members_of_owner, "referral_received", POST, personal=True, also=RECEIVER_ONLY),
    ),
    "referrals:referral_redirect": Route(
        members_of_owner, "referral_received", personal=True, also=RECEIVER_ONLY
    ),
    "referrals:referral_stats": COORDINATION,
    "referrals:referral_stats_csv": COORDINATION,
    # Coverage: the territory's coordination.
    "coverage:overview": COORDINATION,
    "coverage:compare": COORDINATION,
    "coverage:parameters": Route(coordinator_of_territory, "territory", FORM),
    "coverage:run_start": Route(coordinator_of_territory, "territory", POST),
    **dict.fromkeys(
        [
            "coverage:run_detail",
            "coverage:run_csv",
            "coverage:run_map",
            "coverage:suggestions",
            "coverage:scenario",
        ],
        Route(coordinator_of_territory, "coverage_run"),
    ),
}

# A structure's objects exist for A, B and the other territory's structure; a territory's for
# T (owner "A") and U (owner "other"); a few belong to nobody.
STRUCTURE_OWNERS = ("A", "B", "other")
TERRITORY_OWNERS = ("A", "other")
TERRITORY_KINDS = {"territory", "export", "join_request", "import_run", "merge", "coverage_run"}
UNOWNED_KINDS = {None, "referential", "reset_token"}


def _owners(kind: str | None) -> tuple[str | None, ...]:
    if kind in UNOWNED_KINDS:
        return (None,)
    return TERRITORY_OWNERS if kind in TERRITORY_KINDS else STRUCTURE_OWNERS


# --- The routes of the URL configuration --------------------------------------------------------


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and ":".join(filter(None, [namespace, pattern.name]))
            yield name, prefix + str(pattern.pattern)


def _skipped(name: str | None, path: str) -> bool:
    # The admin checks staff itself (test_the_admin_sends_others_to_its_login_page).
    served = [url.strip("/") + "/" for url in (settings.STATIC_URL, settings.MEDIA_URL) if url]
    return (name or "").startswith("admin:") or path.startswith(("admin/", *served))


URL_ROUTES = [(name, path) for name, path in _walk(get_resolver()) if not _skipped(name, path)]
NAMED_ROUTES = sorted({name for name, _ in URL_ROUTES if name})


def test_every_route_has_a_name():
    unnamed = [path for name, path in URL_ROUTES if not name]
    assert not unnamed, f"Name these routes and give each an entry in ROUTES: {unnamed}"


def test_every_route_has_an_entry_in_the_matrix():
    missing = [name for name in NAMED_ROUTES if name not in ROUTES]
    assert not missing, (
        f"Routes without a permission rule: {missing}. Add each to ROUTES in "
        "tests/test_permission_matrix.py: who may use it, and what its address points to."
    )


def test_every_entry_of_the_matrix_is_still_a_route():
    stale = sorted(set(ROUTES) - set(NAMED_ROUTES))
    assert not stale, f"These entries of ROUTES name no route any more, remove them: {stale}"


# --- What the table itself must never say -------------------------------------------------------


def _reaches(names: tuple[str, ...], *, personal_only: bool = False, owner: str = "") -> list:
    return [
        (route_name, kind, persona)
        for route_name, route in ROUTES.items()
        if route.rule is not public and (route.personal or not personal_only)
        for kind, rule in route.cases()
        for persona in names
        for o in _owners(kind)
        if (o == owner or not owner) and rule.allows(BY_NAME[persona], o)
    ]


def test_only_public_routes_are_open_to_anonymous_visitors():
    assert not _reaches(("anonymous",))


def test_no_coordinator_or_staff_member_reaches_a_persons_data():
    assert not _reaches(("coordinator", "other_coordinator", "staff"), personal_only=True)


def test_structure_b_and_the_other_territory_never_reach_the_objects_of_a():
    assert not _reaches(("manager_b", "manager_other", "other_coordinator"), owner="A")


# --- The objects: one per kind and owner, through the actions -----------------------------------

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
    media: object = None  # the folder of the coverage analyses' files

    def add(self, owner: str | None, kind: str, args: dict, row) -> None:
        self.args[kind, owner] = args
        self.rows[kind, owner] = row


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
    receives from the structures under test."""
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
    return {
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


def _structure_objects(world: World, owner: str, organisation, manager, home, away) -> None:
    """Structure ``owner``'s place, person, assessments, referrals, team and invitations."""
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
    world.add(owner, "referred_person", {"public_id": referred.public_id}, referred)
    for kind, who in [("person_and_place", person), ("referred_person_and_place", referred)]:
        world.add(owner, kind, {"public_id": who.public_id, "place_id": place.public_id}, who)
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


def _build_world() -> World:
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


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Every object of the matrix, built once for the module and rolled back after it."""
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(MEDIA_ROOT=media):
            built = _build_world()
        built.media = media
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def matrix(db, settings, world):
    settings.MEDIA_ROOT = world.media  # where the coverage analyses were written
    return world


# --- Requests, and what their answers mean ------------------------------------------------------

LOGIN_PATH = reverse(settings.LOGIN_URL)
# A gate like the login page: never what a rule expects (each persona's session passed it).
SECOND_FACTOR_PATHS = {reverse(f"accounts:second_factor_{page}") for page in ("setup", "verify")}


def _outcome(response) -> str:
    if 300 <= response.status_code < 400:
        path = urlsplit(response["Location"]).path
        if path in SECOND_FACTOR_PATHS:
            return "second factor"
        return "login" if path == LOGIN_PATH else "allowed"
    return "denied" if response.status_code in (403, 404, 405) else "allowed"


def _expected(route: Route, rule: Rule, persona: Persona, owner, method: str) -> str:
    if method in route.methods and rule.allows(persona, owner):
        return "allowed"
    if persona is ANONYMOUS and rule not in (public, not_a_page):
        return "login"
    return "denied"


def _state(row) -> dict | None:
    """What a refused POST must leave as it was: the object's row (None once deleted)."""
    return None if row is None else type(row).objects.filter(pk=row.pk).values().first()


def _ask(client: Client, method: str, url: str, row) -> tuple[object, bool]:
    """The answer, and whether a POST changed the object; all the request did is then undone."""
    cookies = copy.deepcopy(client.cookies)  # a logout must not log the persona out for good
    with transaction.atomic():
        if method == "GET":
            response, changed = client.get(url), False
        else:
            before = _state(row)
            response = client.post(url)
            changed = _state(row) != before
        transaction.set_rollback(True)
    client.cookies = cookies
    return response, changed


def _clients(world: World) -> dict[str, Client]:
    clients = {persona.name: Client() for persona in PERSONAS}
    for name, user in world.users.items():
        clients[name].force_login(user)
    return clients


def _failures(route: Route, rule: Rule, persona: Persona, owner, method, response, changed):
    got, wanted = _outcome(response), _expected(route, rule, persona, owner, method)
    status = response.status_code
    if got != wanted:
        hole = "  <-- PERMISSION HOLE" if got == "allowed" else ""
        yield f"{status}, {got}; {rule.name} says {wanted}{hole}"
    if changed and wanted != "allowed":
        yield f"{status}, {got}; yet the POST changed the object"
    # A person's data does not exist (404) for other structures, coordinators and staff.
    hidden = persona.structure == owner or status in (404, 405)
    if route.personal and got == "denied" and not hidden:
        yield f"{status}; the object must be hidden (404)"


@pytest.mark.parametrize("name", NAMED_ROUTES)
def test_route_answers_each_persona_as_its_rule_says(matrix, name):
    if name not in ROUTES:
        pytest.fail(f"{name} has no entry in ROUTES: add one with who may use it.")
    route, clients, failures = ROUTES[name], _clients(matrix), []
    methods = ["GET", "POST"] if "POST" in route.methods else ["GET"]
    for kind, rule in route.cases():
        for owner in _owners(kind):
            url, row = reverse(name, kwargs=matrix.args[kind, owner]), matrix.rows[kind, owner]
            for persona, method in itertools.product(PERSONAS, methods):
                response, changed = _ask(clients[persona.name], method, url, row)
                case = f"{method} {url} ({kind or '-'} of {owner or '-'}) as {persona.name}"
                found = _failures(route, rule, persona, owner, method, response, changed)
                failures += [f"{case}: {failure}" for failure in found]
            if route.methods == POST:
                methods = ["POST"]  # GET gets its 405 before any lookup: once is enough
    assert not failures, "\n".join(failures)


def test_the_admin_sends_others_to_its_login_page(client, owner):
    for user in (None, owner):  # an anonymous visitor, then a structure's manager
        if user is not None:
            client.force_login(user)
        response = client.get("/admin/")
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == reverse("admin:login")

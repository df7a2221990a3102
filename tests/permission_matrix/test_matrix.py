"""The permission matrix's tests: each named route against its entry in ``routes.ROUTES`` (see
the package's docstring), and what the table itself must never say."""

from __future__ import annotations

import copy
import itertools
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.permission_matrix.objects import World, build_world, owners
from tests.permission_matrix.personas import (
    ANONYMOUS,
    BY_NAME,
    PERSONAS,
    POST,
    Persona,
    Route,
    Rule,
    not_a_page,
    public,
)
from tests.permission_matrix.routes import ROUTES, SHARED_WITH_THE_TERRITORY

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
        "tests/permission_matrix/routes.py: who may use it, and what its address points to."
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
        for o in owners(kind)
        if (o == owner or not owner) and rule.allows(BY_NAME[persona], o)
    ]


def test_only_public_routes_are_open_to_anonymous_visitors():
    assert not _reaches(("anonymous",))


def test_no_coordinator_or_staff_member_reaches_a_persons_data():
    assert not _reaches(("coordinator", "other_coordinator", "staff"), personal_only=True)


def test_structure_b_and_the_other_territory_never_reach_the_objects_of_a():
    assert not _reaches(("manager_other", "other_coordinator"), owner="A")
    # Structure B reaches only what A shares with its territory: its published workshops.
    reached = _reaches(("manager_b",), owner="A")
    assert not [
        (name, kind) for name, kind, _ in reached if (name, kind) not in SHARED_WITH_THE_TERRITORY
    ]


# --- The objects, built once for the module ---------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Every object of the matrix, built once for the module and rolled back after it."""
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(MEDIA_ROOT=media):
            built = build_world()
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
    hidden = hidden or (status == 403 and route.answers_403_to.allows(persona, owner))
    if route.personal and got == "denied" and not hidden:
        yield f"{status}; the object must be hidden (404)"


@pytest.mark.parametrize("name", NAMED_ROUTES)
def test_route_answers_each_persona_as_its_rule_says(matrix, name):
    if name not in ROUTES:
        pytest.fail(f"{name} has no entry in ROUTES: add one with who may use it.")
    route, clients, failures = ROUTES[name], _clients(matrix), []
    methods = ["GET", "POST"] if "POST" in route.methods else ["GET"]
    for kind, rule in route.cases():
        for owner in owners(kind):
            url = reverse(name, kwargs=matrix.args[kind, owner]) + matrix.queries[kind, owner]
            row = matrix.rows[kind, owner]
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

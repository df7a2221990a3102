"""Who reaches each page: anonymous visitors, a member and a manager of the organising
structure, a member of another structure of the territory, a member of another
territory, the territory's coordinator and staff. Outsiders get 404, those who may see
but not run get 403."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from aiguillage.workshops import enrolment_actions
from tests.workshops import factories as wf

pytestmark = pytest.mark.django_db
PERSONAS = [
    "anonymous",
    "colleague_read_only",
    "owner",
    "outsider",
    "stranger",
    "coordinator",
    "staff",
]


@pytest.fixture
def world(owner, organisation, session, cycle, social_worker, social_organisation, person):
    enrolment = enrolment_actions.enrol_person(
        actor=social_worker, target=cycle, person=person,
        prescriber_organisation=social_organisation,
    )  # fmt: skip
    hidden = wf.session(owner, organisation, days=30, is_published=False)
    return {"session": session, "cycle": cycle, "enrolment": enrolment, "hidden": hidden}


def _status(request, persona: str, method: str, url: str, data=None) -> int:
    client = Client()
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    if response.status_code == 302 and "/connexion/" in response["Location"]:
        return 401  # sent to the login page
    return response.status_code


# (url name, object, method) → expected status per persona, in PERSONAS order.
VIEW = [401, 200, 200, 200, 404, 200, 200]
MANAGE = [401, 200, 200, 403, 404, 403, 403]
MANAGE_POST = [401, 302, 302, 403, 404, 403, 403]
HIDDEN = [401, 200, 200, 404, 404, 404, 404]
ENROLMENT = [401, 200, 200, 404, 404, 404, 404]
CASES = [
    ("session_detail", "session", "get", VIEW),
    ("cycle_detail", "cycle", "get", VIEW),
    ("session_detail", "hidden", "get", HIDDEN),
    ("roll_call", "session", "get", MANAGE),
    ("sign_in_sheet", "session", "get", MANAGE),
    ("session_move", "session", "get", MANAGE),
    ("session_cancel", "session", "get", MANAGE),
    ("session_enrol_anonymous", "session", "post", [401, 400, 400, 403, 404, 403, 403]),
    ("session_capacity", "session", "post", [401, 400, 400, 403, 404, 403, 403]),
    ("cycle_capacity", "cycle", "post", [401, 400, 400, 403, 404, 403, 403]),
    # Members of the territory's structures enrol their people; coordinators have none.
    ("session_enrol", "session", "get", [401, 200, 200, 200, 404, 403, 403]),
    ("cycle_enrol", "cycle", "get", [401, 200, 200, 200, 404, 403, 403]),
    ("session_enrol", "hidden", "get", [401, 200, 200, 404, 404, 404, 404]),
    ("enrolment_detail", "enrolment", "get", ENROLMENT),
    ("enrolment_charter", "enrolment", "post", [401, 302, 302, 404, 404, 404, 404]),
]


@pytest.mark.parametrize(("name", "key", "method", "expected"), CASES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_reaches_what_it_may(request, world, name, key, method, expected, persona):
    url = reverse(f"workshops:{name}", args=[world[key].public_id])
    assert _status(request, persona, method, url) == expected[PERSONAS.index(persona)]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_prescriber_sees_the_enrolment_it_made(request, world, social_worker, persona):
    client = Client()
    client.force_login(social_worker)
    url = reverse("workshops:enrolment_detail", args=[world["enrolment"].public_id])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 401),
        ("colleague_read_only", 200),
        ("owner", 200),
        ("outsider", 200),  # their own structure's list
        ("stranger", 200),
        ("coordinator", 403),  # no structure
        ("staff", 403),
    ],
)
@pytest.mark.parametrize("name", ["session_list", "session_create", "series_create"])
def test_structure_pages_need_a_structure(request, world, name, persona, expected):
    assert _status(request, persona, "get", reverse(f"workshops:{name}")) == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 401),
        ("colleague_read_only", 403),
        ("owner", 403),
        ("outsider", 403),
        ("stranger", 404),
        ("coordinator", 200),
        ("staff", 200),
    ],
)
def test_the_catalogue_is_the_coordination_s(request, world, territory, persona, expected):
    url = reverse("workshops:catalogue", args=[territory.slug])
    assert _status(request, persona, "get", url) == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_public_pages_are_open_to_all(request, world, territory, place, persona):
    for url in (
        reverse("workshops:public_list", args=[territory.slug]),
        reverse("workshops:territory_ics", args=[territory.slug]),
        reverse("workshops:place_ics", args=[place.public_id]),
    ):
        assert _status(request, persona, "get", url) == 200


def test_enrolling_from_a_person_s_page_needs_to_follow_the_person(
    world, client, owner, social_worker, person
):
    url = reverse("workshops:enrol_for_person") + f"?personne={person.public_id}"
    client.force_login(owner)
    assert client.get(url).status_code == 404  # the library does not follow Fatima
    client.force_login(social_worker)
    assert client.get(url).status_code == 200


def test_the_organiser_cannot_enrol_someone_it_does_not_follow(world, client, owner, person):
    client.force_login(owner)
    url = reverse("workshops:session_enrol", args=[world["session"].public_id])
    assert client.post(url, {"person": person.public_id}).status_code == 404


def test_other_structures_see_only_the_people_they_enrolled(
    world, client, outsider, social_worker, owner, organisation
):
    wf.enrol(owner, organisation, world["cycle"], "Ali")
    url = reverse("workshops:cycle_detail", args=[world["cycle"].public_id])
    client.force_login(outsider)
    page = client.get(url).content.decode()
    assert "Fatima" not in page and "Ali" not in page
    client.force_login(social_worker)
    page = client.get(url).content.decode()
    assert "Fatima Benali" in page and "Ali" not in page
    client.force_login(owner)
    page = client.get(url).content.decode()
    # The organiser reads Fatima's first name (the orientation consent), not her file.
    assert "Fatima" in page and "Benali" not in page and "Ali" in page

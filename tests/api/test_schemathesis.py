"""Every operation of /api/v1/openapi.json, fuzzed by schemathesis: no 500, answers as documented.

The schema is read from the application itself, through WSGI as a client reads it. Each
operation gets a bounded, reproducible run: the schema's examples, the coverage cases
schemathesis derives from it (valid and invalid values of every parameter, other methods),
then generated requests. Each answer must be no server error, with a documented status code,
content type and body.
"""

from __future__ import annotations

import json
import uuid

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from config.wsgi import application
from tests import factories

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


def errors_are_json_with_a_message(ctx, response, case):
    """Every 4xx, documented or not (405 for another method), is JSON with an "erreur" text."""
    if 400 <= response.status_code < 500:
        content_type = response.headers.get("content-type", [""])[0]
        assert content_type.startswith("application/json"), (
            f"{response.status_code} en {content_type}"
        )
        assert json.loads(response.content).get("erreur"), "pas de message « erreur »"


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    unsupported_method,
    errors_are_json_with_a_message,
]

# Fixed ids, so that generated requests for one place also ask for places that exist.
PUBLISHED = uuid.UUID("6f1c1b84-3c52-4d8e-9a55-2f0e4b1d7a01")
WITHOUT_HOURS = uuid.UUID("6f1c1b84-3c52-4d8e-9a55-2f0e4b1d7a02")
UNPUBLISHED = uuid.UUID("6f1c1b84-3c52-4d8e-9a55-2f0e4b1d7a03")


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    if not path_parameters or "public_id" not in path_parameters:
        return st.just(path_parameters)
    ids = [str(PUBLISHED), str(WITHOUT_HOURS), str(UNPUBLISHED)]
    known = st.sampled_from(ids).map(lambda public_id: {**path_parameters, "public_id": public_id})
    return st.one_of(st.just(path_parameters), known)


@pytest.fixture
def places(territory):
    """Places that searches find (or not) and that the one-place operation can be asked for."""
    factories.PlaceFactory(territory=territory, nom="Proche", public_id=PUBLISHED)
    factories.PlaceFactory(territory=territory, nom="Sans horaires", horaires="")
    factories.PlaceFactory(
        territory=territory,
        nom="Sans coordonnées ni horaires",
        public_id=WITHOUT_HOURS,
        latitude=None,
        longitude=None,
        horaires="",
    )
    factories.PlaceFactory(
        territory=territory,
        nom="Loin",
        latitude=45.1439,
        longitude=5.7192,
        horaires="Sa 09:00-12:00",
        services=["Accès internet et matériel informatique"],
        languages=["ar"],
        prise_en_charge_specifique=["Illettrisme"],
        prise_rdv="https://rdv.exemple.fr",
    )
    factories.PlaceFactory(
        territory=territory, nom="Caché", public_id=UNPUBLISHED, unpublished=True
    )


@pytest.fixture
def _requests_keep_the_test_transaction():
    """As Django's test client does: the end of a request must not close the test's connection
    (which would lose the places, created in the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("places", "_requests_keep_the_test_transaction")
@schema.parametrize()
@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    # The places are created once per operation, not per example: requests only read them.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_answers_as_documented_and_never_with_a_server_error(case):
    case.call_and_validate(checks=CHECKS)


# Values the generator seldom draws, each of which once got a 500: opening-hours arithmetic
# overflowed near the years 1 and 9999, and PostgreSQL refused a NUL in the territory code.
EDGE_QUERIES = [
    {"ouvert_a": "9999-12-31T23:59:59Z"},
    {"ouvert_a": "0001-01-01T00:00:00+14:00"},
    {"ouvert_a": "9999-12-25T10:00:00", "disponibilites": "Mo-Su 00:00-24:00"},
    {"territoire": "\x00"},
]


@pytest.mark.usefixtures("places", "_requests_keep_the_test_transaction")
@pytest.mark.parametrize("query", EDGE_QUERIES)
def test_edge_values_get_a_documented_400_in_french(query):
    case = schema["/api/v1/lieux"]["GET"].Case(query=query)
    response = case.call_and_validate(checks=CHECKS)
    assert response.status_code == 400
    assert response.json()["erreur"]

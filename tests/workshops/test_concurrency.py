"""Two professionals enrolling the last seat at once: real concurrent requests from threads
with their own database connections, on whichever database the suite runs (SQLite, where
IMMEDIATE transactions serialise writers, and PostgreSQL, where the cycle's or session's
row lock does).

The invariant, whatever the interleaving: never more people holding a seat than seats; the
others are on the waiting list, in order, and every request answers normally (no 500).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from aiguillage.workshops import enrolment_actions
from aiguillage.workshops.models import Cycle, Enrolment, EnrolmentStatus
from tests import factories
from tests.workshops import factories as wf

pytestmark = pytest.mark.django_db(transaction=True)
E = EnrolmentStatus
ROUNDS = 5


def _in_thread(target: Callable[[], None]) -> threading.Thread:
    def run() -> None:
        try:
            target()
        finally:
            # Each thread has its own connection: close it, or the test database
            # cannot be flushed at the end.
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _all_at_once(jobs: list[Callable[[], object]]) -> list:
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)
    errors: list[BaseException] = []

    def worker(index: int, job: Callable[[], object]) -> Callable[[], None]:
        def run() -> None:
            barrier.wait()
            try:
                results[index] = job()
            except BaseException as error:  # reported below, in the test's thread
                errors.append(error)

        return run

    threads = [_in_thread(worker(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.fixture
def prescribers(territory):
    """Two structures of the territory, one professional each, each following one person."""
    pairs = []
    for name in ("CCAS", "Centre social"):
        organisation = factories.OrganisationFactory(name=name, territory=territory)
        user = factories.MembershipFactory(organisation=organisation).user
        pairs.append((user, organisation))
    return pairs


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_two_requests_for_the_last_seat_one_gets_it_the_other_waits(
    owner, organisation, prescribers
):
    clients = [_client(user) for user, _ in prescribers]
    for _ in range(ROUNDS):
        cycle = wf.cycle(owner, organisation, sessions=2, capacity=3)
        wf.enrol(owner, organisation, cycle, "Ali")
        wf.enrol(owner, organisation, cycle, "Binta")
        people = [wf.person(user, org, f"Personne {org.name}") for user, org in prescribers]
        url = reverse("workshops:cycle_enrol", args=[cycle.public_id])
        responses = _all_at_once(
            [
                lambda c=client, p=person, u=url: c.post(u, {"person": p.public_id}, follow=True)
                for client, person in zip(clients, people, strict=True)
            ]
        )
        assert [r.status_code for r in responses] == [200, 200]
        statuses = sorted(
            Enrolment.objects.filter(person__in=people).values_list("status", flat=True)
        )
        assert statuses == [E.ENROLLED, E.WAITING]
        assert Enrolment.objects.for_target(cycle).seated().count() == 3
        texts = [r.content.decode() for r in responses]
        assert sum("liste d&#x27;attente" in t for t in texts) >= 1


def test_many_enrolments_at_once_never_overbook(owner, organisation, territory):
    session = wf.session(owner, organisation, capacity=3)
    people = [wf.person(owner, organisation, f"Personne {i}") for i in range(8)]
    jobs = [
        lambda p=person: enrolment_actions.enrol_person(
            actor=owner, target=session, person=p, prescriber_organisation=organisation
        )
        for person in people
    ]
    _all_at_once(jobs)
    enrolments = Enrolment.objects.for_target(session)
    assert enrolments.seated().count() == 3
    assert enrolments.waiting().count() == 5


def test_an_enrolment_waits_for_a_colleague_holding_the_cycle(owner, organisation, prescribers):
    """A transaction holding the cycle's row makes the request wait for the lock, then count
    the seat the colleague took: the request lands on the waiting list."""
    cycle = wf.cycle(owner, organisation, sessions=2, capacity=1)
    user, prescriber = prescribers[0]
    person = wf.person(user, prescriber, "Karim")
    colleague = wf.person(owner, organisation, "Lina")
    client = _client(user)
    url = reverse("workshops:cycle_enrol", args=[cycle.public_id])
    result: dict = {}
    started = threading.Event()

    with transaction.atomic():
        Cycle.objects.select_for_update().get(pk=cycle.pk)
        enrolment_actions.enrol_person(
            actor=owner, target=cycle, person=colleague, prescriber_organisation=organisation
        )

        def late() -> None:
            started.set()
            result["response"] = client.post(url, {"person": person.public_id}, follow=True)

        thread = _in_thread(late)
        started.wait(timeout=10)
        thread.join(timeout=0.5)
        if connection.vendor == "postgresql":
            assert thread.is_alive(), "the second request must wait for the row lock"
    thread.join(timeout=60)

    assert result["response"].status_code == 200
    assert Enrolment.objects.get(person=person).status == E.WAITING
    assert Enrolment.objects.get(person=colleague).status == E.ENROLLED

"""Stock and throughput figures against a hand-computed programme (docs/equipment.md,
« Stock figures »).

The programme, period 1 January – 30 June 2026 (Europe/Paris):
- collection A on 10/01: d1…d6; collection B on 05/03: d7, d8; d9 received from the
  refurbisher on 20/12/2025 (before the period);
- d1 installed 20/02 (handed over 10/02), d2 installed 20/04 (handed 10/04), d3 installed
  30/04 (handed 15/04): 41, 100 and 110 days after 10/01;
- d4 recycled 20/01, d5 recycled 15/03; d6 ready; d7, d8, d9 collected.

Per month:  Jan: 6 in, 1 recycled · Feb: 1 handed, 1 installed · Mar: 2 in, 1 recycled ·
Apr: 2 handed, 2 installed · May, Jun: nothing. Totals: 8 in, 2 recycled, 3 handed, 3
installed; median 100 days, mean 83.7.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from aiguillage.equipment import device_actions, exchange_actions, stock
from aiguillage.equipment.device_actions import DeviceFacts, MoveDetails
from aiguillage.equipment.models import Allocation
from tests.equipment import factories as ef

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
START, END = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
PERIOD = {"periode": "dates", "du": "2026-01-01", "au": "2026-06-30"}


def noon(month: int, day: int, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, 12, tzinfo=PARIS)


def _register(programme, user, *, collection=None, exchange=None, at):
    return device_actions.register_device(
        actor=user,
        organisation=None,
        programme=programme,
        facts=DeviceFacts("portable"),
        collection=collection,
        exchange=exchange,
        at=at,
    )


def _walk(device, user, steps):
    details = {
        "efface": ef.ERASED,
        "reconditionne": ef.REFURBISHED,
        "recycle": MoveDetails(recycled_reason="HS", recycler="Envie"),
    }
    for to, at in steps:
        device = device_actions.move(
            actor=user,
            organisation=None,
            device=device,
            to=to,
            details=details.get(to),
            for_allocation=to in ("reserve", "remis", "installe"),
            at=at,
        )
    return device


TO_READY = [
    ("diagnostique", noon(1, 11)),
    ("efface", noon(1, 12)),
    ("reconditionne", noon(1, 13)),
    ("pret", noon(1, 14)),
]


@pytest.fixture
def figures(programme, donor, collector_org, partner, refurbisher_org, organisation):
    a = ef.recorded_collection(
        programme, by=collector_org, user=partner, donor_=donor, on=dt.date(2026, 1, 10)
    )
    b = ef.recorded_collection(
        programme, by=collector_org, user=partner, donor_=donor, on=dt.date(2026, 3, 5)
    )
    d = [_register(programme, partner, collection=a, at=noon(1, 10)) for _ in range(6)]
    d += [_register(programme, partner, collection=b, at=noon(3, 5)) for _ in range(2)]
    exchange = exchange_actions.record_exchange(
        actor=partner,
        programme=programme,
        partner=refurbisher_org,
        direction="recu",
        on=dt.date(2025, 12, 20),
        quantity=1,
    )
    _register(programme, partner, exchange=exchange, at=noon(12, 20, 2025))
    installs = [
        (d[0], noon(2, 1), noon(2, 10), noon(2, 20)),
        (d[1], noon(4, 1), noon(4, 10), noon(4, 20)),
        (d[2], noon(4, 1), noon(4, 15), noon(4, 30)),
    ]
    for device, reserved, handed, installed in installs:
        _walk(
            device,
            partner,
            [*TO_READY, ("reserve", reserved), ("remis", handed), ("installe", installed)],
        )
        # The gift's own row, as allocation_actions leaves it once installed.
        Allocation.objects.create(
            programme=programme,
            organisation=organisation,
            status="installe",
            device=device,
            requested_at=noon(1, 5),
            installed_on=installed.date(),
            created_by=partner,
        )
    _walk(d[3], partner, [("recycle", noon(1, 20))])
    _walk(d[4], partner, [("diagnostique", noon(3, 1)), ("recycle", noon(3, 15))])
    _walk(d[5], partner, TO_READY)
    return programme


def test_counts_per_state_now(figures):
    counts = {line.state: line.count for line in stock.state_counts(figures)}
    assert counts == {
        "collecte": 3,
        "diagnostique": 0,
        "efface": 0,
        "reconditionne": 0,
        "pret": 1,
        "reserve": 0,
        "remis": 0,
        "installe": 3,
        "recycle": 2,
    }
    assert stock.in_stock_count(stock.state_counts(figures)) == 4


def test_age_of_stock(figures):
    # On 1 May: d6 (10/01, 111 days) and d9 (20/12, 132 days); d7, d8 (05/03, 57 days).
    assert stock.stock_age(figures, dt.date(2026, 5, 1)) == {
        "moins de 30 jours": 0,
        "30 à 89 jours": 2,
        "90 à 179 jours": 2,
        "180 jours et plus": 0,
    }


def test_devices_in_and_out_per_month(figures):
    flows = [
        (f.month.month, f.received, f.recycled, f.handed_over, f.installed)
        for f in stock.monthly_flows(figures, START, END)
    ]
    assert flows == [
        (1, 6, 1, 0, 0),
        (2, 0, 0, 1, 1),
        (3, 2, 1, 0, 0),
        (4, 0, 0, 2, 2),
        (5, 0, 0, 0, 0),
        (6, 0, 0, 0, 0),
    ]


def test_people_columns_are_masked_and_devices_are_not(figures):
    table = stock.flow_table(stock.monthly_flows(figures, START, END))
    assert table.total == {
        "received": "8",
        "recycled": "2",
        "handed_over": "< 5",
        "installed": "< 5",
    }
    january = table.rows[0][1]
    assert january["received"] == "6" and january["installed"] == "< 5"
    assert stock.people_equipped(figures, START, END) == "< 5"
    assert stock.people_equipped(figures, dt.date(2026, 5, 1), END) == "0"


def test_time_from_reception_to_installation(figures):
    found = stock.installation_durations(figures, START, END)
    assert (found.count, found.median, round(found.mean, 1)) == (3, 100.0, 83.7)
    only_april = stock.installation_durations(figures, dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert (only_april.count, only_april.median) == (2, 105.0)


def test_the_figures_page_and_its_csv(client, figures, coordinator):
    client.force_login(coordinator)  # the territory's coordinator reads the figures
    page = client.get(reverse("equipment:stock_stats", args=[figures.public_id]), PERIOD)
    text = page.content.decode()
    assert page.status_code == 200
    assert "<strong>100 j</strong>" in text and "moyenne 84 j" in text
    assert "<strong>4</strong> <span>appareils en stock" in text
    assert '<tr><th scope="row">Janvier 2026</th><td>6</td><td>1</td>' in text
    response = client.get(reverse("equipment:stock_stats_csv", args=[figures.public_id]), PERIOD)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["mois", "entrés", "recyclés", "remis", "installés"]
    assert rows[1] == ["2026-01", "6", "1", "< 5", "< 5"]
    assert rows[-1] == ["total", "8", "2", "< 5", "< 5"]
    assert response["Content-Disposition"].startswith("attachment;")

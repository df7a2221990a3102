"""The demo replays Ordi'Pratique's computers through the actions: the programme's figures
for 2016–2019 read the bilan's 58 computers installed for 84 people trained."""

from __future__ import annotations

import datetime as dt

from aiguillage.demo.chambery import seed_chambery_bilan
from aiguillage.demo.chambery_equipment import INSTALLED, NAME, seed_chambery_equipment
from aiguillage.equipment import stock
from aiguillage.equipment.models import Allocation, Device, DeviceState, Programme
from aiguillage.workshops.models import Enrolment
from tests.workshops.test_demo_bilan import chambery  # noqa: F401  (fixture)

BILAN_YEARS = (dt.date(2016, 1, 1), dt.date(2019, 12, 31))


def test_the_demo_gives_58_computers_to_people_who_completed_the_cycle(chambery):  # noqa: F811
    assert seed_chambery_bilan() is True
    assert seed_chambery_equipment() is True
    programme = Programme.objects.get(name=NAME)
    assert programme.is_demo

    installed = Allocation.objects.equipped().filter(programme=programme)
    assert installed.count() == INSTALLED == 58
    # Every one of them completed an Ordi'Pratique cycle, and was installed in the bilan years.
    completed = set(Enrolment.objects.completed().values_list("person_id", flat=True))
    assert set(installed.values_list("person_id", flat=True)) <= completed
    assert all(
        BILAN_YEARS[0] <= day <= BILAN_YEARS[1]
        for day in installed.values_list("installed_on", flat=True)
    )
    trained = Enrolment.objects.filter(
        cycle__organisation=programme.lead, cycle__sessions__starts_at__year__lte=2019
    )
    assert trained.values("person").distinct().count() == 84

    # The figures page, computed from the records.
    assert stock.people_equipped(programme, *BILAN_YEARS) == "58"
    flows = stock.monthly_flows(programme, *BILAN_YEARS)
    assert sum(flow.installed for flow in flows) == 58
    assert sum(flow.recycled for flow in flows) == 14
    # Every device went through the erasure gate, with its certificate.
    given = Device.objects.filter(programme=programme, state=DeviceState.INSTALLED)
    assert given.count() == 58
    assert not given.filter(erasure_certificate="").exists()
    # Today's collection walks the pipeline: something at every early step.
    states = set(Device.objects.filter(programme=programme).values_list("state", flat=True))
    assert {"collecte", "diagnostique", "efface", "reconditionne", "pret"} <= states

    assert seed_chambery_equipment() is False

"""The demo's priority neighbourhoods (seed_demo): loaded through the import action, marked as
demo, idempotent, with Grenoble-Alpes Métropole's 10 QPVs and 10 quartiers de veille."""

from __future__ import annotations

import pytest
from shapely.geometry import shape

from aiguillage.demo.neighbourhoods import seed_neighbourhoods
from aiguillage.territories.models import PriorityNeighbourhood
from tests import factories

GRENOBLE_COMMUNES = [
    "38185",
    "38151",
    "38421",
    "38169",
    "38317",
    "38423",
    "38158",
    "38474",
    "38485",
]


@pytest.fixture
def demo_territories(db):
    grenoble = factories.TerritoryFactory(siren="200040715", slug="grenoble", is_demo=True)
    chambery = factories.TerritoryFactory(siren="200069110", slug="chambery", is_demo=True)
    for code in GRENOBLE_COMMUNES:
        factories.CommuneFactory(insee_code=code, territory=grenoble)
    factories.CommuneFactory(insee_code="73065", territory=chambery)
    return grenoble, chambery


def test_the_demo_loads_grenobles_ten_qpvs_and_ten_quartiers_de_veille(demo_territories):
    grenoble, chambery = demo_territories
    assert seed_neighbourhoods() == 10 + 2 + 10 + 1
    assert seed_neighbourhoods() == 0  # idempotent
    mine = PriorityNeighbourhood.objects.for_territory(grenoble)
    assert mine.filter(kind="qpv").count() == 10
    assert mine.filter(kind="veille").count() == 10
    # The figure: 40,000 inhabitants in them.
    assert sum(mine.values_list("population", flat=True)) == 40_000
    assert PriorityNeighbourhood.objects.for_territory(chambery).filter(kind="qpv").count() == 2
    assert not PriorityNeighbourhood.objects.filter(is_demo=False).exists()
    assert all(shape(n.geometry).is_valid for n in PriorityNeighbourhood.objects.all())


def test_the_demo_needs_its_territories(db):
    assert seed_neighbourhoods() == 0

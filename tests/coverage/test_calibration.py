"""Calibrating the demand estimate on a known local figure (issue 15): one ratio within the
scope, the total equals the figure, the shape of the need is kept, a new analysis is queued,
coordinators only, French messages for bad inputs."""

from __future__ import annotations

import numpy as np
import pytest
from django.urls import reverse

from aiguillage.coverage.actions import (
    CoverageError,
    active_calibration,
    calibrate_demand,
    withdraw_demand_calibration,
)
from aiguillage.coverage.engine import DemandCalibration, DemandParameters, estimate_demand
from aiguillage.coverage.engine import calibrate_demand as scale_demand
from aiguillage.coverage.models import CoverageRun, CoverageRunStatus
from aiguillage.coverage.storage import analysis_of
from aiguillage.journal.models import JournalEntry

GRENOBLE, ECHIROLLES, VIF = "38185", "38151", "38545"

# --- Engine ---------------------------------------------------------------------------------


def _demand():
    return estimate_demand(
        [(GRENOBLE, 156_000, None), (ECHIROLLES, 37_000, None), (VIF, 8_500, None)],
        DemandParameters(),
    )


def test_the_scope_total_becomes_the_known_figure_and_shares_are_kept():
    raw = _demand()
    calibrated = scale_demand(raw, DemandCalibration(30_000))
    total = sum(commune.people_in_difficulty for commune in calibrated.values())
    assert total == pytest.approx(30_000)
    raw_total = sum(commune.people_in_difficulty for commune in raw.values())
    for insee, commune in calibrated.items():
        assert commune.people_in_difficulty / total == pytest.approx(
            raw[insee].people_in_difficulty / raw_total
        )
        assert commune.raw_people_in_difficulty == pytest.approx(raw[insee].people_in_difficulty)


def test_a_commune_figure_scales_that_commune_only():
    raw = _demand()
    calibrated = scale_demand(raw, DemandCalibration(30_000, frozenset({GRENOBLE})))
    assert calibrated[GRENOBLE].people_in_difficulty == pytest.approx(30_000)
    assert calibrated[GRENOBLE].calibration_factor == pytest.approx(
        30_000 / raw[GRENOBLE].people_in_difficulty
    )
    assert calibrated[VIF].people_in_difficulty == raw[VIF].people_in_difficulty
    assert calibrated[VIF].calibration_factor == 1.0


def test_calibrating_twice_starts_from_the_raw_estimate():
    once = scale_demand(_demand(), DemandCalibration(20_000))
    twice = scale_demand(once, DemandCalibration(20_000))
    assert sum(c.people_in_difficulty for c in twice.values()) == pytest.approx(20_000)


# --- Action and analysis --------------------------------------------------------------------


def test_calibrating_queues_a_new_analysis_with_the_figure(
    coordinator, finished_run, django_capture_on_commit_callbacks
):
    territory = finished_run.territory
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        calibration = calibrate_demand(
            actor=coordinator,
            territory=territory,
            known_people=30_000,
            source="Emmaüs Connect, Numérique pour tous, 8 décembre 2015",
            year=2015,
            commune_insee=GRENOBLE,
        )
    assert len(callbacks) == 1  # the analysis is queued on commit, not computed here
    run = CoverageRun.objects.for_territory(territory).first()
    assert run != finished_run and run.status == CoverageRunStatus.PENDING
    assert run.parameters["calibration"]["known_people"] == 30_000
    assert run.parameters["calibration"]["communes"] == [GRENOBLE]
    assert run.settings == finished_run.settings
    entry = JournalEntry.objects.get(event="demand_calibrated")
    assert entry.data["known_people"] == 30_000 and entry.data["scope"] == GRENOBLE
    assert active_calibration(territory) == calibration


def test_the_calibrated_analysis_keeps_each_cells_share_and_hits_the_figure(
    coordinator, finished_run, django_capture_on_commit_callbacks
):
    territory = finished_run.territory
    with django_capture_on_commit_callbacks(execute=True):
        calibrate_demand(
            actor=coordinator,
            territory=territory,
            known_people=5_000,
            source="Enquête locale 2024",
            year=2024,
        )
    run = CoverageRun.objects.for_territory(territory).first()
    assert run.status == CoverageRunStatus.DONE, run.error
    assert round(run.summary["people_in_difficulty"]) == 5_000
    assert run.summary["people_in_difficulty_raw"] == pytest.approx(
        finished_run.summary["people_in_difficulty"]
    )
    raw = analysis_of(finished_run).grid.people_in_difficulty
    calibrated = analysis_of(run).grid.people_in_difficulty
    assert np.allclose(calibrated / calibrated.sum(), raw / raw.sum())


def test_a_calibration_is_refused_while_an_analysis_runs_and_nothing_is_kept(
    coordinator, coverage_territory, django_capture_on_commit_callbacks
):
    CoverageRun.objects.create(territory=coverage_territory, analysis_start_at="2026-01-05T09:00Z")
    with pytest.raises(CoverageError, match="déjà en cours"):
        calibrate_demand(
            actor=coordinator,
            territory=coverage_territory,
            known_people=5_000,
            source="Enquête",
            year=2024,
        )
    assert active_calibration(coverage_territory) is None


def test_withdrawing_goes_back_to_the_formula_and_queues_an_analysis(
    coordinator, finished_run, django_capture_on_commit_callbacks
):
    territory = finished_run.territory
    with django_capture_on_commit_callbacks(execute=True):
        calibrate_demand(
            actor=coordinator, territory=territory, known_people=5_000, source="X", year=2024
        )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        withdraw_demand_calibration(actor=coordinator, territory=territory)
    assert len(callbacks) == 1
    assert active_calibration(territory) is None
    assert "calibration" not in CoverageRun.objects.for_territory(territory).first().parameters
    assert JournalEntry.objects.filter(event="demand_calibration_withdrawn").exists()


# --- Page -----------------------------------------------------------------------------------


def _url(territory):
    return reverse("coverage:calibration", args=[territory.slug])


def _post(**changes):
    return {
        "known_people": "30000",
        "source": "Emmaüs Connect, 2015",
        "scope": GRENOBLE,
        "year": "2015",
    } | changes


def test_the_page_shows_raw_and_calibrated_figures_and_the_method(
    client, coordinator, coverage_territory, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(_url(coverage_territory), _post())
    assert response.status_code == 302
    page = client.get(_url(coverage_territory)).content.decode()
    assert "30\u202f000" in page  # the figure, calibrated total of Grenoble
    assert "Emmaüs Connect, 2015" in page
    assert "garde sa forme" in page and "même rapport" in page
    raw = round(_demand()[GRENOBLE].people_in_difficulty)
    assert f"{raw:,}".replace(",", "\u202f") in page  # the raw estimate beside it


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"known_people": "-5"}, "supérieur à zéro"),
        ({"known_people": "0"}, "supérieur à zéro"),
        ({"known_people": "200000"}, "dépasse la population à Grenoble"),
        ({"known_people": "trente mille"}, "nombre entier de personnes"),
        ({"source": "  "}, "Indiquez la source"),
        ({"scope": "75056"}, "pas une commune du territoire"),
        ({"year": "1850"}, "doit être comprise entre 2000"),
    ],
)
def test_bad_inputs_are_refused_in_french(
    client, coordinator, coverage_territory, changes, message
):
    client.force_login(coordinator)
    response = client.post(_url(coverage_territory), _post(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert active_calibration(coverage_territory) is None
    assert not CoverageRun.objects.exists()


def test_an_unknown_commune_is_refused_by_the_action_too(coordinator, coverage_territory):
    with pytest.raises(CoverageError, match="pas une commune de ce territoire"):
        calibrate_demand(
            actor=coordinator,
            territory=coverage_territory,
            known_people=100,
            source="X",
            year=2024,
            commune_insee="75056",
        )


def test_a_figure_above_the_territorys_population_is_refused(coordinator, coverage_territory):
    with pytest.raises(CoverageError, match="dépasse la population sur le territoire"):
        calibrate_demand(
            actor=coordinator,
            territory=coverage_territory,
            known_people=156_000 + 37_000 + 8_500 + 1,
            source="X",
            year=2024,
        )


@pytest.mark.parametrize("persona", ["owner", "colleague_read_only"])
def test_members_of_the_territorys_structures_get_403(client, request, persona, coverage_territory):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(coverage_territory)).status_code == 403
    assert client.post(_url(coverage_territory), _post()).status_code == 403
    withdraw = reverse("coverage:calibration_withdraw", args=[coverage_territory.slug])
    assert client.post(withdraw).status_code == 403
    assert active_calibration(coverage_territory) is None


def test_coordinator_of_another_territory_gets_404(client, other_coordinator, coverage_territory):
    client.force_login(other_coordinator)
    assert client.get(_url(coverage_territory)).status_code == 404
    assert client.post(_url(coverage_territory), _post()).status_code == 404
    withdraw = reverse("coverage:calibration_withdraw", args=[coverage_territory.slug])
    assert client.post(withdraw).status_code == 404
    assert active_calibration(coverage_territory) is None

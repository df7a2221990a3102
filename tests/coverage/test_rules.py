"""Pure calculations of the coverage pages: demo scores, formula, comparison, storage."""

from __future__ import annotations

import numpy as np
import pytest

from aiguillage.coverage import rules
from aiguillage.coverage.engine import COMPONENTS, DemandParameters, explain_formula
from aiguillage.coverage.storage import analysis_of, load_analysis, save_analysis


@pytest.mark.parametrize(
    ("population", "area_km2"),
    [(150_000, 18.0), (8_000, 60.0), (120, 45.0), (0, 0.0)],
)
def test_demo_scores_stay_on_the_ifn_scale_and_are_repeatable(population, area_km2):
    scores = rules.demo_fragility_scores("38185", population, area_km2)
    assert set(scores) == set(COMPONENTS)
    assert all(0 <= value <= 10 for value in scores.values())
    assert scores == rules.demo_fragility_scores("38185", population, area_km2)


def test_demo_villages_are_older_and_less_connected_than_demo_cities():
    city = rules.demo_fragility_scores("38185", 150_000, 18.0)
    village = rules.demo_fragility_scores("38185", 120, 45.0)
    assert village["older_65_rate"] > city["older_65_rate"]
    assert village["no_thd_coverage_rate"] > city["no_thd_coverage_rate"]
    assert village["poverty_rate"] < city["poverty_rate"]


def test_formula_is_split_into_intro_components_and_bounds():
    intro, components, outro = rules.formula_parts(explain_formula(DemandParameters()))
    assert intro[0].startswith("Personnes en difficulté = population")
    assert len(components) == len(COMPONENTS)
    assert not any(line.startswith("– ") for line in components)
    assert outro[0].startswith("Le taux reste entre")


def _table(uncovered: dict[str, float]) -> dict:
    def row(insee, value):
        return {
            "insee": insee,
            "name": insee or "Territoire",
            "need": "demarches",
            "window": "samedi",
            "uncovered": value,
            "within": {"5000": 100 - value},
        }

    return {
        "territory": [row("", sum(uncovered.values()))],
        "communes": [row(insee, value) for insee, value in uncovered.items()],
    }


def test_comparison_puts_the_territory_first_then_the_biggest_changes():
    before = _table({"38185": 10.0, "38151": 50.0, "38545": 5.0})
    after = _table({"38185": 12.0, "38151": 20.0, "38058": 3.0})
    differences = rules.compare_tables(before, after, "demarches", "samedi", 5000)
    assert [d.insee for d in differences] == ["", "38151", "38545", "38058", "38185"]
    assert differences[0].change == pytest.approx(35.0 - 65.0)
    vanished = next(d for d in differences if d.insee == "38545")
    assert (vanished.before, vanished.after) == (5.0, 0.0)
    assert differences[1].within_after == pytest.approx(80.0)


def test_sorting_rejects_unknown_keys():
    with pytest.raises(ValueError, match="Tri inconnu"):
        rules.sort_rows([], "nimporte", (1000,))


def test_saved_analysis_loads_back_with_the_same_distances(finished_run, tmp_path):
    analysis = analysis_of(finished_run)
    path = tmp_path / "copy.npz"
    save_analysis(analysis, path)
    again = load_analysis(path)
    assert again.settings == analysis.settings
    assert again.parameters == analysis.parameters
    assert again.places == analysis.places
    for key, distances in analysis.straight_m.items():
        assert np.allclose(again.straight_m[key], distances, atol=0.01, equal_nan=True)
    assert np.array_equal(again.grid.cell, analysis.grid.cell)


def test_an_unreadable_result_file_is_reported(tmp_path):
    path = tmp_path / "broken.npz"
    path.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="illisible"):
        load_analysis(path)

"""The simulation report's statistics and a small end-to-end run."""

from __future__ import annotations

import pytest

from aiguillage.assessments.engine import bundled_referential
from bench import assessment_simulation as simulation


def test_cohen_kappa_on_a_textbook_table():
    # 2×2 example: p_o = 0.7, p_e = 0.5 → κ = 0.4.
    assert simulation.kappa([[20, 5], [10, 15]]) == pytest.approx(0.4)
    assert simulation.kappa([[5, 0, 0], [0, 7, 0], [0, 0, 3]]) == pytest.approx(1.0)


def test_linear_weighted_kappa_gives_half_credit_to_a_neighbouring_class():
    one_class_apart = [[0, 10, 0], [0, 0, 10], [0, 0, 10]]
    assert simulation.kappa(one_class_apart, weighted=True) > simulation.kappa(one_class_apart)


def test_agreement_counts_the_confusion_matrix_and_assistance_sensitivity():
    truth = ["assistance", "assistance", "acces_accompagne", "autonomie"]
    found = ["assistance", "acces_accompagne", "acces_accompagne", "autonomie"]
    result = simulation.agreement(truth, found)
    assert result.matrix == [[1, 1, 0], [0, 1, 0], [0, 0, 1]]
    assert result.accuracy == pytest.approx(0.75)
    assert result.assistance_sensitivity == pytest.approx(0.5)


def without_timing(report: str) -> list[str]:
    return [line for line in report.splitlines() if not line.startswith("Durée du calcul")]


def test_a_small_seeded_run_is_reproducible_and_complete():
    ref = bundled_referential()
    first = simulation.simulate(ref, 25, seed=7)
    second = simulation.simulate(ref, 25, seed=7)
    assert without_timing(first) == without_timing(second)
    for title in ("## Repérage", "## Évaluation approfondie", "## Bruit de mesure"):
        assert title in first
    assert "kappa de Cohen" in first

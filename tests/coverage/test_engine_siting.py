"""Where to open next: lazy greedy, exact HiGHS solution, the 63 % guarantee."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import sparse

from aiguillage.coverage.engine.siting import (
    CoverageProblem,
    build_problem,
    evaluate_sites,
    exact_sites,
    greedy_sites,
    improve_by_exchange,
)


def problem_from_sets(weights: list[float], sets: list[list[int]]) -> CoverageProblem:
    rows = [element for members in sets for element in members]
    cols = [candidate for candidate, members in enumerate(sets) for _ in members]
    covers = sparse.csc_matrix(
        (np.ones(len(rows), dtype=bool), (rows, cols)), shape=(len(weights), len(sets))
    )
    return CoverageProblem(
        np.array(weights, dtype=float),
        covers,
        np.zeros(len(weights), int),
        ("demarches",),
        len(sets),
    )


def random_instance(seed: int, cells: int = 1_500, candidates: int = 60) -> CoverageProblem:
    """Uncovered people around a few villages, candidate sites spread in a 30 km square."""
    rng = np.random.default_rng(seed)
    villages = rng.uniform(0, 30_000, (12, 2))
    xy = villages[rng.integers(0, 12, cells)] + rng.normal(0, 1_500, (cells, 2))
    weight = rng.gamma(2.0, 3.0, cells)
    sites = rng.uniform(0, 30_000, (candidates, 2))
    return build_problem(
        xy, {"demarches": weight}, sites, np.ones(candidates, int), {"demarches": 1}, 2_500
    )


def naive_greedy_value(problem: CoverageProblem, k: int) -> float:
    chosen: list[int] = []
    for _ in range(k):
        gains = [
            evaluate_sites(problem, [*chosen, candidate]) if candidate not in chosen else -1
            for candidate in range(problem.candidate_count)
        ]
        chosen.append(int(np.argmax(gains)))
    return evaluate_sites(problem, chosen)


def test_toy_case_where_greedy_is_not_optimal():
    # Site 0 covers the two heavy groups; sites 1 and 2 cover one heavy and one light each.
    problem = problem_from_sets([2, 2, 1.5, 1.5], [[0, 1], [0, 2], [1, 3]])
    greedy = greedy_sites(problem, 2)
    assert [site.candidate for site in greedy.sites] == [0, 1]
    assert [site.people_added for site in greedy.sites] == [4.0, 1.5]
    assert greedy.people_covered == 5.5
    exact = exact_sites(problem, 2)
    assert exact.optimal is True
    assert sorted(site.candidate for site in exact.sites) == [1, 2]
    assert exact.people_covered == 7.0
    assert [site.people_added for site in exact.sites] == [3.5, 3.5]
    assert greedy.people_covered >= (1 - 1 / math.e) * exact.people_covered


def test_geometric_toy_case_picks_the_site_near_the_most_people():
    cells = np.array([[0, 0], [100, 0], [5_000, 0], [5_100, 0], [5_000, 100]], dtype=float)
    weight = np.array([10, 10, 4, 4, 4], dtype=float)
    sites = np.array([[50, 0], [5_050, 50], [20_000, 0]], dtype=float)
    problem = build_problem(
        cells, {"demarches": weight}, sites, np.ones(3, int), {"demarches": 1}, 500
    )
    assert [site.candidate for site in greedy_sites(problem, 1).sites] == [0]
    both = exact_sites(problem, 2)
    assert sorted(site.candidate for site in both.sites) == [0, 1]
    assert both.people_covered == pytest.approx(32)
    assert both.uncovered_before == pytest.approx(32)  # only reachable people enter the problem


def test_build_problem_merges_identical_groups_and_follows_needs():
    cells = np.array([[0, 0], [10, 0], [20, 0], [3_000, 0]], dtype=float)
    sites = np.array([[0, 0], [3_000, 0]], dtype=float)
    problem = build_problem(
        cells,
        {"demarches": np.array([1.0, 2.0, 0.0, 5.0]), "acces": np.array([1.0, 1.0, 1.0, 1.0])},
        sites,
        np.array([0b01, 0b11]),
        {"demarches": 0b01, "acces": 0b10},
        100,
    )
    # demarches: cells 0 and 1 (same site) merge, cell 2 is covered already; acces: only
    # the second site offers it, near cell 3.
    assert problem.needs == ("demarches", "acces")
    assert sorted(problem.weights.tolist()) == [1.0, 3.0, 5.0]
    result = greedy_sites(problem, 2)
    assert result.people_covered == pytest.approx(9.0)
    assert result.sites[0].by_need == {"demarches": 5.0, "acces": 1.0}


def test_no_method_suggests_a_site_that_adds_nobody():
    problem = problem_from_sets([3, 1], [[0], [0], [1], []])
    assert [site.candidate for site in greedy_sites(problem, 4).sites] == [0, 2]
    exact = exact_sites(problem, 4)
    assert sorted(site.candidate for site in exact.sites) in ([0, 2], [1, 2])
    assert exact.people_covered == 4


@pytest.mark.parametrize("seed", range(6))
def test_lazy_greedy_gives_the_same_value_as_plain_greedy(seed):
    problem = random_instance(seed, cells=600, candidates=25)
    assert greedy_sites(problem, 4).people_covered == pytest.approx(naive_greedy_value(problem, 4))


def test_greedy_reaches_98_percent_of_the_optimum_on_a_seeded_instance():
    problem = random_instance(2025)
    greedy = greedy_sites(problem, 6)
    exact = exact_sites(problem, 6)
    assert exact.optimal is True
    assert evaluate_sites(problem, [site.candidate for site in exact.sites]) == pytest.approx(
        exact.people_covered
    )
    assert greedy.people_covered >= 0.98 * exact.people_covered
    assert greedy.people_covered <= exact.people_covered + 1e-6


@pytest.mark.parametrize("seed", range(8))
def test_greedy_never_falls_below_63_percent_of_the_optimum(seed):
    rng = np.random.default_rng(seed)
    # Adversarial-looking small instances: random overlapping sets with skewed weights.
    weights = rng.pareto(1.5, 40) + 0.1
    sets = [
        sorted(rng.choice(40, size=rng.integers(1, 10), replace=False).tolist()) for _ in range(15)
    ]
    problem = problem_from_sets(weights.tolist(), sets)
    for k in (1, 2, 3, 5):
        greedy = greedy_sites(problem, k).people_covered
        exact = exact_sites(problem, k)
        assert exact.optimal is True
        assert greedy >= (1 - 1 / math.e) * exact.people_covered - 1e-9
        assert exact.people_covered >= greedy - 1e-9


def test_exact_with_nothing_to_cover_returns_no_site():
    problem = problem_from_sets([], [[], []])
    result = exact_sites(problem, 2)
    assert result.sites == () and result.people_covered == 0 and result.optimal is True


def test_ties_go_to_the_lower_candidate_index_even_after_lazy_updates():
    problem = problem_from_sets([5, 1, 1, 1], [[0, 3], [0, 1], [0, 2], [2]])
    # After site 0, sites 1, 2 and 3 each add 1 person: the lowest index wins.
    assert [site.candidate for site in greedy_sites(problem, 2).sites] == [0, 1]


def test_exchanges_fix_the_toy_case_where_greedy_is_not_optimal():
    problem = problem_from_sets([2, 2, 1.5, 1.5], [[0, 1], [0, 2], [1, 3]])
    improved = improve_by_exchange(problem, greedy_sites(problem, 2))
    assert improved.method == "greedy+exchange"
    assert sorted(site.candidate for site in improved.sites) == [1, 2]
    assert improved.people_covered == 7.0


@pytest.mark.parametrize("seed", range(5))
def test_exchanges_never_lose_people_and_end_at_a_local_optimum(seed):
    problem = random_instance(seed, cells=800, candidates=30)
    greedy = greedy_sites(problem, 4)
    improved = improve_by_exchange(problem, greedy)
    chosen = [site.candidate for site in improved.sites]
    assert improved.people_covered >= greedy.people_covered - 1e-9
    assert evaluate_sites(problem, chosen) == pytest.approx(improved.people_covered)
    assert improved.people_covered <= exact_sites(problem, 4).people_covered + 1e-6
    for out in range(len(chosen)):
        for newcomer in set(range(problem.candidate_count)) - set(chosen):
            swapped = [*chosen[:out], newcomer, *chosen[out + 1 :]]
            assert evaluate_sites(problem, swapped) <= improved.people_covered + 1e-6

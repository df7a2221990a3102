"""Where to open next: the maximal covering location problem (MCLP).

Given people in difficulty who are *uncovered* for a need (farther than D from any
place offering it) and candidate sites (existing places that could add the need or
widen their hours, town halls…), choose K sites that bring the most of them within
D of help. Church & ReVelle (1974) named the problem; it is NP-hard.

- ``greedy_sites`` adds, K times, the site that covers the most people not yet
  covered. Coverage is monotone submodular, so greedy always reaches at least
  (1 − 1/e) ≈ 63 % of the optimum (Nemhauser, Wolsey & Fisher, 1978); on real
  instances it is usually within a few per cent. "Lazy" evaluation (Minoux, 1978)
  re-computes a site's gain only when it reaches the top of the queue, because a
  gain can only shrink as more people get covered.
- ``improve_by_exchange`` then tries to swap one chosen site for one left out
  (Teitz & Bart, 1968) as long as a swap covers more people: it keeps the greedy
  guarantee (it only improves) and usually closes most of the remaining gap, in
  milliseconds.
- ``exact_sites`` solves the integer programme with HiGHS (package ``highspy``)::

      maximise  Σ_i w_i y_i
      subject to y_i ≤ Σ_{j covers i} x_j   for every group of people i
                 Σ_j x_j = K
                 x_j ∈ {0, 1},  0 ≤ y_i ≤ 1

  ``y_i`` need not be declared integer: with binary ``x`` an optimal solution has
  ``y_i = min(1, Σ_j x_j)``, which is 0 or 1, so the optimum is the same and the
  solver works less.

People are grouped before solving: cells covered by exactly the same candidates
(and for the same need) form one element whose weight is their total, which
changes neither answer and makes both faster.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree


@dataclass(frozen=True)
class CoverageProblem:
    """Elements (groups of uncovered people for one need) and who could cover them.

    ``covers`` is a boolean sparse matrix, elements × candidates (CSC, so a
    candidate's column is cheap). ``element_need`` indexes ``needs``.
    """

    weights: np.ndarray
    covers: sparse.csc_matrix
    element_need: np.ndarray
    needs: tuple[str, ...]
    candidate_count: int


@dataclass(frozen=True)
class ChosenSite:
    candidate: int  # index in the candidate list
    people_added: float
    by_need: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class SitingResult:
    method: str  # "greedy", "greedy+exchange" or "exact"
    sites: tuple[ChosenSite, ...]  # in the order they add the most people
    people_covered: float
    uncovered_before: float  # people in the problem (coverable or not)
    optimal: bool | None  # exact: proven optimal; greedy: None
    upper_bound: float | None = None  # exact: solver's bound (equals the value when optimal)


def build_problem(
    demand_xy: np.ndarray,
    uncovered_weight: Mapping[str, np.ndarray],
    candidate_xy: np.ndarray,
    candidate_masks: np.ndarray,
    needs: Mapping[str, int],
    radius_m: float,
) -> CoverageProblem:
    """Who each candidate would cover within ``radius_m`` (straight line, metres).

    ``uncovered_weight[need]`` gives, per demand point (cell), the people in
    difficulty still uncovered for that need (0 where covered). A candidate covers
    a cell for a need when its ``candidate_masks`` has the need's bit and the cell
    is within the radius.
    """
    candidate_xy = np.asarray(candidate_xy, dtype=float).reshape(-1, 2)
    masks = np.asarray(candidate_masks, dtype=np.int64)
    need_codes = tuple(need for need in needs if need in uncovered_weight)
    rows, cols, weights, element_need = [], [], [], []
    element_offset = 0
    for need_index, need in enumerate(need_codes):
        weight = np.asarray(uncovered_weight[need], dtype=float)
        cells = np.flatnonzero(weight > 0)
        offering = np.flatnonzero((masks & needs[need]) != 0)
        if len(cells) == 0 or len(offering) == 0:
            continue
        pairs = cKDTree(candidate_xy[offering]).sparse_distance_matrix(
            cKDTree(demand_xy[cells]), radius_m, output_type="ndarray"
        )
        if len(pairs) == 0:
            continue
        # Only cells some candidate reaches become elements: the others cannot change.
        reached, element_of_cell = np.unique(pairs["j"], return_inverse=True)
        rows.append(element_of_cell + element_offset)
        cols.append(offering[pairs["i"]])
        weights.append(weight[cells[reached]])
        element_need.append(np.full(len(reached), need_index))
        element_offset += len(reached)
    if element_offset == 0:
        empty = sparse.csc_matrix((0, len(masks)), dtype=bool)
        return CoverageProblem(np.empty(0), empty, np.empty(0, int), need_codes, len(masks))
    matrix = sparse.csr_matrix(
        (
            np.ones(sum(len(r) for r in rows), dtype=bool),
            (np.concatenate(rows), np.concatenate(cols)),
        ),
        shape=(element_offset, len(masks)),
    )
    return _merge_identical(
        matrix, np.concatenate(weights), np.concatenate(element_need), need_codes, len(masks)
    )


def _merge_identical(
    matrix: sparse.csr_matrix,
    weights: np.ndarray,
    element_need: np.ndarray,
    needs: tuple[str, ...],
    candidate_count: int,
) -> CoverageProblem:
    matrix.sort_indices()
    groups: dict[tuple[int, bytes], int] = {}
    group_of = np.empty(matrix.shape[0], dtype=np.int64)
    for row in range(matrix.shape[0]):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        key = (int(element_need[row]), matrix.indices[start:end].tobytes())
        group_of[row] = groups.setdefault(key, len(groups))
    merged_weights = np.bincount(group_of, weights=weights, minlength=len(groups))
    first_row = np.full(len(groups), -1)
    first_row[group_of[::-1]] = np.arange(matrix.shape[0])[::-1]
    return CoverageProblem(
        weights=merged_weights,
        covers=matrix[first_row].tocsc(),
        element_need=element_need[first_row],
        needs=needs,
        candidate_count=candidate_count,
    )


def greedy_sites(problem: CoverageProblem, k: int) -> SitingResult:
    """K sites by lazy greedy (at least 63 % of the optimum, see module docstring).

    Stops early when no site adds anybody. Ties go to the lower candidate index.
    """
    weights = problem.weights
    covered = np.zeros(len(weights), dtype=bool)
    gains = np.asarray(problem.covers.T @ weights).ravel() if len(weights) else np.zeros(0)
    queue = [(-gain, candidate) for candidate, gain in enumerate(gains) if gain > 0]
    heapq.heapify(queue)
    chosen: list[ChosenSite] = []
    while queue and len(chosen) < k:
        _, candidate = heapq.heappop(queue)
        rows = _rows(problem, candidate)
        fresh = rows[~covered[rows]]
        gain = float(weights[fresh].sum())
        if gain <= 0:
            continue
        if queue and (-gain, candidate) > queue[0]:
            # Another site may still do better (or as well with a lower index): look again.
            heapq.heappush(queue, (-gain, candidate))
            continue
        covered[fresh] = True
        chosen.append(ChosenSite(candidate, gain, _by_need(problem, fresh)))
    return SitingResult(
        method="greedy",
        sites=tuple(chosen),
        people_covered=float(weights[covered].sum()),
        uncovered_before=float(weights.sum()),
        optimal=None,
    )


def improve_by_exchange(
    problem: CoverageProblem, start: SitingResult, *, max_swaps: int = 100
) -> SitingResult:
    """Swap chosen sites for left-out ones while a swap covers more people.

    Each round evaluates every (site out, site in) pair at once with two sparse
    products, then makes the best swap; it stops when no swap gains anything
    (a local optimum) or after ``max_swaps``. The result is never worse than
    ``start``.
    """
    weights = problem.weights
    chosen = [site.candidate for site in start.sites]
    if not chosen or len(weights) == 0:
        return replace(start, method=f"{start.method}+exchange")
    covers = problem.covers.astype(float).tocsc()
    for _ in range(max_swaps):
        count = np.asarray(covers[:, chosen].sum(axis=1)).ravel()
        # Gain of adding j: people it covers that nobody covers yet.
        gain_in = np.asarray(covers.T @ (weights * (count == 0))).ravel()
        # Loss of removing s: people only s covers; a newcomer j keeps those it also covers.
        only = covers[:, chosen].multiply((weights * (count == 1))[:, None]).tocsc()
        loss_out = np.asarray(only.sum(axis=0)).ravel()
        kept = (covers.T @ only).toarray()  # candidates × chosen
        delta = gain_in[:, None] + kept - loss_out[None, :]
        delta[chosen, :] = -np.inf  # a chosen site cannot come in again
        best_in, best_out = np.unravel_index(int(np.argmax(delta)), delta.shape)
        # A tolerance keeps rounding noise from swapping back and forth.
        if delta[best_in, best_out] <= 1e-9 * max(float(weights.sum()), 1.0):
            break
        chosen[best_out] = int(best_in)
    ordered = _order_by_gain(problem, chosen)
    return SitingResult(
        method=f"{start.method}+exchange",
        sites=tuple(ordered),
        people_covered=sum(site.people_added for site in ordered),
        uncovered_before=start.uncovered_before,
        optimal=None,
    )


def exact_sites(
    problem: CoverageProblem, k: int, *, time_limit_s: float | None = None
) -> SitingResult:
    """K sites maximising the people covered, solved with HiGHS (see module docstring).

    ``optimal`` is False when the time limit stopped the solver first; the sites
    are then the best found and ``upper_bound`` says how far it may be.
    """
    import highspy  # imported here: only this function needs the solver

    candidates = problem.candidate_count
    elements = len(problem.weights)
    k = min(k, candidates)
    if elements == 0 or k <= 0:
        return SitingResult("exact", (), 0.0, float(problem.weights.sum()), True, 0.0)
    # Columns: x_j (candidates) then y_i (elements); rows: y_i − Σ x_j ≤ 0, then Σ x_j = K.
    constraints = sparse.vstack(
        [
            sparse.hstack([-problem.covers.astype(float), sparse.identity(elements)]),
            sparse.hstack([np.ones((1, candidates)), sparse.csr_matrix((1, elements))]),
        ]
    ).tocsc()
    lp = highspy.HighsLp()
    lp.num_col_ = candidates + elements
    lp.num_row_ = elements + 1
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = np.concatenate([np.zeros(candidates), problem.weights])
    lp.col_lower_ = np.zeros(candidates + elements)
    lp.col_upper_ = np.ones(candidates + elements)
    lp.row_lower_ = np.concatenate([np.full(elements, -highspy.kHighsInf), [k]])
    lp.row_upper_ = np.concatenate([np.zeros(elements), [k]])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = constraints.indptr
    lp.a_matrix_.index_ = constraints.indices
    lp.a_matrix_.value_ = constraints.data
    lp.integrality_ = [highspy.HighsVarType.kInteger] * candidates + [
        highspy.HighsVarType.kContinuous
    ] * elements

    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("mip_rel_gap", 0.0)
    if time_limit_s is not None:
        solver.setOptionValue("time_limit", float(time_limit_s))
    solver.passModel(lp)
    solver.run()
    status = solver.getModelStatus()
    values = np.asarray(solver.getSolution().col_value[:candidates])
    picked = [int(candidate) for candidate in np.flatnonzero(values > 0.5)]
    info = solver.getInfo()
    optimal = status == highspy.HighsModelStatus.kOptimal
    # When fewer than K sites can add anybody, the solver fills K with useless ones.
    ordered = [site for site in _order_by_gain(problem, picked) if site.people_added > 0]
    covered = sum(site.people_added for site in ordered)
    bound = float(info.mip_dual_bound) if not optimal else covered
    return SitingResult(
        "exact", tuple(ordered), covered, float(problem.weights.sum()), optimal, bound
    )


def evaluate_sites(problem: CoverageProblem, candidates: list[int]) -> float:
    """People covered by a given set of candidates (for comparisons and tests)."""
    covered = np.zeros(len(problem.weights), dtype=bool)
    for candidate in candidates:
        covered[_rows(problem, candidate)] = True
    return float(problem.weights[covered].sum())


def _order_by_gain(problem: CoverageProblem, picked: list[int]) -> list[ChosenSite]:
    """The chosen sites, most useful first, each with the people it adds to the previous ones."""
    covered = np.zeros(len(problem.weights), dtype=bool)
    remaining = list(picked)
    ordered = []
    while remaining:
        gains = []
        for candidate in remaining:
            rows = _rows(problem, candidate)
            gains.append(float(problem.weights[rows[~covered[rows]]].sum()))
        best = remaining[int(np.argmax(gains))]
        rows = _rows(problem, best)
        fresh = rows[~covered[rows]]
        covered[fresh] = True
        remaining.remove(best)
        ordered.append(ChosenSite(best, max(gains), _by_need(problem, fresh)))
    return ordered


def _rows(problem: CoverageProblem, candidate: int) -> np.ndarray:
    """Elements a candidate covers."""
    covers = problem.covers
    return covers.indices[covers.indptr[candidate] : covers.indptr[candidate + 1]]


def _by_need(problem: CoverageProblem, rows: np.ndarray) -> dict[str, float]:
    totals = np.bincount(
        problem.element_need[rows], weights=problem.weights[rows], minlength=len(problem.needs)
    )
    return {need: float(total) for need, total in zip(problem.needs, totals, strict=True) if total}

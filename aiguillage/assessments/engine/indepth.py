"""In-depth assessment: a mediator observes tasks, area by area, with an adaptive order.

Each area is a ladder of tasks, one per level (1 = first gestures … 4 = new situations),
and each observed task is « fait seul(e) », « avec de l'aide » or « ne sait pas ». The
ladder is read as a Guttman scale, like the « tubes » of Pix:

- a task done alone settles every easier task of the area as done alone (*inferred*);
- a task not done alone settles every harder task as not done alone (*inferred*) and stops
  the climb in that area.

``next_item`` starts each area at a low level (level 1, or 2 when the screening already
found the person intermediate or autonomous), climbs one level after each success and
steps down after a first failure, so a beginner never faces a task more than one level
above what they just did. An area is settled when its level is known: the highest level
done alone, with the next one not done alone (or the top level reached).

Responses are a mapping ``item id → outcome code``; the state depends on the set of
responses, not on their order, so a draft can be resumed from what was saved.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiguillage.assessments.engine import conditions as cond
from aiguillage.assessments.engine.model import Item, Referential
from aiguillage.assessments.engine.screening import (
    FlagResult,
    InvalidAnswers,
    Reason,
    ScreeningResult,
    decide_typology,
)

Responses = Mapping[str, str]
MODE = "in_depth"


@dataclass(frozen=True)
class ItemStatus:
    item: str
    area: str
    level: int
    text: str
    outcome: str  # outcome code, "" while unknown
    outcome_label: str
    inferred: bool  # deduced from another task of the area, not observed


@dataclass(frozen=True)
class AreaLevel:
    area: str
    label: str
    level: int  # highest level done alone (0 = not even the first task)
    level_label: str
    guided_level: int  # highest level done at least with help
    settled: bool
    items: tuple[ItemStatus, ...]


@dataclass(frozen=True)
class InDepthResult:
    referential_id: str
    referential_version: str
    referential_hash: str
    typology: str
    typology_label: str
    pathway: str
    reasons: tuple[Reason, ...]  # decisive rules first
    area_levels: tuple[AreaLevel, ...]
    total_level: int
    max_total: int
    weak_below: int
    items_observed: int
    access_gaps: tuple[FlagResult, ...]  # carried over from the screening, if given
    context_flags: tuple[FlagResult, ...]
    mode: str = MODE

    @property
    def flag_codes(self) -> frozenset[str]:
        return frozenset(flag.code for flag in self.access_gaps + self.context_flags)

    @property
    def weak_areas(self) -> frozenset[str]:
        return frozenset(area.area for area in self.area_levels if area.level < self.weak_below)

    @property
    def area_values(self) -> dict[str, int]:
        """Level per area: what progress compares between two in-depth assessments."""
        return {area.area: area.level for area in self.area_levels}

    @property
    def total(self) -> int:
        return self.total_level

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class ScreeningComparison:
    """Whether the in-depth typology confirms the screening's (the lead journals overrides)."""

    status: str  # "agree" | "override"
    screening_typology: str
    in_depth_typology: str
    same_pathway: bool
    direction: str  # "" | "plus_autonome" | "moins_autonome"
    explanation: str

    @property
    def agrees(self) -> bool:
        return self.status == "agree"


# --- State of an area ----------------------------------------------------------------------


@dataclass(frozen=True)
class _AreaState:
    top: int  # highest level done alone, directly observed (0 if none)
    lowest_failure: int  # lowest level directly observed as not done alone (max + 1 if none)
    answered: int

    def settled(self, max_level: int) -> bool:
        return self.top == max_level or self.lowest_failure == self.top + 1


def _area_state(ref: Referential, area: str, responses: Responses) -> _AreaState:
    success = ref.in_depth.outcome_scale.highest.code
    items = ref.items_in_area(area)
    top, lowest_failure, answered = 0, ref.in_depth.max_level + 1, 0
    for item in items:
        outcome = responses.get(item.id)
        if not outcome:
            continue
        answered += 1
        if outcome == success:
            top = max(top, item.level)
        else:
            lowest_failure = min(lowest_failure, item.level)
    return _AreaState(top, lowest_failure, answered)


def _clean(ref: Referential, responses: Responses) -> tuple[dict[str, str], list[str]]:
    clean: dict[str, str] = {}
    errors: list[str] = []
    scale = ref.in_depth.outcome_scale
    known = {item.id for item in ref.in_depth.items}
    for item_id, outcome in responses.items():
        if item_id not in known:
            errors.append(f"La tâche « {item_id} » n'existe pas dans le référentiel {ref.version}.")
        elif outcome in (None, ""):
            continue
        elif not isinstance(outcome, str) or not scale.has(outcome):
            possible = ", ".join(cond.quoted(choice.label) for choice in scale.choices)
            errors.append(
                f"« {outcome} » n'est pas une réponse possible pour « {ref.item(item_id).text} ». "
                f"Réponses possibles : {possible}."
            )
        else:
            clean[item_id] = outcome
    return clean, errors


def validate_responses(
    ref: Referential, responses: Responses, *, complete: bool = False
) -> list[str]:
    """French messages for unknown tasks or outcomes and contradictions within an area.

    A contradiction is a task done alone while an easier one of the same area is not:
    the adaptive order never produces it. With ``complete``, unsettled areas are reported.
    """
    clean, errors = _clean(ref, responses)
    success = ref.in_depth.outcome_scale.highest
    for area in ref.areas:
        items = ref.items_in_area(area.code)
        state = _area_state(ref, area.code, clean)
        if state.top >= state.lowest_failure:
            harder = items[state.top - 1]
            easier = items[state.lowest_failure - 1]
            outcome = ref.in_depth.outcome_scale.choice(clean[easier.id]).label
            errors.append(
                f"Domaine « {area.label} » : « {harder.text} » est noté « {success.label} », "
                f"donc « {easier.text} », plus facile, est acquis ; la réponse « {outcome} » "
                f"à cette tâche est contradictoire."
            )
        elif complete and not state.settled(ref.in_depth.max_level):
            following = _next_in_area(ref, clean, area.code, None)
            rest = f" : il reste « {following.text} » à observer" if following else ""
            errors.append(f"Le domaine « {area.label} » n'est pas terminé{rest}.")
    return errors


# --- Adaptive order ------------------------------------------------------------------------


def next_item(
    ref: Referential,
    responses: Responses,
    *,
    screening_typology: str | None = None,
    area: str | None = None,
) -> Item | None:
    """The next task to observe (in ``area`` if given), or None when every area is settled.

    ``screening_typology`` (a typology code) sets the first level tried in each area.
    Raises ``InvalidAnswers`` when the responses are impossible.
    """
    errors = validate_responses(ref, responses)
    if errors:
        raise InvalidAnswers(errors)
    clean, _ = _clean(ref, responses)
    areas = [area] if area is not None else [a.code for a in ref.areas]
    for code in areas:
        item = _next_in_area(ref, clean, code, screening_typology)
        if item is not None:
            return item
    return None


def _next_in_area(
    ref: Referential, clean: Mapping[str, str], area: str, screening_typology: str | None
) -> Item | None:
    max_level = ref.in_depth.max_level
    state = _area_state(ref, area, clean)
    if state.settled(max_level):
        return None
    items = ref.items_in_area(area)
    if state.answered == 0:
        start = min(max(ref.start_level(screening_typology), 1), max_level)
        return items[start - 1]
    return items[state.top]  # one level above the highest success


def pending_areas(ref: Referential, responses: Responses) -> list[str]:
    """Codes of the areas whose level is not known yet, in the referential's order."""
    clean, _ = _clean(ref, responses)
    return [
        area.code
        for area in ref.areas
        if not _area_state(ref, area.code, clean).settled(ref.in_depth.max_level)
    ]


def item_statuses(ref: Referential, responses: Responses) -> dict[str, ItemStatus]:
    """Every task with its observed, inferred or unknown outcome."""
    clean, _ = _clean(ref, responses)
    statuses: dict[str, ItemStatus] = {}
    for area in ref.areas:
        for status in _area_items(ref, area.code, clean):
            statuses[status.item] = status
    return statuses


def _area_items(ref: Referential, area: str, clean: Mapping[str, str]) -> tuple[ItemStatus, ...]:
    scale = ref.in_depth.outcome_scale
    state = _area_state(ref, area, clean)
    statuses = []
    for item in ref.items_in_area(area):
        outcome, inferred = clean.get(item.id, ""), False
        if not outcome and item.level <= state.top:
            outcome, inferred = scale.highest.code, True
        elif not outcome and item.level > state.lowest_failure:
            outcome, inferred = scale.lowest.code, True
        label = scale.choice(outcome).label if outcome else ""
        if inferred:
            label += " (déduit)"
        statuses.append(ItemStatus(item.id, area, item.level, item.text, outcome, label, inferred))
    return tuple(statuses)


# --- Scoring -------------------------------------------------------------------------------


def score_in_depth(
    ref: Referential, responses: Responses, *, screening: ScreeningResult | None = None
) -> InDepthResult:
    """Level per area and overall typology of a finished in-depth assessment.

    The screening, when given, lends its access gaps and context flags to the result so
    that ``recommend`` sees the whole picture. Raises ``InvalidAnswers`` (French messages).
    """
    errors = validate_responses(ref, responses, complete=True)
    if errors:
        raise InvalidAnswers(errors)
    clean, _ = _clean(ref, responses)
    scale = ref.in_depth.outcome_scale
    area_levels = []
    for area in ref.areas:
        items = _area_items(ref, area.code, clean)
        level = _area_state(ref, area.code, clean).top
        guided = max(
            [level] + [s.level for s in items if not s.inferred and s.outcome != scale.lowest.code]
        )
        area_levels.append(
            AreaLevel(
                area=area.code,
                label=area.label,
                level=level,
                level_label=ref.in_depth.levels[level].label,
                guided_level=guided,
                settled=True,
                items=items,
            )
        )
    levels = {area.area: area for area in area_levels}
    atoms = _Atoms(ref, levels)
    fired = []
    for rule in ref.in_depth.typology_rules:
        evaluation = cond.evaluate(rule.when, atoms)
        if evaluation.holds:
            fired.append((rule, evaluation))
    typology, reasons = decide_typology(ref, fired, ref.in_depth.default_reason)
    info = ref.typology(typology)
    return InDepthResult(
        referential_id=ref.id,
        referential_version=ref.version,
        referential_hash=ref.content_hash,
        typology=typology,
        typology_label=info.label,
        pathway=info.pathway,
        reasons=reasons,
        area_levels=tuple(area_levels),
        total_level=sum(area.level for area in area_levels),
        max_total=ref.in_depth.max_level * len(area_levels),
        weak_below=ref.in_depth.weak_below,
        items_observed=len(clean),
        access_gaps=screening.access_gaps if screening else (),
        context_flags=screening.context_flags if screening else (),
    )


def compare_with_screening(
    screening: ScreeningResult, in_depth: InDepthResult, ref: Referential
) -> ScreeningComparison:
    """Does the in-depth assessment confirm the screening? Explained in French."""
    before = ref.typology(screening.typology)
    after = ref.typology(in_depth.typology)
    if before.rank == after.rank:
        return ScreeningComparison(
            "agree",
            before.code,
            after.code,
            True,
            "",
            f"L'évaluation approfondie confirme le repérage : « {after.label} ».",
        )
    direction = "plus_autonome" if after.rank > before.rank else "moins_autonome"
    steps = abs(after.rank - before.rank)
    how = "plus autonome" if direction == "plus_autonome" else "moins autonome"
    decisive = next((r.sentence for r in in_depth.reasons if r.decisive), "")
    explanation = (
        f"L'évaluation approfondie donne « {after.label} » alors que le repérage donnait "
        f"« {before.label} » ({steps} cran{'s' if steps > 1 else ''} {how}). {decisive} "
        f"Pour retenir ce résultat à la place du repérage, écrivez la raison."
    )
    return ScreeningComparison(
        "override",
        before.code,
        after.code,
        before.pathway == after.pathway,
        direction,
        explanation.replace("  ", " "),
    )


# --- Atoms over levels ---------------------------------------------------------------------


class _Atoms:
    def __init__(self, ref: Referential, levels: dict[str, AreaLevel]) -> None:
        self.ref = ref
        self.levels = levels

    def __call__(self, atom: cond.Atom) -> cond.Evaluation:
        max_level = self.ref.in_depth.max_level
        if isinstance(atom, cond.LevelAtMost):
            area = self.levels[atom.area]
            return cond.Evaluation(area.level <= atom.level, (self._cite(area),))
        if isinstance(atom, cond.CountLevelsAtMost):
            low = [area for area in self.levels.values() if area.level <= atom.level]
            return cond.Evaluation(len(low) >= atom.min_count, tuple(self._cite(a) for a in low))
        if isinstance(atom, cond.TotalLevelAtMost):
            total = sum(area.level for area in self.levels.values())
            maximum = max_level * len(self.levels)
            fact = cond.Citation("fact", "", f"total de {total} niveaux sur {maximum}")
            return cond.Evaluation(total <= atom.max_total, (fact,))
        raise TypeError(f"Condition inattendue dans l'évaluation approfondie : {atom.TYPE}")

    def _cite(self, area: AreaLevel) -> cond.Citation:
        max_level = self.ref.in_depth.max_level
        text = f"niveau {area.level} sur {max_level} en « {area.label} »"
        if area.level < max_level:
            blocking = area.items[area.level]  # the first task not done alone
            text += f" (« {blocking.text} » : « {blocking.outcome_label} »)"
        return cond.Citation("fact", area.area, text)

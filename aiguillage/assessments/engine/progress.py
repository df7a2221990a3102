"""Progress between two assessments of the same person.

The typology transition is always reported. Per-area changes compare like with like: the
points of two screenings, or the levels of two in-depth assessments. A change counts as
progress (or decline) only when it is *larger* than the measurement noise the referential
sets (``noise``): in v1, one point per screening area, one level per in-depth area, three
for each total. The noise is the smallest change that a person whose skills did not change
exceeds in a given direction less than one time in ten; docs/assessment-simulation.md
measures it on simulated test–retest pairs.

The verdict (``Progress.verdict``) follows the total, the steadiest measure: six areas
each crossing its own threshold now and then would cry wolf too often. A typology
transition alone is not a verdict either: people near a boundary change class by chance.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from aiguillage.assessments.engine.indepth import InDepthResult
from aiguillage.assessments.engine.model import Referential
from aiguillage.assessments.engine.screening import ScreeningResult

Result = ScreeningResult | InDepthResult
PROGRESS = "progres"
DECLINE = "recul"
STABLE = "stable"


@dataclass(frozen=True)
class Change:
    """One measure (an area, or the total) before and after."""

    area: str  # area code, "" for the total
    label: str
    before: int
    after: int
    delta: int
    noise: int
    significant: bool  # |delta| > noise
    direction: str  # "progres" | "recul" | "stable" (stable when within the noise)
    sentence: str


@dataclass(frozen=True)
class Progress:
    mode: str  # "screening", "in_depth", or "mixte" when the two kinds differ
    typology_before: str
    typology_after: str
    typology_before_label: str
    typology_after_label: str
    typology_direction: str
    verdict: str  # the total's direction; "" when the two kinds differ
    area_changes: tuple[Change, ...]  # empty when the two kinds differ
    total: Change | None
    same_referential: bool
    sentences: tuple[str, ...]

    @property
    def progressed_areas(self) -> tuple[str, ...]:
        return tuple(c.area for c in self.area_changes if c.direction == PROGRESS)

    @property
    def declined_areas(self) -> tuple[str, ...]:
        return tuple(c.area for c in self.area_changes if c.direction == DECLINE)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def compare_assessments(previous: Result, current: Result, ref: Referential) -> Progress:
    """What changed from ``previous`` to ``current``; ``ref`` gives labels and noise.

    Pass the referential of the current assessment. Areas are matched by code, so two
    versions that keep their area codes stay comparable; a note says when they differ.
    """
    before = ref.typology(previous.typology)
    after = ref.typology(current.typology)
    direction = _direction(after.rank - before.rank, 0)
    arrow = f"« {before.label} » → « {after.label} »"
    sentences = [
        f"Typologie inchangée : « {after.label} »."
        if direction == STABLE
        else f"Typologie : {arrow} ({'progrès' if direction == PROGRESS else 'recul'})."
    ]
    same_referential = previous.referential_hash == current.referential_hash
    if not same_referential:
        sentences.append(
            f"Les deux évaluations utilisent des versions différentes du référentiel "
            f"({previous.referential_version} puis {current.referential_version}) : "
            f"les domaines sont comparés par leur code."
        )
    changes: list[Change] = []
    total = None
    if previous.mode != current.mode:
        mode = "mixte"
        sentences.append(
            "Les niveaux par domaine ne se comparent qu'entre deux évaluations du même type "
            "(deux repérages, ou deux évaluations approfondies)."
        )
    else:
        mode = current.mode
        in_depth = mode == "in_depth"
        unit = "niveau" if in_depth else "point"
        before_values, after_values = previous.area_values, current.area_values
        for area in ref.areas:
            if area.code in before_values and area.code in after_values:
                noise = area.in_depth_noise if in_depth else area.screening_noise
                change = _change(
                    area.code,
                    area.label,
                    before_values[area.code],
                    after_values[area.code],
                    noise,
                    unit,
                )
                changes.append(change)
                sentences.append(change.sentence)
        total_noise = ref.in_depth_total_noise if in_depth else ref.screening_total_noise
        total = _change("", "Total", previous.total, current.total, total_noise, unit)
        sentences.append(total.sentence)
    return Progress(
        mode=mode,
        typology_before=before.code,
        typology_after=after.code,
        typology_before_label=before.label,
        typology_after_label=after.label,
        typology_direction=direction,
        verdict=total.direction if total is not None else "",
        area_changes=tuple(changes),
        total=total,
        same_referential=same_referential,
        sentences=tuple(sentences),
    )


def _direction(delta: int, noise: int) -> str:
    if delta > noise:
        return PROGRESS
    if delta < -noise:
        return DECLINE
    return STABLE


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'s' if abs(count) > 1 else ''}"


def _change(area: str, label: str, before: int, after: int, noise: int, unit: str) -> Change:
    delta = after - before
    direction = _direction(delta, noise)
    values = f"{label} : {before} → {after}"
    if direction == PROGRESS:
        text = f"{values}, progrès réel (plus que l'écart de mesure de {_plural(noise, unit)})."
    elif direction == DECLINE:
        text = f"{values}, recul réel (plus que l'écart de mesure de {_plural(noise, unit)})."
    elif delta:
        text = f"{values}, écart trop petit pour conclure ({_plural(noise, unit)} ou moins)."
    else:
        text = f"{values}, sans changement."
    return Change(area, label, before, after, delta, noise, direction != STABLE, direction, text)

"""Recommended next step: services and kinds of support that fit a result.

Each recommendation rule of the referential that fires gives, with a French reason:

- a *step* when it names services: look for a place offering **one of** its services
  (codes of ``SERVICE_CODES``; the standard's ``services`` plus our extra services), with
  **one of** its ``modalites_accompagnement`` when it names some; its ``dispositifs``
  (Aidants Connect, France Services…) rank the places that have them first;
- a *preference* otherwise (reading difficulties, language, disability, fear of mistakes):
  its ``modalites`` and ``prise_en_charge_specifique`` rank places first in every step.

Urgent steps (an urgent procedure the person cannot do alone) come first.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from aiguillage.assessments.engine import conditions as cond
from aiguillage.assessments.engine.indepth import InDepthResult
from aiguillage.assessments.engine.model import Referential
from aiguillage.assessments.engine.screening import ScreeningResult
from aiguillage.places.vocabulary import SERVICE_CODES, SERVICES


@dataclass(frozen=True)
class ServiceSuggestion:
    code: str  # a SERVICE_CODES key, as the place search and API take it
    label: str
    standard: bool  # one of the standard's `services` (else one of our extra services)


@dataclass(frozen=True)
class RecommendationStep:
    rule: str
    reason: str
    services: tuple[ServiceSuggestion, ...]
    modalites: tuple[str, ...]
    dispositifs: tuple[str, ...]
    prise_en_charge: tuple[str, ...]
    urgent: bool


@dataclass(frozen=True)
class Recommendation:
    referential_version: str
    referential_hash: str
    typology: str
    urgent: bool
    steps: tuple[RecommendationStep, ...]  # with services, urgent first
    preferences: tuple[RecommendationStep, ...]  # without services
    pathway: str = ""  # the recommended pathway (the typology's unless a pathway rule holds)
    pathway_label: str = ""
    pathway_reason: str = ""  # the pathway rule's reason, "" for the typology's pathway

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(step.reason for step in self.steps + self.preferences)

    @property
    def services(self) -> tuple[ServiceSuggestion, ...]:
        return _unique(service for step in self.steps for service in step.services)

    @property
    def service_codes(self) -> tuple[str, ...]:
        return tuple(service.code for service in self.services)

    @property
    def standard_services(self) -> tuple[str, ...]:
        """Labels of the standard's `services` column among the recommended services."""
        return tuple(service.label for service in self.services if service.standard)

    @property
    def modalites(self) -> tuple[str, ...]:
        return _unique(m for step in self.steps + self.preferences for m in step.modalites)

    @property
    def dispositifs(self) -> tuple[str, ...]:
        return _unique(d for step in self.steps + self.preferences for d in step.dispositifs)

    @property
    def prise_en_charge(self) -> tuple[str, ...]:
        return _unique(p for step in self.steps + self.preferences for p in step.prise_en_charge)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _unique(values: Any) -> tuple:
    return tuple(dict.fromkeys(values))


def recommend(ref: Referential, result: ScreeningResult | InDepthResult) -> Recommendation:
    """The services and kinds of support that fit a screening or in-depth result, and the
    recommended pathway: the first of the referential's ``pathway_rules`` that holds (1.1.0:
    pathway 1 needs the « difficulté sociale » flag, as the Grenoble study defines it),
    else the typology's."""

    def atom(atom: cond.Atom) -> cond.Evaluation:
        if isinstance(atom, cond.TypologyIn):
            return cond.Evaluation(result.typology in atom.typologies)
        if isinstance(atom, cond.TypologyAtMost):
            rank = ref.typology(result.typology).rank
            return cond.Evaluation(rank <= ref.typology(atom.typology).rank)
        if isinstance(atom, cond.HasFlag):
            return cond.Evaluation(atom.flag in result.flag_codes)
        if isinstance(atom, cond.WeakArea):
            return cond.Evaluation(atom.area in result.weak_areas)
        raise TypeError(f"Condition inattendue dans une recommandation : {atom.TYPE}")

    steps = []
    preferences = []
    for rule in ref.recommendation_rules:
        if not cond.evaluate(rule.when, atom).holds:
            continue
        step = RecommendationStep(
            rule=rule.id,
            reason=rule.reason,
            services=tuple(
                ServiceSuggestion(code, SERVICE_CODES[code], SERVICE_CODES[code] in SERVICES)
                for code in rule.services
            ),
            modalites=rule.modalites,
            dispositifs=rule.dispositifs,
            prise_en_charge=rule.prise_en_charge,
            urgent=rule.urgent,
        )
        (steps if step.services else preferences).append(step)
    steps.sort(key=lambda step: not step.urgent)  # stable: keeps the referential's order
    pathway, pathway_reason = ref.typology(result.typology).pathway, ""
    for pathway_rule in ref.pathway_rules:
        if cond.evaluate(pathway_rule.when, atom).holds:
            pathway, pathway_reason = pathway_rule.pathway, pathway_rule.reason
            break
    return Recommendation(
        referential_version=ref.version,
        referential_hash=ref.content_hash,
        typology=result.typology,
        urgent=any(step.urgent for step in steps + preferences),
        steps=tuple(steps),
        preferences=tuple(preferences),
        pathway=pathway,
        pathway_label=ref.pathway_label(pathway),
        pathway_reason=pathway_reason,
    )

"""The « Évaluation avant / après » section of a cycle's page, for the organising structure:
what ``workshops.evaluation`` computes, with the assessments shown journaled."""

from __future__ import annotations

from django.http import HttpRequest

from aiguillage.journal.actions import log_event
from aiguillage.workshops.evaluation import cycle_evaluation
from aiguillage.workshops.models import Cycle


def evaluation_section(request: HttpRequest, cycle: Cycle) -> dict:
    """The caller has checked that the user manages the cycle (a member of its structure):
    the section reads what the organising structure may read."""
    evaluation = cycle_evaluation(cycle, cycle.organisation)
    shown = evaluation.assessment_ids
    if shown:
        # Assessments are personal data: who read which is journaled.
        log_event(
            "workshop_evaluation_accessed",
            actor=request.user,
            obj=cycle,
            territory_id=cycle.territory_id,
            data={"organisation": cycle.organisation_id, "assessments": shown},
        )
    return {"evaluation": evaluation}

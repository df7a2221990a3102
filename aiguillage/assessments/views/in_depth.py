"""The in-depth assessment: the mediator observes one task per screen, in the adaptive
order of the engine, then concludes (confirming or overriding the screening)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from aiguillage.assessments import actions
from aiguillage.assessments.engine import (
    InDepthResult,
    InvalidAnswers,
    Item,
    item_statuses,
    next_item,
    pending_areas,
)
from aiguillage.assessments.forms import ConclusionForm, ObservationForm
from aiguillage.assessments.models import Assessment
from aiguillage.assessments.permissions import get_assessment_for_user
from aiguillage.assessments.views.start import form_errors, next_step_url

MODE_LABELS = {"observation": "Observation", "tache": "Petite mise en situation"}


def _in_depth(request: HttpRequest, public_id, purpose: str) -> Assessment:
    assessment = get_assessment_for_user(
        request.user, public_id, continue_draft=request.method == "POST", purpose=purpose
    )
    if assessment.is_screening:
        raise Http404("Ce diagnostic n'est pas une évaluation approfondie.")
    return assessment


def item_url(assessment: Assessment, item: Item | None = None) -> str:
    url = reverse("assessments:in_depth_item", args=[assessment.public_id])
    return f"{url}?tache={item.id}" if item is not None else url


def _screening_typology(assessment: Assessment) -> str | None:
    return assessment.screening.typology if assessment.screening else None


def in_depth_item(request: HttpRequest, public_id) -> HttpResponse:
    assessment = _in_depth(request, public_id, "évaluation approfondie")
    if not assessment.is_draft:
        return redirect(next_step_url(assessment))
    referential = assessment.engine_referential()
    known = {item.id: item for item in referential.in_depth.items}
    wanted = request.POST.get("tache") or request.GET.get("tache") or ""
    if wanted in assessment.answers or (request.method == "POST" and wanted in known):
        item = known[wanted]
    else:
        item = next_item(
            referential, assessment.answers, screening_typology=_screening_typology(assessment)
        )
    if item is None:
        return redirect("assessments:in_depth_conclusion", public_id=assessment.public_id)
    form = ObservationForm(
        request.POST if request.method == "POST" else None, referential=referential
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_observation(
                actor=request.user,
                assessment=assessment,
                item_id=item.id,
                outcome=form.cleaned_data["resultat"],
            )
        except actions.AssessmentError as error:
            for message in error.errors:
                form.add_error(None, message)
        else:
            return redirect(item_url(assessment))
    return render(
        request,
        "assessments/in_depth_item.html",
        _item_context(assessment, referential, item, form),
        status=400 if form.errors else 200,
    )


def _item_context(assessment: Assessment, referential, item: Item, form) -> dict:
    simple = assessment.simple_wording
    areas = [area.code for area in referential.areas]
    order = [key for key in assessment.answer_order if key != item.id]
    if item.id in assessment.answer_order:
        order = assessment.answer_order[: assessment.answer_order.index(item.id)]
    previous = referential.item(order[-1]) if order else None
    current = assessment.answers.get(item.id, "")
    statuses = item_statuses(referential, assessment.answers)
    return {
        "assessment": assessment,
        "person": assessment.person,
        "item": item,
        "text": item.text_simple if simple else item.text,
        "other_text": item.text if simple else item.text_simple,
        "mode": MODE_LABELS.get(item.mode, item.mode),
        "area": referential.area(item.area),
        "area_position": areas.index(item.area) + 1,
        "area_count": len(areas),
        "max_level": referential.in_depth.max_level,
        "observed": len(assessment.answers),
        "pending": len(pending_areas(referential, assessment.answers)),
        "choices": [
            {
                "code": c.code,
                "label": c.label,
                "pictogram": c.pictogram,
                "selected": c.code == current,
            }
            for c in referential.in_depth.outcome_scale.choices
        ],
        "ladder": [statuses[i.id] for i in referential.items_in_area(item.area)],
        "previous_url": item_url(assessment, previous) if previous else "",
        "form": form,
        "errors": form_errors(form),
        "simple": simple,
        "here": item_url(assessment, item),
    }


def in_depth_conclusion(request: HttpRequest, public_id) -> HttpResponse:
    assessment = _in_depth(request, public_id, "évaluation approfondie (conclusion)")
    if not assessment.is_draft:
        return redirect(next_step_url(assessment))
    referential = assessment.engine_referential()
    if pending_areas(referential, assessment.answers):
        return redirect(item_url(assessment))
    try:
        result = assessment.score()
    except InvalidAnswers as error:
        for message in error.errors:
            messages.error(request, message)
        return redirect(item_url(assessment))
    assert isinstance(result, InDepthResult)
    comparison = assessment.screening_comparison(result)
    labels = {typology.code: typology.label for typology in referential.typologies}
    form = ConclusionForm(
        request.POST if request.method == "POST" else None, comparison=comparison, labels=labels
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.complete_in_depth(
                actor=request.user,
                assessment=assessment,
                retained_typology=form.cleaned_data.get("retenue") or "",
                reason=form.cleaned_data.get("raison", ""),
            )
        except actions.AssessmentError as error:
            for message in error.errors:
                form.add_error(None, message)
        else:
            messages.success(request, "L'évaluation approfondie est terminée.")
            return redirect("assessments:assessment_result", public_id=assessment.public_id)
    areas = [
        {
            "level": area,
            "items": [
                {
                    "status": status,
                    "url": item_url(assessment, referential.item(status.item))
                    if status.item in assessment.answers
                    else "",
                }
                for status in area.items
            ],
        }
        for area in result.area_levels
    ]
    return render(
        request,
        "assessments/in_depth_conclusion.html",
        {
            "assessment": assessment,
            "person": assessment.person,
            "result": result,
            "typology": referential.typology(result.typology),
            "comparison": comparison,
            "form": form,
            "max_level": referential.in_depth.max_level,
            "areas": areas,
        },
        status=400 if form.errors else 200,
    )

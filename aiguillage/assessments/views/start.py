"""Starting an assessment from a person's file: consent first, then a draft to fill in."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from aiguillage.assessments import actions
from aiguillage.assessments.forms import EvaluationConsentForm
from aiguillage.assessments.models import Assessment, AssessmentKind
from aiguillage.assessments.permissions import can_start_assessment, get_assessment_for_user
from aiguillage.organisations.models import Organisation
from aiguillage.people.actions import PersonError, record_consent
from aiguillage.people.models import Person
from aiguillage.people.permissions import get_person_for_user


def current_organisation(request: HttpRequest) -> Organisation | None:
    membership = getattr(request, "membership", None)
    return membership.organisation if membership is not None else None


def _person_to_assess(request: HttpRequest, public_id, purpose: str) -> tuple[Person, Organisation]:
    """The person (404 for outsiders) and the structure the user acts for (403 if it does
    not work with the person)."""
    person = get_person_for_user(request.user, public_id, purpose=purpose)
    organisation = current_organisation(request)
    if not can_start_assessment(request.user, organisation, person):
        raise PermissionDenied(
            "Votre structure actuelle n'accompagne pas cette personne : changez de structure "
            "dans « Mon espace »."
        )
    if person.anonymised_at:
        raise PermissionDenied("Cette fiche est anonymisée.")
    assert organisation is not None
    return person, organisation


def assessment_start(request: HttpRequest, public_id) -> HttpResponse:
    """GET: choose the kind (and resume drafts); POST: start or resume."""
    person, organisation = _person_to_assess(request, public_id, "diagnostic")
    if not actions.person_consents_to_evaluation(person):
        return redirect("assessments:consent_evaluation", public_id=person.public_id)
    if request.method == "POST":
        try:
            assessment = actions.start_assessment(
                actor=request.user,
                organisation=organisation,
                person=person,
                kind=request.POST.get("kind", ""),
            )
        except actions.AssessmentError as error:
            messages.error(request, str(error))
        else:
            return redirect(next_step_url(assessment))
    drafts = Assessment.objects.drafts().filter(person=person, organisation=organisation)
    return render(
        request,
        "assessments/assessment_start.html",
        {"person": person, "drafts": list(drafts), "kinds": AssessmentKind},
    )


def consent_evaluation(request: HttpRequest, public_id) -> HttpResponse:
    """Why the consent is needed and how to record it, with the form to record it."""
    person, organisation = _person_to_assess(request, public_id, "accord diagnostic")
    if actions.person_consents_to_evaluation(person):
        return redirect("assessments:assessment_start", public_id=person.public_id)
    form = EvaluationConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            record_consent(
                actor=request.user,
                person=person,
                organisation=organisation,
                purposes=[actions.EVALUATION_PURPOSE],
                explained_text=str(form.fields["explained"].label),
            )
        except PersonError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "L'accord de la personne pour le diagnostic est enregistré.")
            return redirect("assessments:assessment_start", public_id=person.public_id)
    return render(request, "assessments/consent_required.html", {"person": person, "form": form})


def form_errors(form) -> list[str]:
    """Every message of a one-field form, for the error summary of an assessment screen."""
    return [str(message) for errors in form.errors.values() for message in errors]


def next_step_url(assessment: Assessment) -> str:
    """Where a user goes to continue (or read) an assessment."""
    if assessment.is_complete:
        return reverse("assessments:assessment_result", args=[assessment.public_id])
    name = "screening_question" if assessment.is_screening else "in_depth_item"
    return reverse(f"assessments:{name}", args=[assessment.public_id])


def assessment_detail(request: HttpRequest, public_id) -> HttpResponse:
    assessment = get_assessment_for_user(request.user, public_id, purpose="ouverture")
    return redirect(next_step_url(assessment))


@require_POST
def assessment_abandon(request: HttpRequest, public_id) -> HttpResponse:
    assessment = get_assessment_for_user(
        request.user, public_id, continue_draft=True, purpose="abandon"
    )
    actions.abandon_assessment(actor=request.user, assessment=assessment)
    messages.success(request, "Le brouillon est abandonné : ses réponses sont effacées.")
    return redirect("people:person_detail", public_id=assessment.person.public_id)


@require_POST
def assessment_wording(request: HttpRequest, public_id) -> HttpResponse:
    """The « very simple wording » switch, kept for the rest of the assessment."""
    assessment = get_assessment_for_user(
        request.user, public_id, continue_draft=True, purpose="formulation"
    )
    actions.set_simple_wording(
        actor=request.user, assessment=assessment, simple=request.POST.get("simple") == "1"
    )
    target = request.POST.get("next", "")
    # Only our own pages of this assessment (no open redirect).
    if not target.startswith(reverse("assessments:assessment_detail", args=[assessment.public_id])):
        target = next_step_url(assessment)
    return redirect(target)

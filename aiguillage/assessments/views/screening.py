"""The screening, one question per screen: each answer is a form POST (works without
JavaScript); the back link reopens the previous question; the review page computes."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from aiguillage.assessments import actions
from aiguillage.assessments.engine import Question, next_questions, visible_questions
from aiguillage.assessments.forms import AnswerForm
from aiguillage.assessments.models import Assessment
from aiguillage.assessments.permissions import get_assessment_for_user
from aiguillage.assessments.question_hints import hints_for
from aiguillage.assessments.views.start import form_errors, next_step_url


def _screening(request: HttpRequest, public_id, purpose: str) -> Assessment:
    assessment = get_assessment_for_user(
        request.user, public_id, continue_draft=request.method == "POST", purpose=purpose
    )
    if not assessment.is_screening:
        raise Http404("Ce diagnostic n'est pas un repérage.")
    return assessment


def question_url(assessment: Assessment, question: Question | None = None) -> str:
    url = reverse("assessments:screening_question", args=[assessment.public_id])
    return f"{url}?question={question.id}" if question is not None else url


def _after_answer_url(assessment: Assessment) -> str:
    remaining = next_questions(assessment.engine_referential(), assessment.answers)
    if remaining:
        return question_url(assessment)
    return reverse("assessments:screening_review", args=[assessment.public_id])


def _answer_labels(question: Question, value, simple: bool) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [
        (choice.label_simple if simple else choice.label)
        for choice in question.scale.choices
        if choice.code in values
    ]


def screening_question(request: HttpRequest, public_id) -> HttpResponse:
    assessment = _screening(request, public_id, "repérage")
    if not assessment.is_draft:
        return redirect(next_step_url(assessment))
    referential = assessment.engine_referential()
    visible = visible_questions(referential, assessment.answers)
    wanted = request.POST.get("question") or request.GET.get("question")
    if request.method == "POST":
        question = next((q for q in referential.screening.questions if q.id == wanted), None)
    elif wanted:
        # The person's questions asked so far, or the professional's part (any time).
        reachable = [*visible, *referential.professional_questions]
        question = next((q for q in reachable if q.id == wanted), None)
    else:
        remaining = next_questions(referential, assessment.answers)
        question = remaining[0] if remaining else None
    if question is None:
        return redirect(_after_answer_url(assessment) if not wanted else question_url(assessment))
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        question=question,
        simple=assessment.simple_wording,
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_answer(
                actor=request.user,
                assessment=assessment,
                question_id=question.id,
                value=form.cleaned_data["reponse"],
            )
        except actions.AssessmentError as error:
            for message in error.errors:
                form.add_error(None, message)
        else:
            return redirect(_after_answer_url(assessment))
    context = _question_context(assessment, question, visible, form)
    # What other apps know that bears on this question (a computer installed at home…).
    context["professional_hints"] = hints_for(request.user, assessment.person, question.id)
    return render(
        request,
        "assessments/screening_question.html",
        context,
        status=400 if form.errors else 200,
    )


def _question_context(assessment, question: Question, visible, form) -> dict:
    simple = assessment.simple_wording
    position = visible.index(question) + 1 if question in visible else len(visible)
    previous = visible[position - 2] if position > 1 else None
    current = assessment.answers.get(question.id)
    current_values = current if isinstance(current, list) else [current]
    return {
        "assessment": assessment,
        "person": assessment.person,
        "question": question,
        "text": question.text_simple if simple else question.text,
        "other_text": question.text if simple else question.text_simple,
        "professional": question.is_professional,
        "choices": [
            {
                "code": choice.code,
                "label": choice.label_simple if simple else choice.label,
                "pictogram": choice.pictogram,
                "selected": choice.code in current_values,
                "exclusive": choice.code in question.scale.exclusive,
            }
            for choice in question.scale.choices
        ],
        "position": position,
        "count": len(visible),
        "previous_url": question_url(assessment, previous) if previous else "",
        "form": form,
        "errors": form_errors(form),
        "simple": simple,
        "here": question_url(assessment, question),
    }


def screening_review(request: HttpRequest, public_id) -> HttpResponse:
    """Every answer on one page, each with a link to change it; then compute the result."""
    assessment = _screening(request, public_id, "repérage (vérification)")
    if not assessment.is_draft:
        return redirect(next_step_url(assessment))
    referential = assessment.engine_referential()
    if next_questions(referential, assessment.answers):
        return redirect(question_url(assessment))
    errors: list[str] = []
    if request.method == "POST":
        try:
            actions.complete_screening(actor=request.user, assessment=assessment)
        except actions.AssessmentError as error:
            errors = error.errors
        else:
            messages.success(request, "Le repérage est terminé.")
            return redirect("assessments:assessment_result", public_id=assessment.public_id)
    simple = assessment.simple_wording
    rows = [
        {
            "question": question,
            "text": question.text_simple if simple else question.text,
            "answers": _answer_labels(question, assessment.answers.get(question.id), simple),
            "url": question_url(assessment, question),
        }
        for question in visible_questions(referential, assessment.answers)
    ]
    professional = [
        {
            "question": question,
            "text": question.text,
            "answers": _answer_labels(question, assessment.answers.get(question.id), False),
            "url": question_url(assessment, question),
        }
        for question in referential.professional_questions
    ]
    context = {
        "assessment": assessment,
        "person": assessment.person,
        "rows": rows,
        "professional": professional,
        "errors": errors,
    }
    return render(
        request,
        "assessments/screening_review.html",
        context,
        status=400 if errors else 200,
    )

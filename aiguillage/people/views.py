"""People pages: only for members of organisations that work with the person."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from aiguillage.assessments.views.history import person_assessments_context
from aiguillage.journal.actions import log_event
from aiguillage.people.actions import (
    PersonError,
    anonymise_person,
    create_person,
    update_person,
    withdraw_consent,
)
from aiguillage.people.forms import ConsentForm, PersonForm
from aiguillage.people.models import Person
from aiguillage.people.page_sections import sections_for
from aiguillage.people.permissions import get_person_for_user
from aiguillage.people.rules import CONSENT_EXPLANATION, CONSENT_PURPOSES


def _current_organisation(request: HttpRequest):
    membership = getattr(request, "membership", None)
    if membership is None:
        raise PermissionDenied("Il faut appartenir à une structure pour accompagner des personnes.")
    return membership.organisation


def person_list(request: HttpRequest) -> HttpResponse:
    organisation = _current_organisation(request)
    people = Person.objects.for_organisation(organisation).active().select_related("commune")
    text = request.GET.get("q", "").strip()[:60]
    if text:
        people = people.filter(first_name__icontains=text)
    page = Paginator(people, 25).get_page(request.GET.get("page"))
    # A list shows people too: who saw which files is journaled (never the searched text).
    log_event(
        "people_listed",
        actor=request.user,
        data={
            "organisation": organisation.pk,
            "search": bool(text),
            "people": [str(person.public_id) for person in page.object_list],
        },
    )
    return render(
        request, "people/person_list.html", {"page": page, "q": text, "organisation": organisation}
    )


def person_create(request: HttpRequest) -> HttpResponse:
    organisation = _current_organisation(request)
    form = PersonForm(request.POST or None, territory=organisation.territory)
    consent = ConsentForm(request.POST or None, prefix="accord")
    if request.method == "POST" and form.is_valid() and consent.is_valid():
        try:
            person = create_person(
                actor=request.user,
                organisation=organisation,
                values=form.cleaned_data,
                purposes=consent.cleaned_data["purposes"],
                explained_text=CONSENT_EXPLANATION,
            )
        except PersonError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "La fiche est créée avec l'accord de la personne.")
            return redirect("people:person_detail", public_id=person.public_id)
    return render(
        request, "people/person_form.html", {"form": form, "consent": consent, "creating": True}
    )


def person_detail(request: HttpRequest, public_id) -> HttpResponse:
    person = get_person_for_user(request.user, public_id)
    consents = list(person.consents.all())
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "consents": consents,
            "purposes": CONSENT_PURPOSES,
            # Assessments and progress (journaled there).
            **person_assessments_context(request, person),
            # Blocks of other apps (the computer of the equipment programme…).
            "person_sections": sections_for(request.user, person),
        },
    )


def person_edit(request: HttpRequest, public_id) -> HttpResponse:
    person = get_person_for_user(request.user, public_id, purpose="modification")
    territory = person.created_by_organisation.territory
    form = PersonForm(
        request.POST or None,
        instance=None,
        territory=territory,
        initial={name: getattr(person, name) for name in PersonForm.Meta.fields},
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_person(actor=request.user, person=person, values=form.cleaned_data)
        except PersonError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "La fiche est mise à jour.")
            return redirect("people:person_detail", public_id=person.public_id)
    return render(
        request, "people/person_form.html", {"form": form, "person": person, "creating": False}
    )


@require_POST
def consent_withdraw(request: HttpRequest, public_id) -> HttpResponse:
    person = get_person_for_user(request.user, public_id, purpose="retrait du consentement")
    withdraw_consent(actor=request.user, person=person)
    messages.success(
        request, "L'accord est retiré : la fiche est anonymisée, les statistiques anonymes restent."
    )
    return redirect("people:person_list")


@require_POST
def person_delete(request: HttpRequest, public_id) -> HttpResponse:
    person = get_person_for_user(request.user, public_id, purpose="suppression")
    anonymise_person(actor=request.user, person=person, reason="suppression demandée")
    messages.success(
        request, "La fiche est supprimée (anonymisée) ; les statistiques anonymes restent."
    )
    return redirect("people:person_list")

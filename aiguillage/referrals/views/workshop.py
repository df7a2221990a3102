"""Sending a person to a workshop (a cycle or a session standing alone) of another structure:
the organiser answers like any referral, and accepting enrols the person."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from aiguillage.people.actions import PersonError, record_consent
from aiguillage.referrals import rules
from aiguillage.referrals.actions import ReferralError, orientation_consent, send_referral
from aiguillage.referrals.forms import SendForm
from aiguillage.referrals.views.sending import _organisation, _person
from aiguillage.workshops.models import Cycle, Session, coming_workshops

KINDS = {"cycle": Cycle, "seance": Session}
# What a workshop answers in the referral's need: learning to use digital tools.
WORKSHOP_NEED = {"needs": ["apprendre"]}


def workshop_choose(request: HttpRequest, public_id) -> HttpResponse:
    """The territory's coming workshops of other structures, to send the person to one."""
    person = _person(request, public_id)
    organisation = _organisation(request)
    if organisation.territory is None:
        raise Http404("Structure sans territoire")
    others = Q(is_published=True, place__isnull=False) & ~Q(organisation=organisation)
    cycles, sessions = coming_workshops(organisation.territory, others, now=timezone.now())
    context = {"person": person, "cycles": cycles, "sessions": sessions}
    return render(request, "referrals/workshop_choose.html", context)


def workshop_confirm(request: HttpRequest, public_id, kind: str, workshop_id) -> HttpResponse:
    """The workshop, the message, the consent if missing; then send."""
    person = _person(request, public_id)
    organisation = _organisation(request)
    model = KINDS.get(kind)
    if model is None or organisation.territory is None:
        raise Http404("Atelier introuvable")
    workshop = (
        model.objects.in_territory(organisation.territory)
        .filter(public_id=workshop_id, is_published=True)
        .select_related("place", "organisation", "kind")
        .first()
    )
    if workshop is None:
        raise Http404("Atelier introuvable")
    needs_consent = orientation_consent(person) is None
    form = SendForm(request.POST or None, needs_consent=needs_consent)
    if request.method == "POST" and form.is_valid():
        try:
            if needs_consent:
                record_consent(
                    actor=request.user,
                    person=person,
                    organisation=organisation,
                    purposes=["orientation"],
                    explained_text=rules.ORIENTATION_EXPLANATION,
                )
            referral = send_referral(
                actor=request.user,
                organisation=organisation,
                person=person,
                place=workshop.place,
                values=dict(WORKSHOP_NEED),
                message=form.cleaned_data["message"],
                workshop=workshop,
            )
        except (ReferralError, PersonError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"L'orientation vers « {workshop.title} » est envoyée à "
                f"{workshop.organisation.name}. Vous verrez sa réponse ici.",
            )
            return redirect("referrals:referral_detail", referral.public_id)
    context = {"person": person, "workshop": workshop, "kind": kind, "form": form}
    return render(request, "referrals/workshop_confirm.html", context)

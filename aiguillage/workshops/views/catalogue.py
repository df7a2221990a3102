"""The territory's workshop catalogue and completion rule, for its coordinators."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from aiguillage.accounts.permissions import get_territory_for_coordinator
from aiguillage.places.vocabulary import SERVICE_CODES
from aiguillage.workshops import actions, rules
from aiguillage.workshops.errors import WorkshopError
from aiguillage.workshops.forms import ThresholdForm
from aiguillage.workshops.models import WorkshopKind


def catalogue(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_territory_for_coordinator(request.user, slug)
    kinds = list(WorkshopKind.objects.filter(territory=territory))
    form = ThresholdForm(
        request.POST if "percent" in request.POST else None,
        initial={"percent": actions.completion_threshold(territory)},
    )
    if request.method == "POST" and "catalogue" in request.POST:
        actions.create_default_catalogue(actor=request.user, territory=territory)
        messages.success(request, "Le catalogue par défaut est en place.")
        return redirect("workshops:catalogue", territory.slug)
    if form.is_bound and form.is_valid():
        try:
            actions.set_completion_threshold(
                actor=request.user, territory=territory, percent=form.cleaned_data["percent"]
            )
        except WorkshopError as error:
            form.add_error("percent", str(error))
        else:
            messages.success(request, "La règle d'assiduité est enregistrée.")
            return redirect("workshops:catalogue", territory.slug)
    rows = [
        (
            kind,
            rules.labels(kind.services, SERVICE_CODES),
            rules.labels(kind.coop_themes, rules.COOP_THEMES),
        )
        for kind in kinds
    ]
    missing = set(rules.DEFAULT_CATALOGUE) - {kind.code for kind in kinds}
    context = {"territory": territory, "rows": rows, "form": form, "missing": bool(missing)}
    return render(request, "workshops/catalogue.html", context, status=400 if form.errors else 200)

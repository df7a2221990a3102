"""Coordinators: scale the demand estimate to a known local figure, and see both figures."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from aiguillage.coverage.actions import (
    CoverageError,
    active_calibration,
    calibrate_demand,
    demand_parameters_of,
    withdraw_demand_calibration,
)
from aiguillage.coverage.calibration import calibration_figures
from aiguillage.coverage.engine import explain_calibration
from aiguillage.coverage.forms import DemandCalibrationForm
from aiguillage.coverage.models import DemandCalibration
from aiguillage.coverage.permissions import get_territory_for_coverage

HISTORY_LISTED = 10


def calibration(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_territory_for_coverage(request.user, slug)
    communes = list(territory.communes.order_by("name").values_list("insee_code", "name"))
    form = DemandCalibrationForm(request.POST or None, communes=communes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            calibrate_demand(
                actor=request.user,
                territory=territory,
                known_people=data["known_people"],
                source=data["source"],
                year=data["year"],
                commune_insee=data["scope"],
            )
        except CoverageError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Estimation calée : une nouvelle analyse est lancée.")
            return redirect("coverage:calibration", slug=territory.slug)
    active = active_calibration(territory)
    figures = calibration_figures(territory, demand_parameters_of(territory), active)
    context = {
        "territory": territory,
        "form": form,
        "active": active,
        "figures": figures,
        "method": (
            explain_calibration(active.as_engine(), figures.factor, figures.scope_raw)
            if active
            else []
        ),
        "history": DemandCalibration.objects.filter(territory=territory).select_related("commune")[
            :HISTORY_LISTED
        ],
    }
    return render(request, "coverage/calibration.html", context, status=400 if form.errors else 200)


@require_POST
def calibration_withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_territory_for_coverage(request.user, slug)
    try:
        withdraw_demand_calibration(actor=request.user, territory=territory)
    except CoverageError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Calage retiré : une nouvelle analyse est lancée.")
    return redirect("coverage:calibration", slug=territory.slug)

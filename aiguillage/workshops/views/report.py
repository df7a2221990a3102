"""« Bilan des ateliers »: the workshops' figures over any period, for a structure's members
(their structure) and for a territory's coordinators (the territory, or one structure)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from aiguillage.accounts.permissions import get_territory_for_coordinator
from aiguillage.activities import rules as period_rules
from aiguillage.activities.forms import PeriodForm
from aiguillage.organisations.models import Organisation
from aiguillage.workshops.report import workshop_report
from aiguillage.workshops.views.context import current_organisation, render_in_territory


def _period(form: PeriodForm) -> period_rules.Period:
    if form.is_valid():
        return form.cleaned_data["period"]
    return period_rules.preset_period("12mois", timezone.localdate())


def _presets(request: HttpRequest, extra: dict) -> dict:
    year = timezone.localdate().year
    choices = [
        ("12 derniers mois", {"periode": "12mois"}),
        (f"Année {year}", {"periode": "annee", "annee": year}),
        (f"Année {year - 1}", {"periode": "annee", "annee": year - 1}),
    ]
    links = [(label, urlencode({**query, **extra})) for label, query in choices]
    current = request.GET.urlencode() or urlencode({"periode": "12mois", **extra})
    return {"presets": links, "current_query": current}


def structure_report(request: HttpRequest) -> HttpResponse:
    organisation = current_organisation(request)
    territory = organisation.territory
    form = PeriodForm(request.GET)
    period = _period(form)
    context = {
        "form": form,
        "scope": organisation.name,
        "territory": None,
        "period": period,
        **_presets(request, {}),
    }
    if territory is not None:
        context["report"] = workshop_report(
            territory=territory,
            organisations=[organisation],
            start=period.start,
            end=period.end,
            now=timezone.now(),
        )
    status = 400 if form.errors else 200
    return render_in_territory(request, "workshops/report.html", context, territory, status)


def territory_report(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_territory_for_coordinator(request.user, slug)
    organisations = list(Organisation.objects.filter(territory=territory).order_by("name"))
    form = PeriodForm(request.GET, organisations=organisations)
    period = _period(form)
    chosen = form.cleaned_data.get("structure") if form.is_valid() else ""
    organisation = next((o for o in organisations if str(o.public_id) == chosen), None)
    report = workshop_report(
        territory=territory,
        organisations=[organisation] if organisation else None,
        start=period.start,
        end=period.end,
        now=timezone.now(),
    )
    extra = {"structure": str(organisation.public_id)} if organisation else {}
    context = {
        "form": form,
        "scope": f"{territory.name} · {organisation.name}" if organisation else territory.name,
        "territory": territory,
        "period": period,
        "report": report,
        **_presets(request, extra),
    }
    status = 400 if form.errors else 200
    return render_in_territory(request, "workshops/report.html", context, territory, status)

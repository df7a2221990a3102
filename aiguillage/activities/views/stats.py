"""Statistics of the accompaniments over any period: for a structure's members (their
structure) and for a territory's coordinators (the territory, per structure). Every count is
masked (``aiguillage.disclosure``); the CSV and XLSX exports carry the same masked tables."""

from __future__ import annotations

import io
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from aiguillage.accounts.permissions import get_territory_for_coordinator
from aiguillage.activities import rules, statistics
from aiguillage.activities.forms import PeriodForm
from aiguillage.activities.models import ActivityRecord
from aiguillage.activities.permissions import current_organisation
from aiguillage.csv_cells import csv_download, neutralise
from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import Organisation

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(form: PeriodForm) -> rules.Period:
    if form.is_valid():
        return form.cleaned_data["period"]
    return rules.preset_period("12mois", timezone.localdate())


def _statistics(
    records: QuerySet, period: rules.Period, *, territory, single: bool, names=None
) -> dict:
    in_period = records.between(period.start, period.end)
    displayed = statistics.displayed(
        in_period, single_organisation=single, organisation_names=names
    )
    department = statistics.department_of(territory)
    figures = statistics.department_figures(department)
    return {
        "period": period,
        "displayed": displayed,
        "department": department,
        "department_available": figures is not None,
        "national_rows": rules.national_rows(displayed, figures),
    }


def _structure(request: HttpRequest) -> tuple[Organisation, QuerySet, PeriodForm]:
    organisation = current_organisation(request.membership)
    form = PeriodForm(request.GET)
    return organisation, ActivityRecord.objects.for_organisation(organisation), form


def _territory(request: HttpRequest, slug: str):
    territory = get_territory_for_coordinator(request.user, slug)
    organisations = list(Organisation.objects.filter(territory=territory).order_by("name"))
    form = PeriodForm(request.GET, organisations=organisations)
    records = ActivityRecord.objects.in_territory(territory)
    chosen = form.cleaned_data.get("structure") if form.is_valid() else ""
    organisation = next((o for o in organisations if str(o.public_id) == chosen), None)
    if organisation is not None:
        records = records.filter(organisation=organisation)
    names = {org.pk: org.name for org in organisations}
    return territory, organisation, records, form, names


def structure_stats(request: HttpRequest) -> HttpResponse:
    organisation, records, form = _structure(request)
    context = _statistics(records, _period(form), territory=organisation.territory, single=True)
    urls = _export_urls("activities:structure_stats", {}, request)
    context |= {"form": form, "scope": organisation.name, **urls, **_presets(request, {})}
    context |= {"organisation": organisation, "territory": None}
    return render(request, "activities/activity_stats.html", context)


def territory_stats(request: HttpRequest, slug: str) -> HttpResponse:
    territory, organisation, records, form, names = _territory(request, slug)
    period = _period(form)
    context = _statistics(
        records, period, territory=territory, single=organisation is not None, names=names
    )
    urls = _export_urls("activities:territory_stats", {"slug": slug}, request)
    scope = f"{territory.name} · {organisation.name}" if organisation else territory.name
    chosen = {"structure": str(organisation.public_id)} if organisation else {}
    context |= {"form": form, "scope": scope, **urls, **_presets(request, chosen)}
    context |= {"organisation": organisation, "territory": territory}
    return render(request, "activities/activity_stats.html", context)


def _presets(request: HttpRequest, extra: dict) -> dict:
    """Links to the usual periods (keeping the structure chosen), and which one is shown."""
    year = timezone.localdate().year
    choices = [
        ("12 derniers mois", {"periode": "12mois"}),
        ("Ce mois-ci", {"periode": "mois"}),
        (f"Année {year}", {"periode": "annee", "annee": year}),
        (f"Année {year - 1}", {"periode": "annee", "annee": year - 1}),
    ]
    links = [(label, urlencode({**query, **extra})) for label, query in choices]
    current = request.GET.urlencode() or urlencode({"periode": "12mois", **extra})
    return {"presets": links, "current_query": current}


def _export_urls(prefix: str, kwargs: dict, request: HttpRequest) -> dict:
    """The exports of the page, for the same period and structure."""
    query = request.GET.urlencode()
    suffix = f"?{query}" if query else ""
    return {
        f"{fmt}_url": reverse(f"{prefix}_{fmt}", kwargs=kwargs) + suffix for fmt in ("csv", "xlsx")
    }


def structure_stats_export(request: HttpRequest, fmt: str) -> HttpResponse:
    organisation, records, form = _structure(request)
    period = _period(form)
    context = _statistics(records, period, territory=organisation.territory, single=True)
    log_event(
        "activity_stats_exported",
        actor=request.user,
        territory_id=organisation.territory_id,
        data={"format": fmt, "organisation": organisation.pk, "period": period.slug},
    )
    return _export(context, fmt, f"accompagnements-structure-{period.slug}")


def territory_stats_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    territory, organisation, records, form, names = _territory(request, slug)
    period = _period(form)
    context = _statistics(
        records, period, territory=territory, single=organisation is not None, names=names
    )
    log_event(
        "activity_stats_exported",
        actor=request.user,
        territory_id=territory.pk,
        data={
            "format": fmt,
            "organisation": organisation.pk if organisation else None,
            "period": period.slug,
        },
    )
    return _export(context, fmt, f"accompagnements-{territory.slug}-{period.slug}")


def _national_table(context: dict) -> list[list[str]]:
    department = context["department"] or "?"
    header = ["clé nationale", "ligne", "période choisie", "part"]
    header += [f"département {department} (cumul 02/2024)", "part du département"]
    rows = [header]
    for row in context["national_rows"]:
        department_value = row.department or "non disponible"
        rows.append([row.key, row.label, row.ours, row.ours_share])
        rows[-1] += [department_value, row.department_share]
    return rows


def _export(context: dict, fmt: str, stem: str) -> HttpResponse:
    period: rules.Period = context["period"]
    tables = rules.export_rows(context["displayed"])
    national = _national_table(context)
    if fmt == "csv":
        response, writer = csv_download(f"{stem}.csv")
        writer.writerow(["période", period.label, "", ""])
        writer.writerows(tables)
        writer.writerow([])
        writer.writerows(national)
        return response
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Tableaux"
    sheet.append(["Période", period.label])
    for row in tables:
        sheet.append([_xlsx_cell(value) for value in row])
    national_sheet = book.create_sheet("Format national")
    for row in national:
        national_sheet.append([_xlsx_cell(value) for value in row])
    for worksheet in (sheet, national_sheet):
        worksheet.column_dimensions["A"].width = 34
        worksheet.column_dimensions["B"].width = 44
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    return response


def _xlsx_cell(value):
    """Counts as numbers; masked cells (« < 5 ») and labels as text, never as formulas."""
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return neutralise(value)

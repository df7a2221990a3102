"""« Chiffres du programme »: stock now, its age, devices in and out per month over a
period (shared period filter), time to installation, people equipped; the monthly table
as CSV."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.utils import formats, timezone

from aiguillage.activities import rules as period_rules
from aiguillage.activities.forms import PeriodForm
from aiguillage.csv_cells import csv_download
from aiguillage.equipment import programme_actions, stock
from aiguillage.equipment.permissions import get_programme_for_user
from aiguillage.equipment.views.context import render_programme_page

COLUMNS = (
    ("received", "Entrés"),
    ("recycled", "Recyclés"),
    ("handed_over", "Remis"),
    ("installed", "Installés"),
)


def _period(form: PeriodForm) -> period_rules.Period:
    if form.is_valid():
        return form.cleaned_data["period"]
    return period_rules.preset_period("12mois", timezone.localdate())


def _presets(request: HttpRequest) -> dict:
    year = timezone.localdate().year
    choices = [
        ("12 derniers mois", {"periode": "12mois"}),
        (f"Année {year}", {"periode": "annee", "annee": year}),
        (f"Année {year - 1}", {"periode": "annee", "annee": year - 1}),
    ]
    links = [(label, urlencode(query)) for label, query in choices]
    current = request.GET.urlencode() or urlencode({"periode": "12mois"})
    return {"presets": links, "current_query": current}


def _month_label(month) -> str:
    return formats.date_format(month, "F Y").capitalize()


def stock_stats(request: HttpRequest, public_id) -> HttpResponse:
    programme = get_programme_for_user(request.user, public_id)
    form = PeriodForm(request.GET)
    period = _period(form)
    today = timezone.localdate()
    counts = stock.state_counts(programme)
    table = stock.flow_table(stock.monthly_flows(programme, period.start, period.end))
    context = {
        "form": form,
        "territory": None,  # the period filter offers no structure choice here
        "period": period,
        "counts": counts,
        "in_stock": stock.in_stock_count(counts),
        "ages": list(stock.stock_age(programme, today).items()),
        "columns": COLUMNS,
        "rows": [(_month_label(m), [cells[c] for c, _ in COLUMNS]) for m, cells in table.rows],
        "total": [table.total[c] for c, _ in COLUMNS],
        "durations": stock.installation_durations(programme, period.start, period.end),
        "people": stock.people_equipped(programme, period.start, period.end),
        "csv_query": request.GET.urlencode(),
        **_presets(request),
    }
    status = 400 if form.errors else 200
    return render_programme_page(request, "equipment/stats.html", programme, context, status)


def stock_stats_csv(request: HttpRequest, public_id) -> HttpResponse:
    programme = get_programme_for_user(request.user, public_id)
    period = _period(PeriodForm(request.GET))
    table = stock.flow_table(stock.monthly_flows(programme, period.start, period.end))
    programme_actions.log_stats_exported(
        actor=request.user, programme=programme, period=period.slug
    )
    response, writer = csv_download(f"ordinateurs-par-mois-{period.slug}.csv")
    writer.writerow(["mois", *(label.lower() for _, label in COLUMNS)])
    for month, cells in table.rows:
        writer.writerow([f"{month:%Y-%m}", *(cells[c] for c, _ in COLUMNS)])
    writer.writerow(["total", *(table.total[c] for c, _ in COLUMNS)])
    return response

"""Coordinators: start an analysis, follow it, read its map and table, compare runs."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.conf import settings as django_settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from aiguillage.coverage import rules
from aiguillage.coverage.actions import (
    CoverageError,
    demand_parameters_of,
    start_coverage_run,
    update_demand_parameters,
)
from aiguillage.coverage.engine import CoverageSettings, DemandParameters, explain_formula
from aiguillage.coverage.forms import (
    CompareForm,
    DemandParametersForm,
    RunSettingsForm,
    TableForm,
)
from aiguillage.coverage.models import CoverageRun, FragilityIndex, FragilitySource
from aiguillage.coverage.observed import observed_demand
from aiguillage.coverage.permissions import get_run_for_user, get_territory_for_coverage
from aiguillage.coverage.storage import analysis_of, table_from_dict
from aiguillage.csv_cells import csv_download
from aiguillage.journal.actions import log_event

RUNS_LISTED = 30


def overview(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_territory_for_coverage(request.user, slug)
    runs = list(CoverageRun.objects.for_territory(territory).defer("table")[:RUNS_LISTED])
    latest_done = next((run for run in runs if run.is_done), None)
    settings = CoverageSettings.from_dict(latest_done.settings) if latest_done else None
    context = {
        "territory": territory,
        "runs": runs,
        "running": next((run for run in runs if run.is_running), None),
        "latest": latest_done,
        "changed_places": latest_done.changed_places_count() if latest_done else 0,
        "settings_form": RunSettingsForm(
            initial=RunSettingsForm.initial_for(settings or CoverageSettings())
        ),
        "compare_form": CompareForm(None, runs=[run for run in runs if run.is_done]),
        "scores": _score_sources(territory),
        "formula": rules.formula_parts(explain_formula(demand_parameters_of(territory))),
    }
    return render(request, "coverage/coverage_overview.html", context)


def _score_sources(territory) -> dict[str, int]:
    codes = list(territory.communes.values_list("insee_code", flat=True))
    found = FragilityIndex.objects.filter(insee_code__in=codes)
    counts = {
        "communes": len(codes),
        "ifn": found.filter(source=FragilitySource.IFN_2023).count(),
        "demo": found.filter(source=FragilitySource.DEMO).count(),
    }
    return counts | {"missing": counts["communes"] - counts["ifn"] - counts["demo"]}


@require_POST
def run_start(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_territory_for_coverage(request.user, slug)
    form = RunSettingsForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("coverage:overview", slug=territory.slug)
    try:
        run = start_coverage_run(actor=request.user, territory=territory, settings=form.settings())
    except CoverageError as error:
        messages.error(request, str(error))
        return redirect("coverage:overview", slug=territory.slug)
    return redirect("coverage:run_detail", slug=territory.slug, public_id=run.public_id)


def run_detail(request: HttpRequest, slug: str, public_id) -> HttpResponse:
    run = get_run_for_user(request.user, slug, public_id)
    if request.htmx and request.GET.get("fragment") == "progress":
        response = render(request, "coverage/_run_progress.html", {"run": run})
        if not run.is_running:
            # Finished: reload the whole page so that the results appear.
            response["HX-Refresh"] = "true"
        return response
    context = {"run": run, "territory": run.territory}
    if run.is_done:
        context |= _results(run, TableForm(request.GET or None, settings=_settings(run)))
    return render(request, "coverage/run_detail.html", context)


def _settings(run: CoverageRun) -> CoverageSettings:
    return CoverageSettings.from_dict(run.settings)


def _results(run: CoverageRun, form: TableForm) -> dict[str, object]:
    settings = _settings(run)
    table = table_from_dict(run.table)
    need, window, sort = form.value("besoin"), form.value("creneau"), form.value("tri")
    labels, observed = observed_demand(run.territory)
    thresholds = table.thresholds_m

    def row(item):
        counts = observed.get(item.insee, {})
        return rules.table_row(item, thresholds, [counts.get(label, "0") for label in labels])

    rows = rules.sort_rows([row(item) for item in table.rows_for(need, window)], sort, thresholds)
    total = row(table.total_for(need, window))
    return {
        "form": form,
        "settings": settings,
        "table": table,
        "need": need,
        "window": window,
        "need_label": dict(form.fields["besoin"].choices)[need],
        "window_label": dict(form.fields["creneau"].choices)[window],
        "sort": sort,
        "columns": _columns(thresholds, need, window, sort),
        "rows": rows,
        "total": total,
        "distance_columns": [
            {"km": f"{t / 1000:g}".replace(".", ","), "people": people, "share": share}
            for t, (people, share) in zip(thresholds, total.within, strict=True)
        ],
        "most_uncovered": table.most_uncovered(need, window, limit=10),
        "observed_labels": labels,
        "changed_places": run.changed_places_count(),
        "formula": rules.formula_parts(explain_formula(DemandParameters.from_dict(run.parameters))),
        "shades": list(zip(rules.SHADE_LABELS, rules.SHADE_COLOURS, strict=True)),
        "map_tile_url": django_settings.MAP_TILE_URL,
    }


def _columns(thresholds, need: str, window: str, sort: str) -> list[dict[str, str]]:
    """Sortable headings: a link that sorts by the column (again: the other way)."""
    headings = [
        ("commune", "Commune"),
        ("population", "Population"),
        ("personnes", "Personnes en difficulté (estimation)"),
        *((f"m{t}", f"À moins de {_km(t)}") for t in thresholds),
        ("sans-aide", "Sans aide"),
        ("part-sans-aide", "Part sans aide"),
    ]
    columns = []
    for key, heading in headings:
        current = sort.lstrip("-") == key
        descending = sort.startswith("-")
        # Names read A→Z first, numbers biggest first.
        first = key if key == "commune" else f"-{key}"
        target = (key if descending else f"-{key}") if current else first
        columns.append(
            {
                "heading": heading,
                "query": urlencode({"besoin": need, "creneau": window, "tri": target}),
                "aria_sort": ("descending" if descending else "ascending") if current else "",
            }
        )
    return columns


def _km(metres: int) -> str:
    return f"{metres / 1000:g} km".replace(".", ",")


def run_csv(request: HttpRequest, slug: str, public_id) -> HttpResponse:
    run = get_run_for_user(request.user, slug, public_id)
    if not run.is_done:
        raise Http404("Cette analyse n'a pas de résultats.")
    settings = _settings(run)
    table = table_from_dict(run.table)
    need_labels = dict(TableForm(None, settings=settings).fields["besoin"].choices)
    window_labels = {window.code: window.label for window in settings.windows}
    log_event("coverage_exported", actor=request.user, obj=run, territory_id=run.territory_id)
    day = timezone.localtime(run.created_at).date()
    response, writer = csv_download(f"couverture-{run.territory.slug}-{day:%Y-%m-%d}.csv")
    writer.writerow(table.csv_header())
    writer.writerows(table.csv_rows(need_labels, window_labels))
    return response


def run_map(request: HttpRequest, slug: str, public_id) -> JsonResponse:
    run = get_run_for_user(request.user, slug, public_id)
    if not run.is_done:
        raise Http404("Cette analyse n'a pas de résultats.")
    form = TableForm(request.GET or None, settings=_settings(run))
    try:
        analysis = analysis_of(run)
    except ValueError as error:
        raise Http404(str(error)) from error
    outlines = run.territory.communes.exclude(geometry=None).values_list("geometry", flat=True)
    layer = rules.map_layer(analysis, form.value("besoin"), form.value("creneau"), outlines)
    return JsonResponse(layer, json_dumps_params={"separators": (",", ":")})


def parameters(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_territory_for_coverage(request.user, slug)
    current = demand_parameters_of(territory)
    form = DemandParametersForm(
        request.POST or None, initial=DemandParametersForm.initial_for(current)
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = form.parameters()
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            update_demand_parameters(actor=request.user, territory=territory, parameters=new)
            messages.success(
                request, "Paramètres enregistrés : ils servent aux prochaines analyses."
            )
            return redirect("coverage:overview", slug=territory.slug)
    formula = rules.formula_parts(explain_formula(current))
    context = {"territory": territory, "form": form, "formula": formula}
    return render(request, "coverage/parameters_form.html", context)


def compare(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_territory_for_coverage(request.user, slug)
    runs = list(CoverageRun.objects.for_territory(territory).done().defer("table"))
    form = CompareForm(request.GET or None, runs=runs)
    context: dict[str, object] = {"territory": territory, "form": form, "runs": runs}
    if form.is_bound and form.is_valid():
        chosen = {
            run.public_id: run
            for run in CoverageRun.objects.filter(
                territory=territory,
                public_id__in=[form.cleaned_data["avant"], form.cleaned_data["apres"]],
            )
        }
        before = chosen[uuid.UUID(form.cleaned_data["avant"])]
        after = chosen[uuid.UUID(form.cleaned_data["apres"])]
        # From the overview's form only the two runs come: need and window take their defaults.
        choice = TableForm(
            request.GET if "besoin" in request.GET else None, settings=_settings(after)
        )
        context |= _comparison(before, after, choice)
    return render(request, "coverage/run_compare.html", context)


def _comparison(before: CoverageRun, after: CoverageRun, choice: TableForm) -> dict[str, object]:
    need, window = choice.value("besoin"), choice.value("creneau")
    thresholds = after.table.get("thresholds_m") or [5000]
    middle = 5000 if 5000 in thresholds else thresholds[len(thresholds) // 2]
    return {
        "before": before,
        "after": after,
        "choice": choice,
        "need_label": dict(choice.fields["besoin"].choices).get(need, need),
        "window_label": dict(choice.fields["creneau"].choices).get(window, window),
        "middle_km": middle // 1000,
        "differences": rules.compare_tables(before.table, after.table, need, window, middle),
        "same_settings": before.settings == after.settings
        and before.parameters == after.parameters,
    }

"""Anonymous statistics of the territory's assessments, for its coordinators only.

No personal data: counts of typologies per commune, organisation, month and transitions,
small counts masked. The CSV export says exactly what the page says.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from aiguillage.accounts.permissions import get_territory_for_coordinator
from aiguillage.assessments import rules
from aiguillage.assessments.actions import current_referential
from aiguillage.assessments.models import Assessment
from aiguillage.csv_cells import csv_download
from aiguillage.journal.actions import log_event
from aiguillage.territories.models import Territory


def _tables(
    territory: Territory,
) -> tuple[list[rules.StatsTable], list[rules.Fact], list[rules.Pathway]]:
    rows = (
        Assessment.objects.complete()
        .in_territory(territory)
        .values_list(
            "person_id",
            "kind",
            "completed_at",
            "typology",
            "commune__name",
            "organisation__name",
            "total",
        )
    )
    facts = [
        rules.Fact(
            person=person,
            kind=kind,
            completed_on=timezone.localdate(completed_at),
            typology=typology,
            commune=commune or "",
            organisation=organisation,
            total=total,
        )
        for person, kind, completed_at, typology, commune, organisation, total in rows
    ]
    referential = current_referential().engine()
    typologies = [(t.code, t.label) for t in referential.typologies]
    pathways = rules.pathways_of((t.code, t.pathway) for t in referential.typologies)
    # The referential's noise on the total: a smaller change is not a result.
    noise = {
        "screening": referential.screening_total_noise,
        "in_depth": referential.in_depth_total_noise,
    }
    known = {code for code, _ in typologies}
    facts = [fact for fact in facts if fact.typology in known]
    tables = rules.statistics_tables(
        facts, typologies, today=timezone.localdate(), pathways=pathways, noise=noise
    )
    return tables, facts, pathways


def assessment_stats(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_territory_for_coordinator(request.user, slug)
    tables, facts, pathways = _tables(territory)
    log_event("assessment_stats_viewed", actor=request.user, territory_id=territory.pk)
    return render(
        request,
        "assessments/assessment_stats.html",
        {
            "territory": territory,
            "tables": tables,
            "assessments": rules.masked(len(facts)),
            "people": rules.masked(len({fact.person for fact in facts})),
            "mask_below": rules.MASK_BELOW,
            "comparison": rules.pathway_comparison(tables[0], pathways),
            "study_source": rules.STUDY_SOURCE,
        },
    )


def assessment_stats_csv(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_territory_for_coordinator(request.user, slug)
    tables, _, _ = _tables(territory)
    log_event("assessment_stats_exported", actor=request.user, territory_id=territory.pk)
    response, writer = csv_download(
        f"diagnostics-{territory.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    )
    writer.writerow(["tableau", "ligne", "typologie", "nombre", "part de la ligne"])
    for table in tables:
        for row in [*table.rows, table.total]:
            for label, cell in zip(table.columns, row.cells, strict=True):
                writer.writerow([table.key, row.label, label, cell.text, cell.share])
            writer.writerow([table.key, row.label, "Total", row.total, ""])
    return response

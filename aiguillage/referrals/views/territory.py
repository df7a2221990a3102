"""The territory's anonymous referral flows, for its coordinators: per month, between kinds
of structures, acceptance and take-up, delay to the first answer, needs with no place.
Small counts are masked; the CSV export says the same as the page."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from aiguillage.accounts.permissions import get_territory_for_coordinator
from aiguillage.csv_cells import csv_download
from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import OrganisationKind
from aiguillage.referrals import rules
from aiguillage.referrals.models import Referral, ReferralStatus, ReferralStatusChange, UnmetNeed
from aiguillage.territories.models import Territory

S = ReferralStatus
MONTHS_SHOWN = 12
KIND_LABELS = dict(OrganisationKind.choices)


def _since(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=round(MONTHS_SHOWN * 30.44))


def _facts(territory: Territory, since: dt.datetime) -> list[rules.ReferralFacts]:
    changes = ReferralStatusChange.objects.filter(referral=OuterRef("pk"))
    rows = (
        Referral.objects.in_territory(territory)
        .filter(created_at__gte=since)
        .annotate(
            was_accepted=Exists(changes.filter(to_status=S.ACCEPTED)),
            came=Exists(changes.filter(to_status=S.CAME)),
        )
        .values_list(
            "created_at",
            "answered_at",
            "status",
            "sender_organisation__kind",
            "receiver_organisation__kind",
            "was_accepted",
            "came",
        )
    )
    tz = territory.tz
    return [
        rules.ReferralFacts(
            month=created.astimezone(tz).strftime("%Y-%m"),
            sender_kind=KIND_LABELS.get(sender_kind, sender_kind),
            receiver_kind=KIND_LABELS.get(receiver_kind, receiver_kind),
            was_accepted=was_accepted,
            was_declined=status == S.DECLINED,
            person_came=came,
            expired=status == S.EXPIRED,
            answer_delay=answered - created if answered else None,
        )
        for created, answered, status, sender_kind, receiver_kind, was_accepted, came in rows
    ]


def _statistics(territory: Territory, now: dt.datetime) -> dict:
    """Every table of the page and of the export, already masked."""
    since = _since(now)
    facts = _facts(territory, since)
    tables = rules.displayed_tables(rules.monthly_rows(facts), rules.flow_rows(facts))
    unmet = UnmetNeed.objects.filter(territory=territory, created_at__gte=since)
    needs = rules.unmet_rows(
        [*needs, *services] for needs, services in unmet.values_list("needs", "services")
    )
    communes = rules.unmet_by_commune(unmet.values_list("commune__name", flat=True))
    return {
        "territory": territory,
        "since": since,
        "columns": rules.MONTH_COLUMNS,
        "months": tables.months,
        "total": tables.total,
        "flows": tables.flows,
        "unmet_needs": [(label, rules.masked(n)) for label, n in needs],
        "unmet_communes": [(name, rules.masked(n)) for name, n in communes],
    }


def referral_stats(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_territory_for_coordinator(request.user, slug)
    context = _statistics(territory, timezone.now())
    return render(request, "referrals/referral_stats.html", context)


def referral_stats_csv(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_territory_for_coordinator(request.user, slug)
    data = _statistics(territory, timezone.now())
    log_event("referral_stats_exported", actor=request.user, territory_id=territory.pk)
    response, writer = csv_download(
        f"orientations-{territory.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    )
    writer.writerow(["tableau", "mois ou origine", "destination", "indicateur", "valeur"])
    monthly = [*data["months"], ("Total", data["total"])] if data["months"] else []
    for month, cells in monthly:
        for label, value in zip(data["columns"], cells, strict=True):
            writer.writerow(["par mois", month, "", label.lower(), value])
    for sender, receiver, count in data["flows"]:
        writer.writerow(["flux", sender, receiver, "orientations", count])
    for label, count in data["unmet_needs"]:
        writer.writerow(["besoins sans lieu", label, "", "recherches", count])
    for commune, count in data["unmet_communes"]:
        writer.writerow(["besoins sans lieu par commune", commune, "", "recherches", count])
    return response

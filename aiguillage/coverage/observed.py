"""Observed demand beside the estimate: what the platform has recorded per commune.

Referrals (by the commune the person came from) and completed assessments (by the
person's commune) are counted when their apps are installed; an app that has not
landed yet is skipped. Counts from 1 to 4 are masked (« < 5 »), and more where the total
would give one away (« (masqué) »): a small number in a small commune could single
someone out.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Count

from aiguillage.disclosure import masked_column
from aiguillage.territories.models import Territory

# Column label → (app label, model, commune field, filter on the rows).
SOURCES: dict[str, tuple[str, str, str, dict[str, str]]] = {
    "Orientations reçues": ("referrals", "Referral", "origin_commune", {}),
    "Diagnostics terminés": ("assessments", "Assessment", "commune", {"status": "complete"}),
}


def observed_demand(territory: Territory) -> tuple[list[str], dict[str, dict[str, str]]]:
    """(column labels, INSEE code → label → masked count); the territory's total under ""."""
    labels: list[str] = []
    counts: dict[str, dict[str, str]] = {}
    for label, (app_label, model_name, field, filters) in SOURCES.items():
        if not apps.is_installed(f"aiguillage.{app_label}"):
            continue
        model = apps.get_model(app_label, model_name)
        labels.append(label)
        rows = (
            model.objects.filter(**{f"{field}__territory": territory}, **filters)
            .values_list(f"{field}__insee_code")
            .annotate(total=Count("id"))
        )
        # The total and the communes form one sum: masked together (aiguillage.disclosure).
        for insee, text in masked_column(dict(rows), total="").items():
            counts.setdefault(insee, {})[label] = text
    return labels, counts

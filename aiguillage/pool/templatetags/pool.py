"""Dates of the pool's pages in plain French, on the current time zone (the territory's)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from aiguillage.pool import rules

register = template.Library()


@register.filter
def moment(value: dt.datetime) -> str:
    """« lundi 2 mars 2026 à 9 h 30 »."""
    return rules.moment_text(timezone.localtime(value))


@register.filter
def period(booking) -> str:
    """« du lundi 2 mars 2026 à 9 h au mercredi 4 mars 2026 à 18 h »."""
    return rules.period_text(
        timezone.localtime(booking.starts_at), timezone.localtime(booking.ends_at)
    )


@register.filter
def segment_period(segment) -> str:
    return period(segment)

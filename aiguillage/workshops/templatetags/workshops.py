"""Template filters of the workshop pages."""

from __future__ import annotations

from django import template
from django.utils import timezone

from aiguillage.places.hours.wording import format_minutes
from aiguillage.workshops import rules

register = template.Library()


@register.filter
def when(session) -> str:
    """« mardi 6 janvier, 14 h – 16 h » in the active time zone (the territory's on our pages)."""
    return rules.when_text(
        timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    )


@register.filter
def hours(session) -> str:
    """« 14 h – 16 h »."""
    start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    return (
        f"{format_minutes(start.hour * 60 + start.minute)} \u2013 "
        f"{format_minutes(end.hour * 60 + end.minute)}"
    )


@register.filter
def day(moment) -> str:
    """« mardi 6 janvier »."""
    return rules.day_text(timezone.localtime(moment).date())

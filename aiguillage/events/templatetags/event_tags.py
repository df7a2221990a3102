"""Template filters of the event pages."""

from __future__ import annotations

from django import template
from django.utils import timezone

from aiguillage.events import rules

register = template.Library()


@register.filter
def event_when(event) -> str:
    """« mardi 6 janvier 2026, 14 h – 16 h » in the active time zone (the territory's on our
    pages: ``render_in_territory``)."""
    return rules.when_text(timezone.localtime(event.starts_at), timezone.localtime(event.ends_at))

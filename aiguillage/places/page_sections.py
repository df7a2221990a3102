"""Sections other apps add to a place's public page, without the places app importing them.

The workshops app registers the place's coming sessions (``WorkshopsConfig.ready``). A section
function takes ``(place, now)`` and returns ``(template name, context)`` or None when it has
nothing to show; the place page includes each template with its context as ``section``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

SectionFunction = Callable[[Any, dt.datetime], tuple[str, dict] | None]
SECTIONS: list[SectionFunction] = []


def register_section(function: SectionFunction) -> SectionFunction:
    if function not in SECTIONS:
        SECTIONS.append(function)
    return function


def sections_for(place: Any, now: dt.datetime) -> list[tuple[str, dict]]:
    found = (function(place, now) for function in SECTIONS)
    return [section for section in found if section is not None]

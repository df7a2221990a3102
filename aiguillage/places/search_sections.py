"""Sections other apps add below the public search results, without the places app importing
them (as ``page_sections`` does for a place's page).

The workshops app registers the coming week's sessions near the search
(``WorkshopsConfig.ready``). A section function takes ``(area, now)`` and returns
``(template name, context)`` or None when it has nothing to show; the results include each
template with its context as ``section``. Sections are public: nothing about people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class SearchedArea:
    """Where the person searched: the places of the results page (nearest first), the
    searched point (a commune's centre or the person's position) and, for a commune, its
    territory (the place search stays in it)."""

    place_ids: tuple[int, ...]
    latitude: float | None
    longitude: float | None
    territory_id: int | None
    tz: ZoneInfo


SectionFunction = Callable[[SearchedArea, dt.datetime], tuple[str, dict] | None]
SECTIONS: list[SectionFunction] = []


def register_section(function: SectionFunction) -> SectionFunction:
    if function not in SECTIONS:
        SECTIONS.append(function)
    return function


def sections_for(area: SearchedArea, now: dt.datetime) -> list[tuple[str, dict]]:
    found = (function(area, now) for function in SECTIONS)
    return [section for section in found if section is not None]

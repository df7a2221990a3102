"""Sections other apps add to a person's file, without the people app importing them (as
``places.page_sections`` does for a place's page).

The equipment app registers the « Ordinateur » block (``EquipmentConfig.ready``). A section
function takes ``(user, person)`` — the person already fetched through
``get_person_for_user`` — and returns ``(template name, context)`` or None when it has
nothing to show this user; the file includes each template with its context as ``section``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SectionFunction = Callable[[Any, Any], tuple[str, dict] | None]
SECTIONS: list[SectionFunction] = []


def register_section(function: SectionFunction) -> SectionFunction:
    if function not in SECTIONS:
        SECTIONS.append(function)
    return function


def sections_for(user: Any, person: Any) -> list[tuple[str, dict]]:
    found = (function(user, person) for function in SECTIONS)
    return [section for section in found if section is not None]

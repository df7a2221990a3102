"""Hints other apps give the professional on a screening question, without the assessments
app importing them (as ``places.page_sections`` does for a place's page).

The equipment app registers one on the device question: « Un ordinateur lui a été installé
le … » when the person received a computer (``EquipmentConfig.ready``), so that the next
screening records the gap as closed. A hint function takes ``(user, person, question id)``
and returns a French sentence or None; hints are for the professional, never scored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

HintFunction = Callable[[Any, Any, str], str | None]
HINTS: list[HintFunction] = []


def register_hint(function: HintFunction) -> HintFunction:
    if function not in HINTS:
        HINTS.append(function)
    return function


def hints_for(user: Any, person: Any, question_id: str) -> list[str]:
    found = (function(user, person, question_id) for function in HINTS)
    return [hint for hint in found if hint]

"""Anonymise a person everywhere: each app that stores personal data about people
registers a function here (in its AppConfig.ready) so that one call reaches them all."""

from __future__ import annotations

from collections.abc import Callable

ANONYMISERS: list[Callable] = []


def register_anonymiser(function: Callable) -> Callable:
    """``function(person)`` blanks the personal data an app holds about ``person``."""
    if function not in ANONYMISERS:
        ANONYMISERS.append(function)
    return function

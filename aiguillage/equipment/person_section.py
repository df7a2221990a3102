"""What the equipment programme adds to a person's file (``people.page_sections``) and to
the screening's device question (``assessments.question_hints``).

Both show an allocation only to members of the structure that asked for it
(``permissions.can_see_allocation``); the caller has already checked that the user sees
the person.
"""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import date as format_date

from aiguillage.equipment.models import A, Allocation, Programme, ProgrammePartner
from aiguillage.people.models import Person
from aiguillage.people.permissions import organisations_of

DEVICE_QUESTION = "appareil"


def _theirs(user: Any, person: Person):
    return Allocation.objects.filter(
        person=person, organisation_id__in=organisations_of(user)
    ).select_related("programme")


def computer_section(user: Any, person: Person) -> tuple[str, dict] | None:
    """« Ordinateur »: the person's allocations the viewer's structure asked for, and a link
    to ask for one in each programme the structure is a partner of."""
    if person.anonymised_at is not None:
        return None
    allocations = list(_theirs(user, person).active().order_by("-requested_at"))
    live = Allocation.objects.active().filter(person=person).values("programme_id")
    partner_of = ProgrammePartner.objects.filter(organisation_id__in=organisations_of(user)).values(
        "programme_id"
    )
    can_request = list(
        Programme.objects.filter(pk__in=partner_of).exclude(pk__in=live).order_by("name")
    )
    if not allocations and not can_request:
        return None
    return (
        "equipment/_person_computer.html",
        {"allocations": allocations, "can_request": can_request},
    )


def device_question_hint(user: Any, person: Person, question_id: str) -> str | None:
    """On the screening's device question: the computer installed at the person's home."""
    if question_id != DEVICE_QUESTION or person.anonymised_at is not None:
        return None
    installed = _theirs(user, person).filter(status=A.INSTALLED).order_by("-installed_on").first()
    if installed is None or installed.installed_on is None:
        return None
    return (
        f"Un ordinateur lui a été installé le {format_date(installed.installed_on, 'j F Y')} "
        f"({installed.programme.name}). S'il est chez elle, la réponse est « Oui, j'en ai un "
        "à moi »."
    )

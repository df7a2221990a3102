"""The eight personas of the matrix, the rules over them, and what a route's entry says."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Persona:
    name: str
    structure: str | None = None  # "A", "B" or "other": the structure they belong to
    manager: bool = False
    coordinates: str | None = None  # the territory they coordinate: "T" (A's and B's) or "U"
    staff: bool = False


PERSONAS = (
    Persona("anonymous"),
    Persona("manager_a", structure="A", manager=True),
    Persona("member_a", structure="A"),
    Persona("manager_b", structure="B", manager=True),
    Persona("manager_other", structure="other", manager=True),
    Persona("coordinator", coordinates="T"),
    Persona("other_coordinator", coordinates="U"),
    Persona("staff", staff=True),
)
ANONYMOUS = PERSONAS[0]
BY_NAME = {persona.name: persona for persona in PERSONAS}
TERRITORY_OF = {"A": "T", "B": "T", "other": "U"}


@dataclass(frozen=True)
class Rule:
    name: str
    allows: Callable[[Persona, str | None], bool]  # (persona, owner of the object)

    def __or__(self, other: Rule) -> Rule:
        name = f"{self.name} | {other.name}"
        return Rule(name, lambda p, o: self.allows(p, o) or other.allows(p, o))


public = Rule("public", lambda p, o: True)
not_a_page = Rule("not_a_page", lambda p, o: False)  # 404 for everyone, logged in or not
nobody = Rule("nobody", lambda p, o: False)
logged_in = Rule("logged_in", lambda p, o: p is not ANONYMOUS)
with_a_structure = Rule("with_a_structure", lambda p, o: p.structure is not None)
without_a_structure = Rule("without_a_structure", lambda p, o: p.structure is None)
members_of_owner = Rule("members_of_owner", lambda p, o: p.structure == o)
managers_of_owner = Rule("managers_of_owner", lambda p, o: p.structure == o and p.manager)
# Members of any structure of the owner's territory, the owner's own included.
structures_of_territory = Rule(
    "structures_of_territory",
    lambda p, o: p.structure is not None and TERRITORY_OF[p.structure] == TERRITORY_OF[o],
)
# accounts.permissions.is_coordinator: staff act as the coordination of every territory.
coordinator_of_territory = Rule(
    "coordinator_of_territory", lambda p, o: p.staff or p.coordinates == TERRITORY_OF[o]
)
coordinator_of_a_territory = Rule("coordinator_of_a_territory", lambda p, o: bool(p.coordinates))
staff_only = Rule("staff_only", lambda p, o: p.staff)


@dataclass(frozen=True)
class Route:
    rule: Rule
    kind: str | None = None  # what the address points to (see objects.py)
    methods: tuple[str, ...] = ("GET",)
    personal: bool = False  # shows a person's data: never to coordinators or staff
    also: tuple[tuple[str, Rule], ...] = ()  # other kinds of object, with their own rule
    # On a personal route, who may be refused with 403 rather than 404: those who may see the
    # object the address names (a published workshop) or who are refused before any lookup.
    answers_403_to: Rule = nobody

    def cases(self) -> list[tuple[str | None, Rule]]:
        return [(self.kind, self.rule), *self.also]


FORM, POST = ("GET", "POST"), ("POST",)

"""Builders for steering tests: everything goes through the actions, as the pages do."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from aiguillage.steering import governance_actions, plan_actions, programme_actions
from aiguillage.steering.models import Axis, PlanAction, PlanVersion, Programme

START = dt.date(2017, 1, 1)


def programme(actor, territory, **extra) -> Programme:
    values = {"title": "Stratégie d'inclusion numérique 2017–2020", "starts_on": START} | extra
    return programme_actions.create_programme(actor=actor, territory=territory, **values)


def axis(actor, programme, code: str = "1", title: str = "L'accès aux droits", **extra) -> Axis:
    values = {"valid_from": START} | extra
    return programme_actions.add_axis(
        actor=actor, programme=programme, code=code, title=title, **values
    )


def version(actor, programme, year: int = 2017, **extra) -> PlanVersion:
    values = {"dated_on": dt.date(year, 1, 15)} | extra
    return programme_actions.create_plan_version(
        actor=actor, programme=programme, year=year, **values
    )


def action(actor, version, axis, lead, *, communes=(), **extra) -> PlanAction:
    values = {
        "title": "Ordi'Pratique",
        "axis": axis,
        "kind": "structuring",
        "lead_partner": lead,
        "scale": "commune",
        "starts_on": dt.date(2017, 2, 1),
        "ends_on": dt.date(2017, 12, 31),
    } | extra
    return plan_actions.create_action(
        actor=actor, plan_version=version, values=values, communes=communes
    )


def committee(actor, programme, title: str = "COPIL politique de la ville", kind="copil"):
    return governance_actions.create_committee(
        actor=actor, programme=programme, kind=kind, title=title
    )


def meeting(actor, committee, held_on: dt.date = dt.date(2017, 3, 10), **extra):
    return governance_actions.create_meeting(
        actor=actor, committee=committee, held_on=held_on, **extra
    )


def approve(actor, version, committee) -> None:
    programme_actions.approve_plan_version(
        actor=actor, plan_version=version, meeting=meeting(actor, committee), text="Approuvé."
    )


def budget(actor, action, financer: str = "feder", amount: str = "10000"):
    return plan_actions.add_budget_line(
        actor=actor, action=action, financer=financer, amount=Decimal(amount)
    )

"""The one path for writes on a plan's actions: their content, partners, budget lines,
targets, status, drift notes and notes.

Two rules decide what may change (docs/steering.md):
- the plan's *content* (actions, their fields, budget lines, targets) changes only while the
  version is proposed (``_check_editable``); an approved version changes through a new one;
- the *follow-up* (an action's status, partners joining or leaving, drift from the dossier)
  goes on while the version is proposed or approved (``_check_followed``), never once closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import Organisation
from aiguillage.steering import rules
from aiguillage.steering.errors import SteeringError
from aiguillage.steering.models import (
    ActionKind,
    ActionNote,
    ActionPartner,
    ActionScale,
    ActionStatusChange,
    ActionTarget,
    Axis,
    BudgetLine,
    PlanAction,
    PlanStatus,
    PlanVersion,
    Proposal,
    action_transition_problem,
)
from aiguillage.territories.models import Commune

CONTENT_FIELDS = (
    "title", "description", "axis", "kind", "lead_partner", "scale", "starts_on", "ends_on",
    "eligible_expenses", "sources",
)  # fmt: skip


def _check_editable(version: PlanVersion) -> None:
    if version.status == PlanStatus.PROPOSED:
        return
    if version.status == PlanStatus.APPROVED:
        raise SteeringError(
            "Ce plan d'actions est approuvé : il ne se modifie plus. Créez une nouvelle "
            "version du plan pour changer ses actions."
        )
    raise SteeringError(
        f"Ce plan d'actions est « {version.get_status_display().lower()} » : il ne se modifie plus."
    )


def _check_followed(version: PlanVersion) -> None:
    if not version.is_followed:
        raise SteeringError(
            f"Ce plan d'actions est « {version.get_status_display().lower()} » : le suivi de "
            "ses actions est terminé."
        )


def _locked_version(action: PlanAction) -> PlanVersion:
    """The action's version, locked: its status cannot change under this write."""
    return (
        PlanVersion.objects.select_for_update()
        .select_related("programme")
        .get(pk=action.plan_version_id)
    )


def _journal(event: str, *, actor: Any, action: PlanAction, data: dict | None = None) -> None:
    log_event(
        event, actor=actor, obj=action, territory_id=action.plan_version.programme.territory_id,
        data=data,
    )  # fmt: skip


def _checked_values(version: PlanVersion, values: dict) -> dict:
    """Refuse what no action may hold; returns the content fields, cleaned."""
    territory_id = version.programme.territory_id
    cleaned = {key: values[key] for key in CONTENT_FIELDS if key in values}
    cleaned["title"] = " ".join(str(cleaned.get("title") or "").split())
    if not cleaned["title"]:
        raise SteeringError("Donnez un titre à l'action.")
    axis: Axis | None = cleaned.get("axis")
    if axis is None or axis.programme_id != version.programme_id:
        raise SteeringError("Choisissez un axe du programme.")
    if cleaned.get("kind") not in ActionKind.values:
        raise SteeringError("Choisissez le type d'action.")
    if cleaned.get("scale") not in ActionScale.values:
        raise SteeringError("Choisissez l'échelle de l'action.")
    lead: Organisation | None = cleaned.get("lead_partner")
    if lead is None or lead.territory_id != territory_id:
        raise SteeringError("Le chef de file est une structure du territoire.")
    if problem := rules.date_order_problem(cleaned.get("starts_on"), cleaned.get("ends_on")):
        raise SteeringError(problem)
    if problem := rules.amount_problem(
        cleaned.get("eligible_expenses"), what="Le montant des dépenses éligibles"
    ):
        raise SteeringError(problem)
    sources = cleaned.setdefault("sources", [])
    known = set(Organisation.objects.filter(territory_id=territory_id).values_list("pk", flat=True))
    if problem := rules.sources_problem(sources, known_organisations=known):
        raise SteeringError(problem)
    return cleaned


def _checked_communes(version: PlanVersion, communes: Iterable[Commune]) -> list[Commune]:
    communes = list(communes)
    if any(c.territory_id != version.programme.territory_id for c in communes):
        raise SteeringError("Les communes concernées sont celles du territoire.")
    return communes


@transaction.atomic
def create_action(
    *,
    actor: Any,
    plan_version: PlanVersion,
    values: dict,
    communes: Iterable[Commune] = (),
    proposal: Proposal | None = None,
) -> PlanAction:
    """An action added to a proposed plan version."""
    version = (
        PlanVersion.objects.select_for_update().select_related("programme").get(pk=plan_version.pk)
    )
    _check_editable(version)
    cleaned = _checked_values(version, values)
    communes = _checked_communes(version, communes)
    action = PlanAction.objects.create(
        plan_version=version, proposal=proposal, is_demo=version.is_demo,
        created_by=actor if getattr(actor, "is_authenticated", False) else None, **cleaned,
    )  # fmt: skip
    action.communes.set(communes)
    _journal("steering_action_created", actor=actor, action=action)
    return action


@transaction.atomic
def update_action(
    *, actor: Any, action: PlanAction, values: dict, communes: Iterable[Commune]
) -> PlanAction:
    version = _locked_version(action)
    _check_editable(version)
    cleaned = _checked_values(version, values)
    communes = _checked_communes(version, communes)
    changed = sorted(k for k, v in cleaned.items() if getattr(action, k) != v)
    PlanAction.objects.filter(pk=action.pk).update(updated_at=timezone.now(), **cleaned)
    action.refresh_from_db()
    action.communes.set(communes)
    _journal("steering_action_updated", actor=actor, action=action, data={"fields": changed})
    return action


@transaction.atomic
def change_action_status(*, actor: Any, action: PlanAction, to: str, note: str = "") -> PlanAction:
    """Move an action along ``ACTION_TRANSITIONS`` (follow-up: allowed on an approved plan)."""
    version = _locked_version(action)
    _check_followed(version)
    current = PlanAction.objects.select_for_update().get(pk=action.pk)
    if problem := action_transition_problem(current.status, to):
        raise SteeringError(problem)
    PlanAction.objects.filter(pk=current.pk).update(status=to, updated_at=timezone.now())
    ActionStatusChange.objects.create(
        action=current, from_status=current.status, to_status=to, note=note.strip()[:300],
        actor=actor if getattr(actor, "is_authenticated", False) else None, at=timezone.now(),
    )  # fmt: skip
    _journal(
        "steering_action_status_changed", actor=actor, action=current,
        data={"from": current.status, "to": to},
    )  # fmt: skip
    current.refresh_from_db()
    return current


@transaction.atomic
def update_drift_notes(*, actor: Any, action: PlanAction, text: str) -> PlanAction:
    """What drifted from the dossier filed with the funder (« écarts au dossier »)."""
    _check_followed(_locked_version(action))
    PlanAction.objects.filter(pk=action.pk).update(
        drift_notes=text.strip(), updated_at=timezone.now()
    )
    _journal("steering_action_drift_noted", actor=actor, action=action)
    action.refresh_from_db()
    return action


# --- Partners ----------------------------------------------------------------------------------


@transaction.atomic
def add_partner(
    *,
    actor: Any,
    action: PlanAction,
    organisation: Organisation,
    joined_on: dt.date,
    role: str = "",
    left_on: dt.date | None = None,
) -> ActionPartner:
    """A structure of the territory joins the action (follow-up: allowed on an approved plan;
    a partner who joined and left before the plan was entered is given both dates)."""
    version = _locked_version(action)
    _check_followed(version)
    if organisation.territory_id != version.programme.territory_id:
        raise SteeringError("Un partenaire est une structure du territoire.")
    if organisation.pk == action.lead_partner_id:
        raise SteeringError("Cette structure est déjà cheffe de file de l'action.")
    if problem := rules.partner_dates_problem(joined_on, left_on):
        raise SteeringError(problem)
    if action.partners.filter(organisation=organisation, left_on__isnull=True).exists():
        raise SteeringError(f"{organisation.name} est déjà partenaire de l'action.")
    partner = ActionPartner.objects.create(
        action=action, organisation=organisation, role=" ".join(role.split()),
        joined_on=joined_on, left_on=left_on,
    )  # fmt: skip
    _journal(
        "steering_action_partner_added", actor=actor, action=action,
        data={"organisation": organisation.pk, "joined_on": joined_on.isoformat()},
    )  # fmt: skip
    return partner


@transaction.atomic
def record_partner_leaving(
    *, actor: Any, partner: ActionPartner, left_on: dt.date, reason: str = ""
) -> ActionPartner:
    """The partner left the action on ``left_on`` (« en 2019, le Café Biollay et la CSF
    sortent de l'opération »)."""
    current = ActionPartner.objects.select_for_update().select_related("action").get(pk=partner.pk)
    _check_followed(_locked_version(current.action))
    if current.left_on is not None:
        raise SteeringError(f"Ce partenaire a déjà quitté l'action le {current.left_on:%d/%m/%Y}.")
    if problem := rules.partner_dates_problem(current.joined_on, left_on):
        raise SteeringError(problem)
    ActionPartner.objects.filter(pk=current.pk).update(
        left_on=left_on, leaving_reason=" ".join(reason.split())[:300], updated_at=timezone.now()
    )
    _journal(
        "steering_action_partner_left", actor=actor, action=current.action,
        data={"organisation": current.organisation_id, "left_on": left_on.isoformat()},
    )  # fmt: skip
    current.refresh_from_db()
    return current


# --- Budget lines and targets ------------------------------------------------------------------


@transaction.atomic
def add_budget_line(
    *,
    actor: Any,
    action: PlanAction,
    financer: str,
    amount: Decimal,
    financer_name: str = "",
    note: str = "",
) -> BudgetLine:
    _check_editable(_locked_version(action))
    if financer not in rules.FINANCERS:
        raise SteeringError("Choisissez le co-financeur dans la liste.")
    if problem := rules.amount_problem(amount):
        raise SteeringError(problem)
    financer_name = " ".join(financer_name.split())
    if financer == "autres" and not financer_name:
        raise SteeringError("Nommez le co-financeur « autre » (par exemple « Fondation Orange »).")
    line = BudgetLine.objects.create(
        action=action, financer=financer, amount=amount, note=note.strip()[:250],
        financer_name=financer_name if financer == "autres" else "",
    )  # fmt: skip
    _journal(
        "steering_budget_line_added", actor=actor, action=action,
        data={"financer": financer, "amount": str(amount)},
    )  # fmt: skip
    return line


@transaction.atomic
def remove_budget_line(*, actor: Any, line: BudgetLine) -> None:
    action = line.action
    _check_editable(_locked_version(action))
    data = {"financer": line.financer, "amount": str(line.amount)}
    line.delete()
    _journal("steering_budget_line_removed", actor=actor, action=action, data=data)


@transaction.atomic
def set_target(
    *, actor: Any, action: PlanAction, indicator_code: str, target_value: int, year: int
) -> ActionTarget:
    """The target of one indicator for one year (set again: replaced)."""
    _check_editable(_locked_version(action))
    if problem := rules.target_problem(indicator_code, target_value, year):
        raise SteeringError(problem)
    target, _ = ActionTarget.objects.update_or_create(
        action=action, indicator_code=indicator_code, year=year,
        defaults={"target_value": target_value},
    )  # fmt: skip
    _journal(
        "steering_target_set", actor=actor, action=action,
        data={"indicator": indicator_code, "year": year, "value": target_value},
    )  # fmt: skip
    return target


@transaction.atomic
def remove_target(*, actor: Any, target: ActionTarget) -> None:
    action = target.action
    _check_editable(_locked_version(action))
    data = {"indicator": target.indicator_code, "year": target.year}
    target.delete()
    _journal("steering_target_removed", actor=actor, action=action, data=data)


# --- Notes -------------------------------------------------------------------------------------


@transaction.atomic
def add_note(
    *, actor: Any, action: PlanAction, text: str, commune: Commune | None = None
) -> ActionNote:
    """A note on the action, by a coordinator or a local referent (``commune``: theirs)."""
    text = text.strip()
    if not text:
        raise SteeringError("Écrivez la note.")
    note = ActionNote.objects.create(action=action, author=actor, commune=commune, text=text[:4000])
    _journal("steering_action_note_added", actor=actor, action=action)
    return note

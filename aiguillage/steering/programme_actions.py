"""The one path for writes on a programme, its axes and its plan versions.

Each action takes keyword arguments including ``actor``, runs in one transaction, raises
``SteeringError`` with a French message when a rule refuses, and journals. Plan versions move
only through ``transition`` along ``PLAN_TRANSITIONS``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from aiguillage.journal.actions import log_event
from aiguillage.steering import rules
from aiguillage.steering.errors import SteeringError
from aiguillage.steering.models import (
    ActionPartner,
    ActionTarget,
    Axis,
    BudgetLine,
    Decision,
    DecisionKind,
    Meeting,
    PlanAction,
    PlanStatus,
    PlanVersion,
    PlanVersionStatusChange,
    Programme,
    plan_transition_problem,
)
from aiguillage.territories.models import Territory

# --- Programme ---------------------------------------------------------------------------------


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


@transaction.atomic
def create_programme(
    *,
    actor: Any,
    territory: Territory,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    description: str = "",
    is_demo: bool = False,
) -> Programme:
    """The territory's programme (one per territory)."""
    title = _clean(title)
    if not title:
        raise SteeringError("Donnez un titre au programme.")
    if problem := rules.date_order_problem(starts_on, ends_on):
        raise SteeringError(problem)
    if Programme.objects.filter(territory=territory).exists():
        raise SteeringError("Ce territoire a déjà un programme.")
    programme = Programme.objects.create(
        territory=territory, title=title, starts_on=starts_on, ends_on=ends_on,
        description=description.strip(), is_demo=is_demo, created_by=_user(actor),
    )  # fmt: skip
    log_event("steering_programme_created", actor=actor, obj=programme, territory_id=territory.pk)
    return programme


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- Axes: versioned rows ----------------------------------------------------------------------


@transaction.atomic
def add_axis(
    *,
    actor: Any,
    programme: Programme,
    code: str,
    title: str,
    valid_from: dt.date,
    description: str = "",
    position: int | None = None,
) -> Axis:
    """A new axis, in force from ``valid_from``."""
    code, title = _clean(code), _clean(title)
    if not code or not title:
        raise SteeringError("Un axe a un code (par exemple « 5 ») et un intitulé.")
    if Axis.objects.filter(programme=programme, code=code).current().exists():
        raise SteeringError(f"L'axe « {code} » existe déjà : renommez-le plutôt.")
    if position is None:
        position = (
            Axis.objects.filter(programme=programme).aggregate(m=Max("position"))["m"] or 0
        ) + 1
    axis = Axis.objects.create(
        programme=programme, code=code, title=title, description=description.strip(),
        position=position, valid_from=valid_from, created_by=_user(actor),
    )  # fmt: skip
    log_event(
        "steering_axis_added", actor=actor, obj=axis, territory_id=programme.territory_id,
        data={"code": code},
    )  # fmt: skip
    return axis


def _close(axis: Axis, day: dt.date) -> None:
    if axis.valid_until is not None:
        raise SteeringError("Cet axe n'est plus en vigueur : il ne change plus.")
    if day < axis.valid_from:
        raise SteeringError(
            f"L'axe est en vigueur depuis le {axis.valid_from:%d/%m/%Y} : choisissez une date "
            "postérieure."
        )
    Axis.objects.filter(pk=axis.pk).update(valid_until=day, updated_at=timezone.now())


@transaction.atomic
def rename_axis(
    *, actor: Any, axis: Axis, title: str, from_day: dt.date, description: str | None = None
) -> Axis:
    """A new row with the new title from ``from_day``; the old row ends the day before, so
    actions already filed under it keep its title."""
    axis = Axis.objects.select_for_update().get(pk=axis.pk)
    title = _clean(title)
    if not title:
        raise SteeringError("Donnez le nouvel intitulé de l'axe.")
    if from_day <= axis.valid_from:
        raise SteeringError(
            f"Le nouvel intitulé s'applique après le {axis.valid_from:%d/%m/%Y}, date depuis "
            "laquelle l'axe est en vigueur."
        )
    _close(axis, from_day - dt.timedelta(days=1))
    renamed = Axis.objects.create(
        programme=axis.programme, code=axis.code, title=title,
        description=axis.description if description is None else description.strip(),
        position=axis.position, valid_from=from_day, created_by=_user(actor),
    )  # fmt: skip
    log_event(
        "steering_axis_renamed", actor=actor, obj=renamed,
        territory_id=axis.programme.territory_id,
        data={"code": axis.code, "from": axis.title, "to": title},
    )  # fmt: skip
    return renamed


@transaction.atomic
def retire_axis(*, actor: Any, axis: Axis, last_day: dt.date) -> Axis:
    """The axis stays in force until ``last_day``; actions filed under it keep it."""
    axis = Axis.objects.select_for_update().get(pk=axis.pk)
    _close(axis, last_day)
    log_event(
        "steering_axis_retired", actor=actor, obj=axis, territory_id=axis.programme.territory_id,
        data={"code": axis.code, "last_day": last_day.isoformat()},
    )  # fmt: skip
    axis.refresh_from_db()
    return axis


# --- Plan versions -----------------------------------------------------------------------------


def previous_version(programme: Programme) -> PlanVersion | None:
    """The version a new one copies: the latest that was not withdrawn."""
    return (
        PlanVersion.objects.filter(programme=programme)
        .exclude(status=PlanStatus.WITHDRAWN)
        .order_by("-year", "-number")
        .first()
    )


@transaction.atomic
def create_plan_version(
    *,
    actor: Any,
    programme: Programme,
    year: int,
    dated_on: dt.date,
    summary: str = "",
    copy_previous: bool = True,
    is_demo: bool = False,
) -> PlanVersion:
    """A proposed version of ``year``'s plan, numbered after that year's last one; it copies
    the actions (partners still there, budget lines, targets) of ``previous_version``."""
    Programme.objects.select_for_update().get(pk=programme.pk)  # one numbering at a time
    if not 2000 <= year <= 2100:
        raise SteeringError("Indiquez l'année du plan (par exemple 2017).")
    if PlanVersion.objects.filter(programme=programme, status=PlanStatus.PROPOSED).exists():
        raise SteeringError(
            "Une version du plan est déjà proposée : complétez-la ou retirez-la d'abord."
        )
    source = previous_version(programme) if copy_previous else None
    last = PlanVersion.objects.filter(programme=programme, year=year).aggregate(n=Max("number"))
    version = PlanVersion.objects.create(
        programme=programme, year=year, number=(last["n"] or 0) + 1, dated_on=dated_on,
        summary=summary.strip(), copied_from=source, is_demo=is_demo, created_by=_user(actor),
    )  # fmt: skip
    _record(version, "", PlanStatus.PROPOSED, actor=actor)
    if source is not None:
        for action in source.actions.select_related("axis").prefetch_related(
            "communes", "partners", "budget_lines", "targets"
        ):
            _copy_action(action, version, actor=actor)
    log_event(
        "steering_plan_version_created", actor=actor, obj=version,
        territory_id=programme.territory_id,
        data={"year": year, "number": version.number,
              "copied_from": str(source.public_id) if source else None},
    )  # fmt: skip
    return version


def _axis_for(axis: Axis, day: dt.date) -> Axis:
    """The row of the same axis in force on ``day`` (renamed since), else the same row."""
    current = Axis.objects.filter(programme_id=axis.programme_id, code=axis.code).valid_on(day)
    return current.first() or axis


def _copy_action(action: PlanAction, version: PlanVersion, *, actor: Any) -> PlanAction:
    copy = PlanAction.objects.create(
        lineage=action.lineage, plan_version=version, copied_from=action, title=action.title,
        description=action.description, axis=_axis_for(action.axis, version.dated_on),
        kind=action.kind, lead_partner_id=action.lead_partner_id, scale=action.scale,
        starts_on=action.starts_on, ends_on=action.ends_on, status=action.status,
        eligible_expenses=action.eligible_expenses, drift_notes=action.drift_notes,
        sources=action.sources, proposal_id=action.proposal_id, is_demo=version.is_demo,
        created_by=_user(actor),
    )  # fmt: skip
    copy.communes.set(action.communes.all())
    ActionPartner.objects.bulk_create(
        ActionPartner(
            action=copy, organisation_id=p.organisation_id, role=p.role, joined_on=p.joined_on
        )
        for p in action.partners.all()
        if p.left_on is None
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(
            action=copy,
            financer=b.financer,
            financer_name=b.financer_name,
            amount=b.amount,
            note=b.note,
        )  # fmt: skip
        for b in action.budget_lines.all()
    )
    ActionTarget.objects.bulk_create(
        ActionTarget(
            action=copy, indicator_code=t.indicator_code, target_value=t.target_value, year=t.year
        )
        for t in action.targets.all()
    )
    return copy


def _record(
    version: PlanVersion, from_status: str, to_status: str, *, actor: Any, note: str = "",
    decision: Decision | None = None,
) -> None:  # fmt: skip
    PlanVersionStatusChange.objects.create(
        plan_version=version, from_status=from_status, to_status=to_status,
        actor=_user(actor), note=note.strip()[:300], decision=decision, at=timezone.now(),
    )  # fmt: skip


def transition(
    version: PlanVersion,
    *,
    to: str,
    actor: Any,
    note: str = "",
    decision: Decision | None = None,
) -> PlanVersion:
    """Move ``version`` to ``to`` along ``PLAN_TRANSITIONS`` or raise ``SteeringError``; a
    ``PlanVersionStatusChange`` row and a journal entry record the step."""
    with transaction.atomic():
        current = PlanVersion.objects.select_for_update().get(pk=version.pk)
        if problem := plan_transition_problem(current.status, to):
            raise SteeringError(problem)
        PlanVersion.objects.filter(pk=current.pk).update(status=to, updated_at=timezone.now())
        _record(current, current.status, to, actor=actor, note=note, decision=decision)
        log_event(
            "steering_plan_version_status_changed", actor=actor, obj=current,
            territory_id=current.programme.territory_id,
            data={"from": current.status, "to": to,
                  "decision": str(decision.public_id) if decision else None},
        )  # fmt: skip
        current.refresh_from_db()
    return current


@transaction.atomic
def approve_plan_version(
    *, actor: Any, plan_version: PlanVersion, meeting: Meeting, text: str
) -> Decision:
    """The committee's decision, recorded at ``meeting``, approves a proposed version; the
    version it replaces (approved earlier for the same year) becomes « remplacé »."""
    if meeting.committee.programme_id != plan_version.programme_id:
        raise SteeringError("Cette réunion n'est pas celle d'un comité du programme.")
    current = PlanVersion.objects.select_for_update().get(pk=plan_version.pk)
    if current.status != PlanStatus.PROPOSED:
        status = current.get_status_display().lower()
        raise SteeringError(f"Seule une version proposée s'approuve ; celle-ci est « {status} ».")
    text = text.strip() or f"Le comité approuve le {current}."
    decision = Decision.objects.create(
        meeting=meeting, kind=DecisionKind.APPROVE_PLAN, text=text, plan_version=current,
        is_demo=meeting.is_demo, created_by=_user(actor),
    )  # fmt: skip
    log_event(
        "steering_decision_recorded", actor=actor, obj=decision,
        territory_id=current.programme.territory_id, data={"kind": decision.kind},
    )  # fmt: skip
    earlier = PlanVersion.objects.filter(
        programme_id=current.programme_id, year=current.year, status=PlanStatus.APPROVED
    )
    for replaced in earlier:
        transition(
            replaced, to=PlanStatus.SUPERSEDED, actor=actor, decision=decision,
            note=f"Remplacée par la version {current.number}.",
        )  # fmt: skip
    transition(current, to=PlanStatus.APPROVED, actor=actor, decision=decision)
    return decision


def close_plan_version(*, actor: Any, plan_version: PlanVersion, note: str = "") -> PlanVersion:
    """The year is over: the version is closed (« clos ») and nothing in it changes."""
    return transition(plan_version, to=PlanStatus.DONE, actor=actor, note=note)


def withdraw_plan_version(*, actor: Any, plan_version: PlanVersion, note: str = "") -> PlanVersion:
    """A proposed version that will not be approved (a new one can then be proposed)."""
    return transition(plan_version, to=PlanStatus.WITHDRAWN, actor=actor, note=note)

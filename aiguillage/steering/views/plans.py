"""A plan version: creating one (copying the previous), its page (actions by axis, partners,
status, budgets to those allowed), « Approuver le plan » and closing or withdrawing it."""

from __future__ import annotations

from itertools import groupby

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from aiguillage.steering import programme_actions, rules
from aiguillage.steering.forms import ApproveForm, CloseForm, PlanVersionForm
from aiguillage.steering.models import ActionPartner, BudgetLine, PlanStatus
from aiguillage.steering.permissions import (
    PUBLISHED_PLAN_STATUSES,
    get_plan_version_for_user,
    get_programme_for_user,
)
from aiguillage.steering.views.common import form_page, posted

ACTIONS_PER_PAGE = 30


def plan_create(request: HttpRequest, public_id) -> HttpResponse:
    programme, _ = get_programme_for_user(request.user, public_id, manage=True)
    today = timezone.localdate()
    previous = programme_actions.previous_version(programme)
    form = PlanVersionForm(posted(request), initial={"year": today.year, "dated_on": today})
    home = reverse("steering:programme_home", args=[programme.public_id])
    return form_page(
        request, form,
        save=lambda data: programme_actions.create_plan_version(
            actor=request.user, programme=programme, **data
        ),
        done="La version du plan est créée : elle est « proposée » jusqu'à son approbation.",
        redirect_to=lambda v: reverse("steering:plan_detail", args=[v.public_id]),
        title="Nouvelle version du plan d'actions",
        back=(home, programme.title),
        submit="Créer la version",
        intro=(f"La version précédente est le {previous} : ses actions, partenaires présents, "
               "budgets et cibles sont repris si la case est cochée." if previous else
               "Première version : ajoutez ensuite ses actions, ou retenez les propositions des "
               "groupes de travail."),
    )  # fmt: skip


def _visible_actions(version, access):
    actions = version.actions.select_related("axis", "lead_partner").prefetch_related(
        Prefetch(
            "partners",
            queryset=ActionPartner.objects.select_related("organisation"),
        ),
        "communes",
        "budget_lines",
    )
    whole = access.sees_every_action or (
        access.is_member and version.status in PUBLISHED_PLAN_STATUSES
    )
    if not whole:  # a local referent: the actions touching their communes
        actions = actions.filter(communes__in=access.communes).distinct()
    return actions.order_by("axis__position", "axis__code", "title", "id")


def _action_rows(actions, sees_budgets: bool) -> list:
    rows = []
    for action in actions:
        summary = rules.budget_summary(
            (b.financer, b.financer_name, b.amount) for b in action.budget_lines.all()
        )
        rows.append({"action": action, "budget": summary if sees_budgets else None})
    return rows


def plan_detail(request: HttpRequest, public_id) -> HttpResponse:
    version, access = get_plan_version_for_user(request.user, public_id)
    actions = _visible_actions(version, access)
    page = Paginator(actions, ACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    rows = _action_rows(page.object_list, access.sees_budgets)
    by_axis = [(axis, list(items)) for axis, items in groupby(rows, key=lambda r: r["action"].axis)]
    total = None
    if access.sees_budgets:
        lines = BudgetLine.objects.filter(action__in=actions).values_list(
            "financer", "financer_name", "amount"
        )
        total = rules.budget_summary(lines)
    context = {
        "version": version,
        "programme": version.programme,
        "access": access,
        "page": page,
        "by_axis": by_axis,
        "total": total,
        "is_partial": not access.sees_every_action and not (
            access.is_member and version.status in PUBLISHED_PLAN_STATUSES
        ),
        "can_edit": access.is_coordinator and version.is_editable,
        "can_approve": access.is_coordinator and version.status == PlanStatus.PROPOSED,
        "can_close": access.is_coordinator
        and version.status in (PlanStatus.PROPOSED, PlanStatus.APPROVED),
        "changes": version.changes.select_related("actor", "decision__meeting__committee"),
        "proposals": version.proposals.select_related("group") if access.is_coordinator else [],
    }  # fmt: skip
    return render(request, "steering/plan_detail.html", context)


def plan_approve(request: HttpRequest, public_id) -> HttpResponse:
    version, _ = get_plan_version_for_user(request.user, public_id, manage=True)
    form = ApproveForm(posted(request), programme=version.programme)
    detail = reverse("steering:plan_detail", args=[version.public_id])
    return form_page(
        request, form,
        save=lambda data: programme_actions.approve_plan_version(
            actor=request.user, plan_version=version, meeting=data["meeting"], text=data["text"]
        ),
        done="Le plan est approuvé : la décision est notée à la réunion du comité.",
        redirect_to=lambda _: detail,
        title=f"Approuver le {version}",
        back=(detail, str(version)),
        submit="Approuver le plan",
        intro="Choisissez la réunion où le comité a approuvé ce plan. Une fois approuvé, le plan "
        "ne se modifie plus : les changements passent par une nouvelle version.",
    )  # fmt: skip


def plan_close(request: HttpRequest, public_id) -> HttpResponse:
    version, _ = get_plan_version_for_user(request.user, public_id, manage=True)
    detail = reverse("steering:plan_detail", args=[version.public_id])

    def save(data):
        if data["to"] == PlanStatus.WITHDRAWN:
            return programme_actions.withdraw_plan_version(
                actor=request.user, plan_version=version, note=data["note"]
            )
        return programme_actions.close_plan_version(
            actor=request.user, plan_version=version, note=data["note"]
        )

    return form_page(
        request, CloseForm(posted(request)), save=save, done="L'état du plan est changé.",
        redirect_to=lambda _: detail, title=f"Clore ou retirer le {version}",
        back=(detail, str(version)), submit="Enregistrer",
        intro="Un plan approuvé se clôt à la fin de son année ; une version proposée qui ne sera "
        "pas approuvée se retire.",
    )  # fmt: skip

"""Working groups and their proposals (along ``PROPOSAL_TRANSITIONS``), committees, their
meetings (minutes attached) and decisions, and the steering roles people hold."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from aiguillage.steering.models.plan import ActionKind, PlanAction
from aiguillage.steering.models.programme import Axis, PlanVersion, Programme
from aiguillage.steering.transitions import transition_problem
from aiguillage.territories.models import Commune


class WorkingGroup(models.Model):
    """A thematic group (« Accès aux droits », « Parentalité numérique »): its members imagine
    actions and send proposals to a committee. Its referents are ``SteeringRole`` rows."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="working_groups"
    )
    title = models.CharField("intitulé", max_length=200)
    description = models.TextField("ce que fait le groupe", blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="steering_groups"
    )
    is_demo = models.BooleanField("données de démonstration", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = "groupe de travail"
        constraints = [
            models.UniqueConstraint(fields=["programme", "title"], name="working_group_title")
        ]

    def __str__(self) -> str:
        return self.title


class CommitteeKind(models.TextChoices):
    COPIL = "copil", "Comité de pilotage"
    ANIMATION = "animation", "Comité d'animation"
    OPERATIONAL = "operational", "Comité opérationnel"
    OTHER = "other", "Autre instance"


class Committee(models.Model):
    """COPIL, comité d'animation…: its members are ``SteeringRole`` rows (they read)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="committees")
    kind = models.CharField("type", max_length=12, choices=CommitteeKind.choices)
    title = models.CharField("intitulé", max_length=200)
    description = models.TextField("rôle", blank=True)
    is_demo = models.BooleanField("données de démonstration", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = "comité"
        constraints = [
            models.UniqueConstraint(fields=["programme", "title"], name="committee_title")
        ]

    def __str__(self) -> str:
        return self.title


def minutes_path(meeting: Meeting, filename: str) -> str:
    # Never the uploaded name as a path: a random name, the checked kind as its suffix.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "dat"
    return f"steering/minutes/{uuid.uuid4().hex}.{suffix}"


class Meeting(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField("date")
    place = models.CharField("lieu", max_length=200, blank=True)
    agenda = models.TextField("ordre du jour", blank=True)
    minutes = models.FileField("compte rendu", upload_to=minutes_path, blank=True)
    minutes_name = models.CharField("nom du compte rendu", max_length=200, blank=True)
    is_demo = models.BooleanField("données de démonstration", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = "réunion"

    def __str__(self) -> str:
        return f"{self.committee} du {self.held_on:%d/%m/%Y}"


class DecisionKind(models.TextChoices):
    APPROVE_PLAN = "approve_plan", "Approbation du plan d'actions"
    CHANGE_ACTIONS = "change_actions", "Changement d'actions"
    OTHER = "other", "Autre décision"


class Decision(models.Model):
    """What a meeting decided: approving a plan version, changing actions, anything else."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField("type", max_length=16, choices=DecisionKind.choices)
    text = models.TextField("décision")
    plan_version = models.ForeignKey(
        PlanVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    actions = models.ManyToManyField(PlanAction, blank=True, related_name="decisions")
    is_demo = models.BooleanField("données de démonstration", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meeting", "id"]
        verbose_name = "décision"
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="approve_plan") | Q(plan_version__isnull=False),
                name="decision_approval_names_its_plan",
            )
        ]

    def __str__(self) -> str:
        return f"Décision {self.pk} ({self.kind})"


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Proposée au comité"
    ACCEPTED = "accepted", "Retenue dans le plan"
    DECLINED = "declined", "Non retenue"


S = ProposalStatus
# A group drafts, then proposes to a committee; the committee's answer (taken into a plan
# version, or declined with a reason) is final. A declined idea comes back as a new proposal.
PROPOSAL_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.ACCEPTED, S.DECLINED}),
    S.ACCEPTED: frozenset(),
    S.DECLINED: frozenset(),
}


def proposal_transition_problem(from_status: str, to_status: str) -> str | None:
    return transition_problem(
        PROPOSAL_TRANSITIONS, ProposalStatus, from_status, to_status, noun="Cette proposition"
    )


class Proposal(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(WorkingGroup, on_delete=models.PROTECT, related_name="proposals")
    title = models.CharField("titre", max_length=200)
    description = models.TextField("description", blank=True)
    axis = models.ForeignKey(
        Axis, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals"
    )
    kind = models.CharField("type d'action", max_length=12, choices=ActionKind.choices)
    status = models.CharField(
        "état", max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals"
    )
    plan_version = models.ForeignKey(
        PlanVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals"
    )
    decline_reason = models.CharField("raison", max_length=500, blank=True)
    is_demo = models.BooleanField("données de démonstration", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "proposition"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProposalStatus.values), name="proposal_known_status"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ProposalStatusChange(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=10, choices=ProposalStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=ProposalStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_status or '—'} → {self.to_status}"


class SteeringRoleKind(models.TextChoices):
    LOCAL_REFERENT = "local_referent", "Référent local"
    GROUP_REFERENT = "group_referent", "Référent de groupe de travail"
    COMMITTEE_MEMBER = "committee_member", "Membre de comité (lecture)"


class SteeringRole(models.Model):
    """A part someone plays in the programme, beside the territory's coordinators
    (``accounts.Coordination``, who run everything). Exactly the scope of its kind is set:
    a commune for a local referent, a group for a group referent, a committee for a member."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="steering_roles"
    )
    kind = models.CharField("rôle", max_length=20, choices=SteeringRoleKind.choices)
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        WorkingGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="roles"
    )
    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.PROTECT, related_name="roles"
    )
    is_elected = models.BooleanField("élu·e", default=False)
    title = models.CharField("fonction", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = "rôle dans le programme"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="local_referent",
                        commune__isnull=False,
                        group__isnull=True,
                        committee__isnull=True,
                    )
                    | Q(
                        kind="group_referent",
                        commune__isnull=True,
                        group__isnull=False,
                        committee__isnull=True,
                    )
                    | Q(
                        kind="committee_member",
                        commune__isnull=True,
                        group__isnull=True,
                        committee__isnull=False,
                    )
                ),  # fmt: skip
                name="steering_role_scope_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["user", "commune"],
                condition=Q(kind="local_referent"),
                name="steering_local_referent_once",
            ),
            models.UniqueConstraint(
                fields=["user", "group"],
                condition=Q(kind="group_referent"),
                name="steering_group_referent_once",
            ),
            models.UniqueConstraint(
                fields=["user", "committee"],
                condition=Q(kind="committee_member"),
                name="steering_committee_member_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.user_id})"

    @property
    def scope_label(self) -> str:
        scope = self.commune or self.group or self.committee
        return str(scope) if scope else ""

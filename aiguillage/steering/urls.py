from django.urls import path

from aiguillage.steering.views import action_pages, committees, groups, plans, programme

app_name = "steering"
P = "espace/programme/"
urlpatterns = [
    # The programme, its axes and roles.
    path(P, programme.programme_index, name="programme_index"),
    path(f"{P}<uuid:public_id>/", programme.programme_home, name="programme_home"),
    path(f"{P}<uuid:public_id>/axes/nouvel-axe/", programme.axis_create, name="axis_create"),
    path(f"{P}axes/<uuid:public_id>/", programme.axis_change, name="axis_change"),
    path(f"{P}<uuid:public_id>/roles/", programme.role_list, name="role_list"),
    path(f"{P}<uuid:public_id>/roles/<int:pk>/retirer/", programme.role_revoke, name="role_revoke"),
    # Plan versions.
    path(f"{P}<uuid:public_id>/plans/nouveau/", plans.plan_create, name="plan_create"),
    path(f"{P}plans/<uuid:public_id>/", plans.plan_detail, name="plan_detail"),
    path(f"{P}plans/<uuid:public_id>/approuver/", plans.plan_approve, name="plan_approve"),
    path(f"{P}plans/<uuid:public_id>/clore/", plans.plan_close, name="plan_close"),
    # Actions of a plan.
    path(
        f"{P}plans/<uuid:public_id>/nouvelle-action/",
        action_pages.action_create,
        name="action_create",
    ),
    path(f"{P}actions/<uuid:public_id>/", action_pages.action_detail, name="action_detail"),
    path(f"{P}actions/<uuid:public_id>/modifier/", action_pages.action_edit, name="action_edit"),
    path(
        f"{P}actions/<uuid:public_id>/suivi/", action_pages.action_followup, name="action_followup"
    ),
    path(f"{P}actions/<uuid:public_id>/partenaires/", action_pages.partner_add, name="partner_add"),
    path(
        f"{P}actions/<uuid:public_id>/partenaires/<int:pk>/depart/",
        action_pages.partner_leave,
        name="partner_leave",
    ),
    path(
        f"{P}actions/<uuid:public_id>/budget/", action_pages.budget_line_add, name="budget_line_add"
    ),
    path(
        f"{P}actions/<uuid:public_id>/budget/<int:pk>/supprimer/",
        action_pages.budget_line_remove,
        name="budget_line_remove",
    ),
    path(f"{P}actions/<uuid:public_id>/cibles/", action_pages.target_add, name="target_add"),
    path(
        f"{P}actions/<uuid:public_id>/cibles/<int:pk>/supprimer/",
        action_pages.target_remove,
        name="target_remove",
    ),
    path(f"{P}actions/<uuid:public_id>/notes/", action_pages.note_add, name="note_add"),
    # Working groups and their proposals.
    path(f"{P}<uuid:public_id>/groupes/nouveau/", groups.group_create, name="group_create"),
    path(f"{P}groupes/<uuid:public_id>/", groups.group_detail, name="group_detail"),
    path(f"{P}groupes/<uuid:public_id>/membres/", groups.group_members, name="group_members"),
    path(
        f"{P}groupes/<uuid:public_id>/membres/<int:user_id>/retirer/",
        groups.group_member_remove,
        name="group_member_remove",
    ),
    path(
        f"{P}groupes/<uuid:public_id>/propositions/nouvelle/",
        groups.proposal_create,
        name="proposal_create",
    ),
    path(f"{P}propositions/<uuid:public_id>/", groups.proposal_detail, name="proposal_detail"),
    path(
        f"{P}propositions/<uuid:public_id>/proposer/",
        groups.proposal_submit,
        name="proposal_submit",
    ),
    path(
        f"{P}propositions/<uuid:public_id>/retenir/",
        groups.proposal_accept,
        name="proposal_accept",
    ),
    path(
        f"{P}propositions/<uuid:public_id>/refuser/",
        groups.proposal_decline,
        name="proposal_decline",
    ),
    # Committees, meetings, decisions.
    path(
        f"{P}<uuid:public_id>/comites/nouveau/",
        committees.committee_create,
        name="committee_create",
    ),
    path(f"{P}comites/<uuid:public_id>/", committees.committee_detail, name="committee_detail"),
    path(
        f"{P}comites/<uuid:public_id>/reunions/nouvelle/",
        committees.meeting_create,
        name="meeting_create",
    ),
    path(f"{P}reunions/<uuid:public_id>/", committees.meeting_detail, name="meeting_detail"),
    path(
        f"{P}reunions/<uuid:public_id>/compte-rendu/",
        committees.meeting_minutes,
        name="meeting_minutes",
    ),
    path(
        f"{P}reunions/<uuid:public_id>/compte-rendu/deposer/",
        committees.minutes_upload,
        name="minutes_upload",
    ),
    path(
        f"{P}reunions/<uuid:public_id>/decisions/nouvelle/",
        committees.decision_create,
        name="decision_create",
    ),
]

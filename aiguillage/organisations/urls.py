from django.urls import path

from aiguillage.organisations import views

app_name = "organisations"
urlpatterns = [
    # A structure, its team and its territory.
    path("espace/structures/nouvelle/", views.organisation_create, name="organisation_create"),
    path(
        "espace/structures/<uuid:public_id>/", views.organisation_detail, name="organisation_detail"
    ),
    path(
        "espace/structures/<uuid:public_id>/modifier/",
        views.organisation_edit,
        name="organisation_edit",
    ),
    path(
        "espace/structures/<uuid:public_id>/membres/<int:membership_id>/role/",
        views.member_role,
        name="member_role",
    ),
    path(
        "espace/structures/<uuid:public_id>/membres/<int:membership_id>/retirer/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "espace/structures/<uuid:public_id>/inviter/",
        views.invitation_create,
        name="invitation_create",
    ),
    path(
        "espace/structures/<uuid:public_id>/invitations/<uuid:invitation_id>/renvoyer/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "espace/structures/<uuid:public_id>/invitations/<uuid:invitation_id>/annuler/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path(
        "espace/structures/<uuid:public_id>/territoire/",
        views.territory_join,
        name="territory_join",
    ),
    path(
        "espace/structures/<uuid:public_id>/territoire/<uuid:join_id>/accepter/",
        views.territory_invitation_accept,
        name="territory_invitation_accept",
    ),
    path(
        "espace/structures/<uuid:public_id>/territoire/<uuid:join_id>/refuser/",
        views.territory_invitation_decline,
        name="territory_invitation_decline",
    ),
    # A territory's coordination.
    path("espace/territoires/<slug:slug>/", views.territory_detail, name="territory_detail"),
    path(
        "espace/territoires/<slug:slug>/demandes/<uuid:join_id>/accepter/",
        views.join_request_accept,
        name="join_request_accept",
    ),
    path(
        "espace/territoires/<slug:slug>/demandes/<uuid:join_id>/refuser/",
        views.join_request_decline,
        name="join_request_decline",
    ),
    path(
        "espace/territoires/<slug:slug>/inviter-une-structure/",
        views.territory_invite_organisation,
        name="territory_invite_organisation",
    ),
    path(
        "espace/territoires/<slug:slug>/nouvelle-structure/",
        views.territory_create_organisation,
        name="territory_create_organisation",
    ),
]

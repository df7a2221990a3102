from django.urls import path

from aiguillage.referrals.views import answering, sending, territory, workshop

app_name = "referrals"
urlpatterns = [
    path("espace/orientations/", answering.referral_list, name="referral_list"),
    # Sending, screen by screen.
    path("espace/orientations/nouvelle/", sending.referral_start, name="referral_start"),
    path(
        "espace/orientations/nouvelle/<uuid:public_id>/",
        sending.referral_need,
        name="referral_need",
    ),
    path(
        "espace/orientations/nouvelle/<uuid:public_id>/lieux/",
        sending.referral_matches,
        name="referral_matches",
    ),
    path(
        "espace/orientations/nouvelle/<uuid:public_id>/lieux/<uuid:place_id>/",
        sending.referral_confirm,
        name="referral_confirm",
    ),
    # To a workshop of another structure (a cycle, or a session standing alone).
    path(
        "espace/orientations/nouvelle/<uuid:public_id>/ateliers/",
        workshop.workshop_choose,
        name="workshop_choose",
    ),
    path(
        "espace/orientations/nouvelle/<uuid:public_id>/ateliers/<str:kind>/<uuid:workshop_id>/",
        workshop.workshop_confirm,
        name="workshop_confirm",
    ),
    # One referral and its answers.
    path(
        "espace/orientations/<uuid:public_id>/", answering.referral_detail, name="referral_detail"
    ),
    path(
        "espace/orientations/<uuid:public_id>/fiche/",
        answering.referral_print,
        name="referral_print",
    ),
    path(
        "espace/orientations/<uuid:public_id>/accepter/",
        answering.referral_accept,
        name="referral_accept",
    ),
    path(
        "espace/orientations/<uuid:public_id>/refuser/",
        answering.referral_decline,
        name="referral_decline",
    ),
    path(
        "espace/orientations/<uuid:public_id>/venue/", answering.referral_came, name="referral_came"
    ),
    path(
        "espace/orientations/<uuid:public_id>/absence/",
        answering.referral_no_show,
        name="referral_no_show",
    ),
    path(
        "espace/orientations/<uuid:public_id>/accompagnement/",
        answering.referral_done,
        name="referral_done",
    ),
    path(
        "espace/orientations/<uuid:public_id>/reorienter/",
        answering.referral_redirect,
        name="referral_redirect",
    ),
    path(
        "espace/orientations/<uuid:public_id>/annuler/",
        answering.referral_cancel,
        name="referral_cancel",
    ),
    # The territory's anonymous flows, for coordinators.
    path(
        "espace/orientations/territoire/<slug:slug>/",
        territory.referral_stats,
        name="referral_stats",
    ),
    path(
        "espace/orientations/territoire/<slug:slug>/export.csv",
        territory.referral_stats_csv,
        name="referral_stats_csv",
    ),
]

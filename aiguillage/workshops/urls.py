from django.urls import path

from aiguillage.workshops.views import (
    catalogue,
    enrolling,
    manage,
    public,
    report,
    roll_call,
    satisfaction,
)

app_name = "workshops"
urlpatterns = [
    # The organising structure's workshops.
    path("espace/ateliers/", manage.session_list, name="session_list"),
    path("espace/ateliers/nouvelle-seance/", manage.session_create, name="session_create"),
    path("espace/ateliers/nouvelle-serie/", manage.series_create, name="series_create"),
    path("espace/ateliers/seances/<uuid:public_id>/", manage.session_detail, name="session_detail"),
    path(
        "espace/ateliers/seances/<uuid:public_id>/deplacer/",
        manage.session_move,
        name="session_move",
    ),
    path(
        "espace/ateliers/seances/<uuid:public_id>/annuler/",
        manage.session_cancel,
        name="session_cancel",
    ),
    path(
        "espace/ateliers/seances/<uuid:public_id>/places/",
        manage.capacity_update,
        {"kind": "seance"},
        name="session_capacity",
    ),
    path("espace/ateliers/seances/<uuid:public_id>/appel/", roll_call.roll_call, name="roll_call"),
    path(
        "espace/ateliers/seances/<uuid:public_id>/emargement/",
        roll_call.sign_in_sheet,
        name="sign_in_sheet",
    ),
    # Participants' satisfaction: the link and its QR code, the form on the tablet.
    path(
        "espace/ateliers/seances/<uuid:public_id>/avis/",
        satisfaction.session_satisfaction,
        name="session_satisfaction",
    ),
    path(
        "espace/ateliers/seances/<uuid:public_id>/avis/tablette/",
        satisfaction.satisfaction_tablet,
        name="satisfaction_tablet",
    ),
    path("espace/ateliers/cycles/<uuid:public_id>/", manage.cycle_detail, name="cycle_detail"),
    path(
        "espace/ateliers/cycles/<uuid:public_id>/places/",
        manage.capacity_update,
        {"kind": "cycle"},
        name="cycle_capacity",
    ),
    # Enrolling.
    path(
        "espace/ateliers/seances/<uuid:public_id>/inscrire/",
        enrolling.enrol,
        {"kind": "seance"},
        name="session_enrol",
    ),
    path(
        "espace/ateliers/cycles/<uuid:public_id>/inscrire/",
        enrolling.enrol,
        {"kind": "cycle"},
        name="cycle_enrol",
    ),
    path(
        "espace/ateliers/seances/<uuid:public_id>/sans-fiche/",
        enrolling.enrol_anonymous,
        {"kind": "seance"},
        name="session_enrol_anonymous",
    ),
    path(
        "espace/ateliers/cycles/<uuid:public_id>/sans-fiche/",
        enrolling.enrol_anonymous,
        {"kind": "cycle"},
        name="cycle_enrol_anonymous",
    ),
    path("espace/ateliers/inscrire/", enrolling.enrol_for_person, name="enrol_for_person"),
    path(
        "espace/ateliers/inscriptions/<uuid:public_id>/",
        enrolling.enrolment_detail,
        name="enrolment_detail",
    ),
    path(
        "espace/ateliers/inscriptions/<uuid:public_id>/annuler/",
        enrolling.enrolment_cancel,
        name="enrolment_cancel",
    ),
    path(
        "espace/ateliers/inscriptions/<uuid:public_id>/charte/",
        enrolling.enrolment_charter,
        name="enrolment_charter",
    ),
    # Coordinators: the territory's catalogue and completion rule.
    path("espace/ateliers/territoire/<slug:slug>/", catalogue.catalogue, name="catalogue"),
    path("espace/ateliers/bilan/", report.structure_report, name="structure_report"),
    path(
        "espace/ateliers/territoire/<slug:slug>/bilan/",
        report.territory_report,
        name="territory_report",
    ),
    # Public.
    path("ateliers/<slug:slug>/", public.public_list, name="public_list"),
    path("ateliers/<slug:slug>/ateliers.ics", public.territory_ics, name="territory_ics"),
    path("ateliers/lieux/<uuid:public_id>/ateliers.ics", public.place_ics, name="place_ics"),
    path("ateliers/avis/<str:token>/", satisfaction.satisfaction_form, name="satisfaction_form"),
]

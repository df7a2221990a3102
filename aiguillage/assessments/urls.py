from django.urls import path

from aiguillage.assessments.views import (
    in_depth,
    referential,
    results,
    screening,
    start,
    territory,
)

app_name = "assessments"
urlpatterns = [
    # From a person's file.
    path(
        "espace/personnes/<uuid:public_id>/diagnostic/",
        start.assessment_start,
        name="assessment_start",
    ),
    path(
        "espace/personnes/<uuid:public_id>/diagnostic/accord/",
        start.consent_evaluation,
        name="consent_evaluation",
    ),
    # One assessment.
    path("espace/diagnostics/<uuid:public_id>/", start.assessment_detail, name="assessment_detail"),
    path(
        "espace/diagnostics/<uuid:public_id>/question/",
        screening.screening_question,
        name="screening_question",
    ),
    path(
        "espace/diagnostics/<uuid:public_id>/verification/",
        screening.screening_review,
        name="screening_review",
    ),
    path(
        "espace/diagnostics/<uuid:public_id>/observation/",
        in_depth.in_depth_item,
        name="in_depth_item",
    ),
    path(
        "espace/diagnostics/<uuid:public_id>/conclusion/",
        in_depth.in_depth_conclusion,
        name="in_depth_conclusion",
    ),
    path(
        "espace/diagnostics/<uuid:public_id>/resultat/",
        results.assessment_result,
        name="assessment_result",
    ),
    path(
        "espace/diagnostics/<uuid:public_id>/formulation/",
        start.assessment_wording,
        name="assessment_wording",
    ),
    path(
        "espace/diagnostics/<uuid:public_id>/abandonner/",
        start.assessment_abandon,
        name="assessment_abandon",
    ),
    # The territory's anonymous statistics, for coordinators.
    path(
        "espace/diagnostics/territoire/<slug:slug>/",
        territory.assessment_stats,
        name="assessment_stats",
    ),
    path(
        "espace/diagnostics/territoire/<slug:slug>/export.csv",
        territory.assessment_stats_csv,
        name="assessment_stats_csv",
    ),
    # The referential's versions, for the platform team.
    path("espace/referentiel/", referential.referential_list, name="referential_list"),
    path(
        "espace/referentiel/<str:version>.json",
        referential.referential_download,
        name="referential_download",
    ),
]

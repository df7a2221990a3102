from django.urls import path

from aiguillage.activities.views import recording, stats

app_name = "activities"
urlpatterns = [
    # A structure's accompaniments.
    path("espace/accompagnements/", recording.activity_list, name="activity_list"),
    path("espace/accompagnements/noter/", recording.activity_record, name="activity_record"),
    path("espace/accompagnements/importer/", recording.activity_import, name="activity_import"),
    path(
        "espace/accompagnements/<uuid:public_id>/modifier/",
        recording.activity_edit,
        name="activity_edit",
    ),
    path(
        "espace/accompagnements/<uuid:public_id>/supprimer/",
        recording.activity_delete,
        name="activity_delete",
    ),
    # Statistics: the current structure's, then a territory's for its coordinators.
    path("espace/accompagnements/statistiques/", stats.structure_stats, name="structure_stats"),
    path(
        "espace/accompagnements/statistiques/export.csv",
        stats.structure_stats_export,
        {"fmt": "csv"},
        name="structure_stats_csv",
    ),
    path(
        "espace/accompagnements/statistiques/export.xlsx",
        stats.structure_stats_export,
        {"fmt": "xlsx"},
        name="structure_stats_xlsx",
    ),
    path(
        "espace/accompagnements/territoire/<slug:slug>/",
        stats.territory_stats,
        name="territory_stats",
    ),
    path(
        "espace/accompagnements/territoire/<slug:slug>/export.csv",
        stats.territory_stats_export,
        {"fmt": "csv"},
        name="territory_stats_csv",
    ),
    path(
        "espace/accompagnements/territoire/<slug:slug>/export.xlsx",
        stats.territory_stats_export,
        {"fmt": "xlsx"},
        name="territory_stats_xlsx",
    ),
]

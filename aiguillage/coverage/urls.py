from django.urls import path

from aiguillage.coverage.views import calibration, planning, runs

app_name = "coverage"
RUN = "espace/couverture/<slug:slug>/analyses/<uuid:public_id>/"
urlpatterns = [
    path("espace/couverture/<slug:slug>/", runs.overview, name="overview"),
    path("espace/couverture/<slug:slug>/lancer/", runs.run_start, name="run_start"),
    path("espace/couverture/<slug:slug>/parametres/", runs.parameters, name="parameters"),
    path("espace/couverture/<slug:slug>/comparer/", runs.compare, name="compare"),
    path("espace/couverture/<slug:slug>/calage/", calibration.calibration, name="calibration"),
    path(
        "espace/couverture/<slug:slug>/calage/retirer/",
        calibration.calibration_withdraw,
        name="calibration_withdraw",
    ),
    path(RUN, runs.run_detail, name="run_detail"),
    path(f"{RUN}export.csv", runs.run_csv, name="run_csv"),
    path(f"{RUN}carte.json", runs.run_map, name="run_map"),
    path(f"{RUN}ou-ouvrir/", planning.suggestions, name="suggestions"),
    path(f"{RUN}scenario/", planning.scenario, name="scenario"),
]

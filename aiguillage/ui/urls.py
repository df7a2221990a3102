from django.urls import path

from aiguillage.ui import health, views

app_name = "ui"
urlpatterns = [
    path("", views.home, name="home"),
    path("sante/", health.liveness, name="liveness"),
    path("sante/pret/", health.readiness, name="readiness"),
]

from django.contrib import admin
from django.urls import include, path

from aiguillage.api.v1 import public_urls as api_v1_urls

urlpatterns = [
    path("", include("aiguillage.ui.urls")),
    path("", include("aiguillage.accounts.urls")),
    path("", include("aiguillage.organisations.urls")),
    path("", include("aiguillage.places.urls")),
    path("", include("aiguillage.people.urls")),
    path("", include("aiguillage.assessments.urls")),
    path("", include("aiguillage.referrals.urls")),
    path("", include("aiguillage.coverage.urls")),
    path("", include("aiguillage.activities.urls")),
    path("", include("aiguillage.workshops.urls")),
    path("", include("aiguillage.events.urls")),
    path("", include("aiguillage.steering.urls")),
    path("", include("aiguillage.equipment.urls")),
    path("", include("aiguillage.pool.urls")),
    path("api/v1/", api_v1_urls()),
    path("admin/", admin.site.urls),
]

# French pages that never touch the database (503 when it is unreachable).
handler500 = "aiguillage.ui.errors.server_error"
handler400 = "aiguillage.ui.errors.bad_request"
handler403 = "aiguillage.ui.errors.permission_denied"
handler404 = "aiguillage.ui.errors.page_not_found"

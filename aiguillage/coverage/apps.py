from django.apps import AppConfig


class CoverageConfig(AppConfig):
    name = "aiguillage.coverage"
    verbose_name = "couverture des besoins"
    default_auto_field = "django.db.models.BigAutoField"

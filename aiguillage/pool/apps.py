from django.apps import AppConfig


class PoolConfig(AppConfig):
    """The shared equipment pool: structures lend tablets, projectors, kits to each other."""

    name = "aiguillage.pool"
    verbose_name = "Prêt de matériel"
    default_auto_field = "django.db.models.BigAutoField"

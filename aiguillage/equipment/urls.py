from aiguillage.equipment.urls_allocation import urlpatterns as allocation_urls
from aiguillage.equipment.urls_pipeline import urlpatterns as pipeline_urls

app_name = "equipment"
urlpatterns = [*pipeline_urls, *allocation_urls]

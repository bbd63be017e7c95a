from django.urls import include, path

from yiji.api import api
from yiji.core.admin import site as admin_site

urlpatterns = [
    path("admin/", admin_site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("fhir/r4/", include("yiji.interop.fhir.urls")),
    path("", include("yiji.orders.urls")),
    path("", include("yiji.exams.urls")),
    path("", include("yiji.reports.urls")),
    path("", include("yiji.interop.urls")),
    path("", include("yiji.quality.urls")),
    path("", include("yiji.equipment.urls")),
    path("", include("yiji.people.urls")),
    path("", include("yiji.incidents.urls")),
    path("", include("yiji.images.urls")),
    path("", include("yiji.archive.urls")),
    path("", include("yiji.lab.urls")),
    path("", include("yiji.core.urls")),
]

handler404 = "yiji.core.views.not_found"
handler500 = "yiji.core.views.server_error"

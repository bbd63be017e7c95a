from django.contrib import admin

from yiji.core.admin import AuditedAdmin, site
from yiji.reports.models import ReportTemplate


@admin.register(ReportTemplate, site=site)
class ReportTemplateAdmin(AuditedAdmin):
    list_display = ["name", "item", "modality", "owner"]
    list_filter = ["modality"]
    search_fields = ["name", "findings", "impression"]
    raw_id_fields = ["item", "owner"]

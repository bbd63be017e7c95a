from django.contrib import admin

from yiji.core.admin import AuditedAdmin, site
from yiji.interop.models import CodeMapping, Endpoint, InterfaceScope


@admin.register(Endpoint, site=site)
class EndpointAdmin(AuditedAdmin):
    list_display = ["name", "host", "port", "receiving_application", "encoding", "active"]
    list_filter = ["active", "encoding"]


@admin.register(CodeMapping, site=site)
class CodeMappingAdmin(AuditedAdmin):
    list_display = ["kind", "external_code", "internal_code", "created_at"]
    list_filter = ["kind"]
    search_fields = ["external_code", "internal_code"]


@admin.register(InterfaceScope, site=site)
class InterfaceScopeAdmin(AuditedAdmin):
    list_display = ["account", "scope"]
    list_filter = ["scope"]

"""Django admin for reference data (hospital, departments, groups, rooms, staff files).

Only the system administrator reaches it (Action.ADMIN_SITE); every change is audited.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from yiji.core import audit
from yiji.core.models import (
    AuditAction,
    Credential,
    Department,
    Hospital,
    Membership,
    RoleAssignment,
    Room,
    Staff,
    WorkGroup,
)
from yiji.core.permissions import Action, may


class YijiAdminSite(admin.AdminSite):
    site_header = _("Yiji reference data")
    site_title = _("Yiji")
    index_title = _("Reference data")

    def has_permission(self, request) -> bool:
        return request.user.is_active and bool(may(request.user, Action.ADMIN_SITE))


class AuditedAdmin(admin.ModelAdmin):
    """Reference-data edits through the admin land in the audit log like any other change."""

    def has_module_permission(self, request) -> bool:
        return bool(may(request.user, Action.ADMIN_SITE))

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    has_add_permission = has_change_permission = has_view_permission

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # reference data is deactivated, never deleted: records point at it

    def save_model(self, request, obj, form, change):
        before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        old, new = audit.changes(before, audit.snapshot(obj))
        action = AuditAction.UPDATE if change else AuditAction.CREATE
        audit.record(request.user, action, obj, before=old or None, after=new)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit.record(request.user, AuditAction.CREATE, obj, after=audit.snapshot(obj))
        for obj, fields in formset.changed_objects:
            audit.record(request.user, AuditAction.UPDATE, obj, after=audit.snapshot(obj, fields))
        for obj in formset.deleted_objects:
            audit.record(request.user, AuditAction.DELETE, obj, before=audit.snapshot(obj))


class AdminInline(admin.TabularInline):
    extra = 0

    def has_view_permission(self, request, obj=None) -> bool:
        return bool(may(request.user, Action.ADMIN_SITE))

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


site = YijiAdminSite(name="admin")


@admin.register(Hospital, site=site)
class HospitalAdmin(AuditedAdmin):
    list_display = ["code", "name", "level"]


@admin.register(Department, site=site)
class DepartmentAdmin(AuditedAdmin):
    list_display = ["code", "name", "name_en", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name"]


@admin.register(WorkGroup, site=site)
class WorkGroupAdmin(AuditedAdmin):
    list_display = ["code", "name", "department"]
    list_filter = ["department"]


@admin.register(Room, site=site)
class RoomAdmin(AuditedAdmin):
    list_display = ["code", "name", "department", "group", "location", "ae_title", "active"]
    list_filter = ["department", "active"]


class MembershipInline(AdminInline):
    model = Membership


class RoleInline(AdminInline):
    model = RoleAssignment


class CredentialInline(AdminInline):
    model = Credential


@admin.register(Staff, site=site)
class StaffAdmin(AuditedAdmin):
    list_display = ["employee_no", "name", "physician_title", "technologist_title", "active"]
    list_filter = ["active", "physician_title", "technologist_title", "trainee_kind"]
    search_fields = ["employee_no", "name", "user__username"]
    inlines = [MembershipInline, RoleInline, CredentialInline]
    raw_id_fields = ["user", "supervisor"]


# Django 5.2's own zh_Hans catalogue lacks these admin strings (screen-reader table headers);
# listing them here puts them in Yiji's catalogue, which Django consults first.
DJANGO_ADMIN_STRINGS = [
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
]

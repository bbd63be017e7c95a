"""Reference data of the lab: panels, tests and reference ranges, kept by the administrator
under Reference data."""

from django.contrib import admin

from yiji.core.admin import site
from yiji.lab.models import LabItem, LabTest, PanelTest, ReferenceRange


class RangeInline(admin.TabularInline):
    model = ReferenceRange
    extra = 1


class PanelLineInline(admin.TabularInline):
    model = PanelTest
    extra = 1


@admin.register(LabTest, site=site)
class LabTestAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "critical_low", "critical_high", "critical_policy")
    search_fields = ("code", "name", "name_en")
    inlines = [RangeInline]


@admin.register(LabItem, site=site)
class LabItemAdmin(admin.ModelAdmin):
    list_display = ("item", "section", "specimen_type", "container", "special", "instrument")
    inlines = [PanelLineInline]

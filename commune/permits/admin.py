"""Platform admin: the towns' permit configuration and a read-only look at the files."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    DeemedOpinionRule,
    PermitRequest,
    PermitSettings,
    ResurfacedStreet,
    ReviewLayer,
    ReviewTask,
    RoutingRule,
    StandardCondition,
)


@admin.register(PermitSettings)
class PermitSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "municipality",
        "minimum_notice_days",
        "review_days",
        "deemed_consent",
        "inspecting_department",
    ]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["department", "kind", "impact", "is_active", "municipality"]
    list_filter = ["municipality", "is_active"]


@admin.register(DeemedOpinionRule)
class DeemedOpinionRuleAdmin(admin.ModelAdmin):
    list_display = ["department", "road_closure", "silence_is_favourable", "municipality"]


@admin.register(ReviewLayer)
class ReviewLayerAdmin(admin.ModelAdmin):
    list_display = ["name", "department", "source_name", "is_active", "municipality"]


@admin.register(StandardCondition)
class StandardConditionAdmin(admin.ModelAdmin):
    list_display = ["code", "text", "is_active", "municipality"]


@admin.register(ResurfacedStreet)
class ResurfacedStreetAdmin(admin.ModelAdmin):
    list_display = ["name", "resurfaced_on", "moratorium_until", "municipality"]


class ReviewTaskInline(admin.TabularInline):
    model = ReviewTask
    fields = ["department", "reason", "why", "status", "due_date", "opinion"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description=_("details"))
    def why(self, task: ReviewTask) -> str:
        return task.reason_text


@admin.register(PermitRequest)
class PermitRequestAdmin(admin.ModelAdmin):
    list_display = ["reference", "status", "kind", "planned_start", "municipality"]
    list_filter = ["municipality", "status", "kind"]
    search_fields = ["reference", "description"]
    inlines = [ReviewTaskInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

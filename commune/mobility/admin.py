from django.contrib import admin

from .models import DataImport, Evaluation, MobilitySettings, QuarantinedMessage, Sensor


@admin.register(Sensor)
class SensorAdmin(admin.ModelAdmin):
    list_display = ["name", "external_id", "kind", "capacity", "municipality"]
    list_filter = ["municipality", "kind"]
    search_fields = ["name", "external_id"]


@admin.register(QuarantinedMessage)
class QuarantinedMessageAdmin(admin.ModelAdmin):
    list_display = ["received_at", "topic", "reason", "detail", "municipality"]
    list_filter = ["reason", "municipality"]
    readonly_fields = ["municipality", "topic", "payload", "reason", "detail", "received_at"]


@admin.register(DataImport)
class DataImportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "source_name", "kind", "status", "rows_imported", "municipality"]
    list_filter = ["status", "kind", "municipality"]
    # The uploaded file is private (no address to link): its name is shown as source_name.
    exclude = ["file"]
    readonly_fields = [f.name for f in DataImport._meta.fields if f.name != "file"]


@admin.register(MobilitySettings)
class MobilitySettingsAdmin(admin.ModelAdmin):
    list_display = ["municipality", "k_anonymity", "perimeter_zones"]


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "title", "intervention_date", "status", "municipality"]
    list_filter = ["status", "municipality"]
    readonly_fields = ["result", "error", "started_at", "finished_at", "submission_key"]

from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The trail is read-only here too: nobody adds, changes or deletes an entry."""

    list_display = ["created_at", "municipality", "actor_label", "action", "object_label"]
    list_filter = ["municipality", "action", "content_type"]
    search_fields = ["actor_label", "object_label", "object_id", "comment"]
    date_hierarchy = "created_at"
    list_select_related = ["municipality"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

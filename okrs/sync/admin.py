from django.contrib import admin

from okrs.sync.models import DiscourseSync, IssueLink, MilestoneLink, SyncRun, SyncState


@admin.register(SyncState)
class SyncStateAdmin(admin.ModelAdmin):
    list_display = ["repo", "team", "push_enabled", "sync_every_minutes", "last_synced_at"]


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = ["kind", "target", "status", "started_at", "finished_at"]
    list_filter = ["kind", "status"]


admin.site.register(IssueLink)
admin.site.register(MilestoneLink)
admin.site.register(DiscourseSync)

from django.contrib import admin

from okrs.worker.models import ScheduleRun


@admin.register(ScheduleRun)
class ScheduleRunAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "last_at", "last_task_id")
    readonly_fields = ("name", "last_task_id")

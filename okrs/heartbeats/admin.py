from django.contrib import admin

from okrs.heartbeats.models import Heartbeat, PacketRole, WorkPacket


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "period", "start", "end"]
    list_filter = ["period", "team"]


class PacketRoleInline(admin.TabularInline):
    model = PacketRole
    extra = 0


@admin.register(WorkPacket)
class WorkPacketAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "heartbeat", "status", "priority", "due"]
    list_filter = ["status", "priority", "heartbeat"]
    search_fields = ["title", "description"]
    filter_horizontal = ["key_results"]
    inlines = [PacketRoleInline]
    list_select_related = ["team", "heartbeat"]

from django.contrib import admin

from okrs.goals.models import Alignment, CheckIn, KeyResult, Objective, Period


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "start", "end"]


class KeyResultInline(admin.StackedInline):
    model = KeyResult
    extra = 0
    fields = [
        ("code", "title"),
        ("direction", "baseline", "target", "target_high", "stretch", "unit"),
        ("deadline", "weight", "owner", "order"),
    ]


class AlignmentInline(admin.TabularInline):
    model = Alignment
    fk_name = "child"
    extra = 0
    verbose_name = "contributes to"
    autocomplete_fields = ["parent"]


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["__str__", "team", "period", "commitment", "state", "visibility", "owner"]
    list_filter = ["period", "team", "state", "commitment", "visibility"]
    search_fields = ["title", "code", "description"]
    list_select_related = ["team", "period", "owner"]
    inlines = [KeyResultInline, AlignmentInline]


class CheckInInline(admin.TabularInline):
    model = CheckIn
    extra = 0
    readonly_fields = ["recorded_at"]


@admin.register(KeyResult)
class KeyResultAdmin(admin.ModelAdmin):
    list_display = ["__str__", "objective", "direction", "baseline", "target", "unit", "owner"]
    list_filter = ["direction", "objective__period", "objective__team"]
    search_fields = ["title", "code"]
    list_select_related = ["objective", "owner"]
    inlines = [CheckInInline]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["key_result", "value", "confidence", "author", "at", "source"]
    list_filter = ["source"]
    list_select_related = ["key_result", "author"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # history is append-only


@admin.register(Alignment)
class AlignmentAdmin(admin.ModelAdmin):
    list_display = ["child", "parent", "weight"]
    list_select_related = ["child", "parent"]

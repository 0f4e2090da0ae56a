from django.contrib import admin

from okrs.org.models import Cohort, CohortMembership, Membership, Profile, Team


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["person"]


class CohortMembershipInline(admin.TabularInline):
    """A cohort's members with the days they joined and left (ended rows are kept)."""

    model = CohortMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "visibility"]
    list_filter = ["visibility"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "team", "role"]
    list_filter = ["role", "team"]
    list_select_related = ["person", "team"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["person", "display_name", "github_login", "discourse_username"]
    search_fields = ["person__username", "display_name", "github_login", "discourse_username"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "team"]
    search_fields = ["name", "slug"]
    inlines = [CohortMembershipInline]

"""Site admins read everything said, deleted and hidden comments included, with each earlier
text of an edited comment."""

from django.contrib import admin

from okrs.talk.models import (
    Comment,
    CommentRevision,
    ForumTopic,
    MirrorPost,
    Offer,
    TeamTalkSettings,
)


class RevisionInline(admin.TabularInline):
    model = CommentRevision
    extra = 0
    readonly_fields = ["body", "replaced_at"]
    can_delete = False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["id", "author", "team", "created_at", "deleted_at", "hidden_at"]
    list_filter = ["team"]
    list_select_related = ["author", "team"]
    readonly_fields = ["author", "body", "created_at", "edited_at", "deleted_by", "hidden_by"]
    raw_id_fields = ["objective", "key_result", "heartbeat", "packet", "parent"]
    inlines = [RevisionInline]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["id", "person", "team", "state", "created_at"]
    list_select_related = ["person", "team"]
    raw_id_fields = ["objective", "key_result", "packet", "person", "decided_by"]


@admin.register(MirrorPost)
class MirrorPostAdmin(admin.ModelAdmin):
    list_display = ["id", "comment", "state", "attempts", "last_attempt_at"]


admin.site.register(ForumTopic)
admin.site.register(TeamTalkSettings)

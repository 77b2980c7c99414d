from django.contrib import admin

from pactdesk.routing.models import Pool, PoolClient, Presence


@admin.register(Pool)
class PoolAdmin(admin.ModelAdmin):
    list_display = ["name", "strategy", "is_default"]


@admin.register(PoolClient)
class PoolClientAdmin(admin.ModelAdmin):
    list_display = ["client", "pool"]


@admin.register(Presence)
class PresenceAdmin(admin.ModelAdmin):
    list_display = ["user", "status", "cap", "timezone", "changed_at"]
    list_filter = ["status"]

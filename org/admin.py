"""Admin pages for master data. Users are managed through the user pages (org.views), never deleted here."""

from django.contrib import admin

from org.models import Block, Branch, FiscalYear, Prefecture, User


class NoDeleteAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Block)
class BlockAdmin(NoDeleteAdmin):
    list_display = ["number", "name"]


@admin.register(Prefecture)
class PrefectureAdmin(NoDeleteAdmin):
    list_display = ["code", "name", "short_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Branch)
class BranchAdmin(NoDeleteAdmin):
    list_display = ["name", "prefecture", "block"]
    list_filter = ["block"]


@admin.register(FiscalYear)
class FiscalYearAdmin(NoDeleteAdmin):
    list_display = ["year", "label"]


@admin.register(User)
class UserAdmin(NoDeleteAdmin):
    list_display = ["username", "full_name", "role", "branch", "is_active"]
    list_filter = ["role", "is_active", "branch__block"]
    search_fields = ["username", "full_name", "full_name_kana"]
    fields = ["username", "full_name", "full_name_kana", "email", "role", "branch", "is_active"]

    def has_add_permission(self, request):
        return False

"""Django admin for provider admins: thin, every change goes through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm

from pactdesk.accounts.models import Client, Customer, User


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "support_email", "is_active", "created_at"]
    search_fields = ["name", "slug", "support_email"]
    prepopulated_fields = {"slug": ["name"]}


class UserCreationForm(forms.ModelForm):
    password = forms.CharField(widget=forms.PasswordInput, strip=False)

    class Meta:
        model = User
        fields = ["email", "name", "role", "client"]

    def save(self, commit: bool = True) -> User:
        user: User = super().save(commit=False)
        user.set_password(self.cleaned_data["password"])
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    list_display = ["email", "name", "role", "client", "is_active", "last_login"]
    list_filter = ["role", "is_active", "client"]
    search_fields = ["email", "name"]
    ordering = ["email"]
    filter_horizontal: list[str] = []
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["name", "role", "client", "is_active"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "name", "role", "client", "password"]})]
    readonly_fields = ["last_login", "date_joined"]

    def get_fieldsets(self, request: Any, obj: Any = None) -> Any:
        return self.add_fieldsets if obj is None else self.fieldsets


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "client", "created_at"]
    list_filter = ["client"]
    search_fields = ["email", "name"]

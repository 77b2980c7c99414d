from django.contrib.admin.apps import AdminConfig


class PactdeskAdminConfig(AdminConfig):
    """Django's admin with `PactdeskAdminSite` as `admin.site`."""

    default_site = "pactdesk.config.admin_site.PactdeskAdminSite"

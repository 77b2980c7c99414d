from django.contrib.auth import views as auth_views
from django.urls import path

from pactdesk.web import (
    acknowledgements,
    notifications,
    operations,
    portal,
    public_form,
    report_pages,
    ticket_actions,
    ticket_page,
    views,
    workspace,
)

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("preferences/", views.preferences, name="preferences"),
    # Agent workspace (staff work tickets; client users read their client's).
    path("desk/", workspace.desk_index, name="desk"),
    path("desk/list/<slug:name>/", workspace.work_list, name="work_list"),
    path("desk/clients/", workspace.client_index, name="clients"),
    path("desk/clients/<id:client_id>/", workspace.client_tickets, name="client_tickets"),
    path("desk/search/", workspace.search, name="search"),
    path("desk/tickets/<id:ticket_id>/", ticket_page.ticket_page, name="ticket"),
    path("desk/tickets/<id:ticket_id>/sla/", ticket_page.ticket_sla, name="ticket_sla"),
    path(
        "desk/tickets/<id:ticket_id>/<slug:action>/",
        ticket_actions.ticket_action,
        name="ticket_action",
    ),
    path(
        "desk/attachments/<id:attachment_id>/",
        ticket_page.attachment_download,
        name="attachment",
    ),
    path(
        "desk/messages/<id:message_id>/original.eml",
        ticket_page.raw_mail_download,
        name="raw_mail",
    ),
    # Staff's notification centre (breach warnings and escalations).
    path("desk/notifications/", notifications.notifications, name="notifications"),
    path("desk/notifications/badge/", notifications.notification_badge, name="notification_badge"),
    path("desk/notifications/read/", notifications.notifications_read, name="notifications_read"),
    path(
        "desk/notifications/<id:notification_id>/read/",
        notifications.notifications_read,
        name="notification_read",
    ),
    path("desk/notifications/mail/", notifications.notification_mail, name="notification_mail"),
    # Dashboards and monthly reports (pactdesk.reports).
    path("desk/dashboard/", report_pages.dashboard, name="dashboard"),
    path("desk/dashboard/panel/", report_pages.dashboard_panel, name="dashboard_panel"),
    path("reports/<slug:slug>/", report_pages.client_reports, name="client_reports"),
    path("reports/<slug:slug>/<str:month>/", report_pages.monthly_page, name="monthly_report"),
    path(
        "reports/<slug:slug>/<str:month>/pdf", report_pages.monthly_pdf, name="monthly_report_pdf"
    ),
    # A client admin's wording of the acknowledgement, per language.
    path("desk/acknowledgements/", acknowledgements.acknowledgement_index, name="acknowledgements"),
    path(
        "desk/acknowledgements/new/",
        acknowledgements.acknowledgement_new,
        name="acknowledgement_new",
    ),
    path(
        "desk/acknowledgements/<id:template_id>/",
        acknowledgements.acknowledgement_edit,
        name="acknowledgement_edit",
    ),
    path(
        "desk/acknowledgements/<id:template_id>/delete/",
        acknowledgements.acknowledgement_delete,
        name="acknowledgement_delete",
    ),
    # Operations, for provider admins and managers (the API keys tab is
    # pactdesk.api.page_urls, included by config.urls under ops/api-keys/).
    path("ops/", operations.ops_index, name="ops"),
    path("ops/outbox/", operations.outbox, name="ops_outbox"),
    path("ops/outbox/<id:mail_id>/retry/", operations.mail_retry, name="ops_mail_retry"),
    path("ops/outbox/retry-failed/", operations.outbox_retry_all_failed, name="ops_retry_failed"),
    # The public web form of each client.
    path("c/<slug:slug>/new", public_form.web_form, name="web_form"),
    path("c/<slug:slug>/thanks", public_form.web_form_done, name="web_form_done"),
    # The customer portal (magic-link sessions, no password).
    path("portal/<slug:slug>/", portal.portal_start, name="portal_start"),
    path("portal/<slug:slug>/link/<str:token>/", portal.portal_enter, name="portal_enter"),
    path("portal/<slug:slug>/logout/", portal.portal_logout, name="portal_logout"),
    path("portal/<slug:slug>/tickets/", portal.portal_tickets, name="portal_tickets"),
    path(
        "portal/<slug:slug>/tickets/<id:ticket_id>/",
        portal.portal_ticket,
        name="portal_ticket",
    ),
    path(
        "portal/<slug:slug>/attachments/<id:attachment_id>/",
        portal.portal_attachment,
        name="portal_attachment",
    ),
]

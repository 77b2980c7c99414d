from django.contrib.auth import views as auth_views
from django.urls import include, path

from pactdesk.web import (
    acknowledgements,
    billing,
    billing_admin,
    notifications,
    operations,
    portal,
    presence,
    public_form,
    report_pages,
    staffing,
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
    path("logout/", presence.sign_out, name="logout"),
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
    # Presence, next ticket and the managers' workload (pactdesk.routing).
    path("desk/presence/", presence.presence_switch, name="presence"),
    path("desk/next/", presence.next_ticket, name="next_ticket"),
    path("desk/workload/", presence.workload_page, name="workload"),
    path("desk/pools/<id:pool_id>/strategy/", presence.pool_strategy, name="pool_strategy"),
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
    # Staffing: seat advice (client admins, managers) and the pool's weekly rosters.
    path("desk/staffing/", staffing.staffing_index, name="staffing"),
    path("desk/staffing/roster/<str:week>/", staffing.staffing_roster, name="staffing_roster"),
    path(
        "desk/staffing/roster/<str:week>/roster.csv",
        staffing.staffing_roster_csv,
        name="staffing_roster_csv",
    ),
    path(
        "desk/staffing/roster/<str:week>/<id:agent_id>.ics",
        staffing.staffing_roster_ical,
        name="staffing_roster_ical",
    ),
    # Operations, for provider admins and managers (the API keys tab is
    # pactdesk.api.page_urls, included by config.urls under ops/api-keys/).
    path("ops/", operations.ops_index, name="ops"),
    path("ops/outbox/", operations.outbox, name="ops_outbox"),
    path("ops/outbox/<id:mail_id>/retry/", operations.mail_retry, name="ops_mail_retry"),
    path("ops/outbox/retry-failed/", operations.outbox_retry_all_failed, name="ops_retry_failed"),
    # Client work: tasks, the work order, logged time, a client admin's users.
    path("", include("pactdesk.web.work_urls")),
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
    # Billing: client admins' invoices, hires and refunds; the provider's receivables.
    path("billing/", billing.billing_home, name="billing"),
    path("billing/invoices/<id:invoice_id>/", billing.invoice_page, name="billing_invoice"),
    path(
        "billing/invoices/<id:invoice_id>/pdf/",
        billing.invoice_pdf_download,
        name="billing_invoice_pdf",
    ),
    path("billing/invoices/<id:invoice_id>/pay/", billing.invoice_pay, name="billing_pay"),
    path(
        "billing/invoices/<id:invoice_id>/paid/",
        billing.invoice_pay_back,
        name="billing_pay_return",
    ),
    path(
        "billing/hires/<id:hire_id>/cancel/", billing.hire_cancel_page, name="billing_hire_cancel"
    ),
    # Billing administration (provider admins and managers) and credit notes.
    path("billing/clients/", billing_admin.clients_page, name="billing_admin_clients"),
    path("billing/clients/<slug:slug>/", billing_admin.client_page, name="billing_admin_client"),
    path(
        "billing/clients/<slug:slug>/terms/",
        billing_admin.terms_save,
        name="billing_admin_terms",
    ),
    path(
        "billing/clients/<slug:slug>/hires/",
        billing_admin.hire_start_page,
        name="billing_admin_hire_start",
    ),
    path(
        "billing/invoices/<id:invoice_id>/void/",
        billing_admin.invoice_void_page,
        name="billing_invoice_void",
    ),
    path("billing/refunds/", billing_admin.refunds_page, name="billing_refunds_by_hand"),
    path(
        "billing/refunds/<id:refund_id>/paid/",
        billing_admin.refund_paid,
        name="billing_refund_paid",
    ),
    path(
        "billing/credit-notes/<id:credit_note_id>/",
        billing_admin.credit_note_page,
        name="billing_credit_note",
    ),
    path(
        "billing/credit-notes/<id:credit_note_id>/pdf/",
        billing_admin.credit_note_pdf_download,
        name="billing_credit_note_pdf",
    ),
]

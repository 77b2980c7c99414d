"""Routes of client work (tasks, the work order, logged time, a client admin's users),
included by `web.urls` into the `web` namespace."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from pactdesk.web import my_work, task_pages, team_page, work_order_page

urlpatterns = [
    path("desk/work/", work_order_page.work_home, name="work"),
    path(
        "desk/clients/<id:client_id>/work/",
        work_order_page.work_order_page,
        name="work_order",
    ),
    path(
        "desk/clients/<id:client_id>/work/move/",
        work_order_page.work_order_move_view,
        name="work_order_move",
    ),
    path(
        "desk/clients/<id:client_id>/work/order/",
        work_order_page.work_order_save,
        name="work_order_save",
    ),
    path(
        "desk/clients/<id:client_id>/work/settings/",
        work_order_page.work_order_settings_view,
        name="work_order_settings",
    ),
    path("desk/clients/<id:client_id>/time/", my_work.time_split_page, name="time_split"),
    path("desk/clients/<id:client_id>/tasks/new/", task_pages.task_new, name="task_new"),
    path("desk/tasks/<id:task_id>/", task_pages.task_page, name="task"),
    path("desk/tasks/<id:task_id>/status/", task_pages.task_status, name="task_status"),
    path("desk/my-work/", my_work.my_work, name="my_work"),
    path("desk/time/start/", my_work.time_start, name="time_start"),
    path("desk/time/stop/", my_work.time_stop, name="time_stop"),
    path("desk/time/log/", my_work.time_log_view, name="time_log"),
    path("desk/team/", team_page.team, name="team"),
    path("desk/team/invite/", team_page.team_invite_view, name="team_invite"),
    path("desk/team/<id:user_id>/role/", team_page.team_member_role, name="team_role"),
    path("desk/team/<id:user_id>/active/", team_page.team_member_active, name="team_active"),
    # The link of an invitation (pactdesk.work.team): Django's password-reset pages.
    path(
        "account/set-password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="web/work/set_password.html",
            success_url=reverse_lazy("web:set_password_done"),
        ),
        name="set_password",
    ),
    path(
        "account/set-password/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="web/work/set_password_done.html"
        ),
        name="set_password_done",
    ),
]

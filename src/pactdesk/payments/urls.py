from django.urls import path

from pactdesk.payments.webhook import paypal_webhook

app_name = "payments"
urlpatterns = [path("paypal/webhook/", paypal_webhook, name="paypal-webhook")]

"""`POST /payments/paypal/webhook/`: PayPal's notifications, verified and applied once.

Answers (JSON): 200 `{"outcome": "applied" | "replayed" | "ignored"}`; 400 with a
stable code for a notification that is not PayPal's (`webhook_signature_invalid`,
`webhook_cert_refused`, `webhook_malformed`); 503 when PayPal's certificate cannot be
fetched or webhooks are not configured (PayPal delivers again later); a handler's
refusal with its own status and code, nothing written. CSRF-exempt: the signature is
the proof of origin.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from pactdesk.payments.errors import PaymentError, PaymentUnavailable
from pactdesk.payments.services import webhook_apply
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import ApplicationError


@csrf_exempt
@require_POST
def paypal_webhook(request: HttpRequest) -> JsonResponse:
    # Imported here: verification pulls cryptography and requests, which the other
    # pages of a web process never need (tests/config/test_lean_imports.py).
    from pactdesk.payments.notifications import webhook_verify

    now = clock_now()
    try:
        event = webhook_verify(headers=request.headers, body=request.body, now=now)
    except PaymentUnavailable as error:
        return JsonResponse(error.as_dict(), status=error.http_status)
    except PaymentError as error:
        return JsonResponse(error.as_dict(), status=400)
    try:
        outcome = webhook_apply(event=event, now=now)
    except ApplicationError as error:
        return JsonResponse(error.as_dict(), status=error.http_status)
    return JsonResponse({"outcome": outcome})

"""WSGI entry point used by `pactdesk serve` (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pactdesk.config.settings")
application = get_wsgi_application()

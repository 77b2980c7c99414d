"""The REST API (Django Ninja) at /api/: one router per context, one error map."""

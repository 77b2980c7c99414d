"""The `pactdesk` command: Django's management commands plus our own."""

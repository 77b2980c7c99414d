"""Outbound mail: an outbox table delivered by background tasks with retries."""

"""Outbound mail: an outbox table delivered by background jobs with retries."""

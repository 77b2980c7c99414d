"""Tickets, messages, validity, merge, assignment and the stored SLA state."""

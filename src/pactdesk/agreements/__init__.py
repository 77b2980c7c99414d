"""Plans, options, calendars, SLA policies and seats."""

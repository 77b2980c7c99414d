"""Inbound mail: the SMTP receiver and the IMAP poller turn mail into tickets and replies."""

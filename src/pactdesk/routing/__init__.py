"""Routing and presence: who is there, who takes which ticket (issue 13 §1-3, §6)."""

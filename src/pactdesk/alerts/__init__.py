"""Staff alerts: SLA breach warnings and escalations, the in-app notification centre and
each person's choice of which alerts also come by e-mail."""

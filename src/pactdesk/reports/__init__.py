"""Attainment reports: SLA figures per client, period, target, agent and provider."""

"""Django plumbing shared by every context: errors, clock, tenant-owned models, health."""

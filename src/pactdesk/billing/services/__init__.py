"""Billing's writes, one module per concept; import from the module itself."""

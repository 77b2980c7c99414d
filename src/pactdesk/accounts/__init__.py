"""Provider staff, clients, client users and customers."""

"""Server-rendered pages for staff, clients and customers."""

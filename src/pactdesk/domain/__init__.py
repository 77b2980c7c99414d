"""Pure business core of Pactdesk: values in, values out.

Modules here import only the standard library and NumPy. They never read a clock,
the database, settings or files of their own: time, holidays and policies are
arguments. Errors are raised as :class:`pactdesk.domain.errors.DomainError`.
"""

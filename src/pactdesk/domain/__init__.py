"""Pure business core of Pactdesk: values in, values out.

Modules here import only the standard library, NumPy, SciPy (special functions for
:mod:`~pactdesk.domain.queueing`) and Babel (CLDR currency data for
:mod:`~pactdesk.domain.billing`). They never read a clock, the database, settings or
files of their own: time, holidays and policies are arguments. Errors are raised as
:class:`pactdesk.domain.errors.DomainError`.
"""

"""Who someone is: the one rule for comparing identities.

An e-mail address names a person (a user logging in, a customer writing to a client).
Every place that counts, compares or looks one up — log-in, the log-in lockout, rate
limits, portal sign-in, lodging through the web form or the API, mail intake, creating
users and customers — goes through :func:`email_identity`, and addresses are stored in
that form, so the database compares them exactly. Two code paths that normalised
differently (one ignoring case, one not) would let a case variant of an address dodge a
lockout while still logging in as its owner.
"""

from __future__ import annotations


def email_identity(address: str) -> str:
    """The form of an e-mail address we store and compare: surrounding whitespace
    (any Unicode space) trimmed, letters lower-cased, and an internationalised domain
    in its ASCII (IDNA) form.

    ``" Member@THAMES.test "`` → ``"member@thames.test"``; ``"jo@BÜCHER.test"`` →
    ``"jo@xn--bcher-kva.test"``; a fullwidth letter in the domain becomes its ASCII
    letter. Idempotent. Nothing is validated here: an empty or malformed address comes
    back normalised, and the caller decides whether it is an address.

    The domain is encoded with the same IDNA codec Django's mailer uses to address the
    mail (`django.core.mail.message.sanitize_address`), so two addresses we would
    deliver to the same mailbox are one identity: otherwise fullwidth letters, a soft
    hyphen or the long s (U+017F) in the domain would each make a new customer (and a
    fresh count of the per-recipient acknowledgement limit) for one and the same
    recipient.

    Lower-casing, not ``str.casefold``: the stored form is also the address we mail,
    and case folding rewrites letters into others (``ß`` → ``ss``), which can be
    another person's mailbox. ``lower`` only removes case, and it folds the letters
    that are case variants of ASCII ones (the Kelvin sign ``K`` → ``k``).
    """
    address = address.strip().lower()
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return address  # not a domain name: left for the caller's validation to refuse
    return f"{local}@{ascii_domain.lower()}"

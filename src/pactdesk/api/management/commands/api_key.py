"""`pactdesk api-key create --client <slug> | --staff <email> [--name ...]`, `list`,
`revoke <prefix>`. The secret is printed once, at creation; only its hash is kept."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pactdesk.api.selectors import api_key_list
from pactdesk.api.services import api_key_create, api_key_revoke
from pactdesk.platform.clock import clock_now


class Command(BaseCommand):
    help = "Mint, list and revoke REST API keys (client integrations and staff tokens)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="mint a key and print its secret once")
        owner = create.add_mutually_exclusive_group(required=True)
        owner.add_argument("--client", metavar="SLUG", help="a client integration's key")
        owner.add_argument("--staff", metavar="EMAIL", help="a staff token acting as this user")
        create.add_argument("--name", default="", help="what the key is for")
        actions.add_parser("list", help="list keys (prefixes only)")
        revoke = actions.add_parser("revoke", help="revoke a key by its prefix")
        revoke.add_argument("prefix", help="e.g. pd_1a2b3c4d")

    def handle(self, *args: Any, action: str, **opts: Any) -> None:
        if action == "create":
            minted = api_key_create(
                now=clock_now(),
                name=opts["name"],
                client_slug=opts["client"] or "",
                staff_email=opts["staff"] or "",
            )
            key = minted.key
            owner = f"client {key.client.slug}" if key.client else f"staff {key.user.email}"  # type: ignore[union-attr]
            self.stderr.write(
                f"Created {key.prefix} ({key.name}) for {owner}. "
                "The secret is shown once; store it now:"
            )
            self.stdout.write(minted.secret)
        elif action == "list":
            for key in api_key_list():
                owner = key.client.slug if key.client else key.user.email  # type: ignore[union-attr]
                state = "active" if key.is_active else "revoked"
                used = key.last_used_at.isoformat() if key.last_used_at else "never"
                self.stdout.write(f"{key.prefix}\t{state}\t{owner}\t{key.name}\tlast used {used}")
        else:
            key = api_key_revoke(prefix=opts["prefix"], now=clock_now())
            self.stdout.write(f"Revoked {key.prefix} ({key.name}).")

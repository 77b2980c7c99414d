"""Console entry point: `pactdesk <command>` runs a Django management command with the
Pactdesk settings, so `pactdesk migrate`, `pactdesk setup`, `pactdesk demo` all work.

`pactdesk serve` is the exception: it only starts and watches child processes, so it
runs `pactdesk.cli.serve` without loading Django (the children load it)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "serve":
        from pactdesk.cli.serve import serve_main

        serve_main(args[1:])
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pactdesk.config.settings")
    from django.core.management import execute_from_command_line

    from pactdesk.platform.errors import ApplicationError

    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")  # `pactdesk mail-receiver` runs mail_receiver
    try:
        execute_from_command_line(["pactdesk", *(args or ["help"])])
    except ApplicationError as error:
        field = f" [{error.field}]" if error.field else ""
        sys.stderr.write(f"pactdesk: {error.code}{field}: {error.message}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()

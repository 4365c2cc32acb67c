"""The `frontline` executable. `frontline mail-gate` (an MTA runs it once per message) goes straight to
channels/email/gate.py, before Typer or anything else is imported; every other command to the Typer app
(frontline/cli/main.py)."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:2] == ["mail-gate"]:
        from frontline.channels.email.gate import main as gate

        sys.exit(gate(sys.argv[2:]))
    from frontline.cli.main import app

    app()


if __name__ == "__main__":
    main()

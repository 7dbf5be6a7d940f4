"""`portal kiosk [--code CODE]` parses without importing Textual's app."""
from __future__ import annotations

from tui.cli import build_parser


def test_kiosk_command_takes_an_optional_code():
    from tui.commands import kiosk

    args = build_parser("kiosk").parse_args(["kiosk", "--code", "ABCD-EFGH-JKMN-PQRS"])
    assert args.code == "ABCD-EFGH-JKMN-PQRS" and args.run is kiosk.run
    assert build_parser("kiosk").parse_args(["kiosk"]).code is None

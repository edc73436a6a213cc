"""The ``renkou`` command line: a thin shell over the parts.

Each part contributes its commands through ``renkou.<part>.cli.register(app)``; this module only assembles them
and turns :class:`renkou.errors.UserError` into a one-line message with exit code 1.
"""

from __future__ import annotations

import importlib
import sys

import typer

from renkou.errors import UserError

HELP = (
    "人口：城市人口登记、统计、预测与公共服务平台。\n\n"
    "renkou: population register, statistics, projections and public services for a city."
)

app = typer.Typer(
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# Parts that contribute commands. Each module exposes ``register(app: typer.Typer) -> None``.
PART_CLIS: list[str] = [
    "renkou.register.cli",
    "renkou.disclosure.cli",
    "renkou.ids.cli",
    "renkou.stats.cli",
    "renkou.projection.cli",
    "renkou.points.cli",
    "renkou.permits.cli",
    "renkou.notify.cli",
    "renkou.api.cli",
    "renkou.demo",
    "renkou.synth.cli",
    "renkou.report.cli",
    "renkou.linkage.cli",
    "renkou.quality.cli",
    "renkou.plan.cli",
]


@app.callback()
def _root() -> None:
    """Group the part commands (keeps ``renkou`` a command group even with one command)."""


@app.command("version", help="显示版本号。\n\nShow the version.")
def version() -> None:
    """Print the installed renkou version."""
    from renkou import __version__

    print(__version__)


def _assemble() -> None:
    for module_name in PART_CLIS:
        importlib.import_module(module_name).register(app)


_assemble()


def main() -> None:
    """Entry point: run the CLI, turning user errors into a one-line message and exit code 1."""
    try:
        result = app(standalone_mode=False)
    except UserError as error:
        print(f"错误 / error: {error}", file=sys.stderr)
        sys.exit(1)
    except (typer.Abort, KeyboardInterrupt):
        print("已中止 / aborted", file=sys.stderr)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as error:
        # Usage errors (unknown command, bad option) come from the click layer typer bundles.
        format_message = getattr(error, "format_message", None)
        if callable(format_message):
            print(f"错误 / error: {format_message()}", file=sys.stderr)
            sys.exit(1)
        raise
    if isinstance(result, int) and result != 0:
        sys.exit(result)


if __name__ == "__main__":
    main()

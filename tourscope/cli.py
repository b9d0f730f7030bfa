"""The `tourscope` command line: database, sandbox, crawls, web site and the one-command demo."""

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from tourscope.settings import get_settings

app = typer.Typer(
    help="Tourscope: collect tour operators' offers and publish the best deals.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
console = Console()
errors = Console(stderr=True)


class CommandError(Exception):
    """A problem the user can fix: printed as one line, exit status 1 (or `code`)."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def _database_label() -> str:
    return make_url(get_settings().effective_database_url).render_as_string(hide_password=True)


def require_database() -> None:
    """Fail with one readable line when the configured database cannot be reached."""
    from models.db import get_engine

    try:
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise CommandError(f"cannot reach the database at {_database_label()}: {reason}") from None


def require_current_schema() -> None:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from models.db import get_engine
    from models.migrate import alembic_config

    require_database()
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with get_engine().connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current != head:
        raise CommandError(
            f"the database at {_database_label()} is not up to date "
            f"(at {current or 'no schema'}, needs {head}): run `tourscope db upgrade`"
        )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the latest version."""
    from models.migrate import upgrade_database

    require_database()
    upgrade_database()
    console.print(f"Database at {_database_label()} is up to date.")


@app.command()
def sandbox(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Serve the demo tour operators (the local sandbox) until interrupted."""
    import uvicorn

    from sandbox.app import create_app

    settings = get_settings()
    host, port = host or settings.sandbox_host, port or settings.sandbox_port
    console.print(f"Demo operators at http://{host}:{port}/ (Ctrl+C to stop)")
    uvicorn.run(create_app(seed=settings.sandbox_seed), host=host, port=port, log_level="warning")


@app.command()
def crawl(
    operators: Annotated[list[str] | None, typer.Argument(help="Operator codes.")] = None,
    all_operators: Annotated[bool, typer.Option("--all", help="Crawl every operator.")] = False,
) -> None:
    """Crawl operators into the catalogue, with live progress and a summary."""
    from crawler.runner import UnknownOperatorError, available_operators, run_crawls

    known = available_operators()
    if all_operators or not operators:
        if operators:
            raise CommandError("give operator names or --all, not both", code=2)
        if not all_operators:
            raise CommandError(
                f"name operators to crawl or use --all; known: {', '.join(known)}", 2
            )
        operators = known
    unknown = [name for name in operators if name not in known]
    if unknown:
        raise CommandError(
            f"unknown operator {', '.join(map(repr, unknown))}; known: {', '.join(known)}", code=2
        )
    require_current_schema()
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    log_file = get_settings().var_dir / "log" / f"crawl-{stamp}.log"
    console.print(f"Crawling {', '.join(operators)} (log: {log_file})")
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<12}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("dropped {task.fields[dropped]}"),
        console=console,
        transient=False,
    ) as progress:
        tasks = {name: progress.add_task(name, total=None, dropped=0) for name in operators}

        def on_progress(name: str, scraped: int, dropped: int, expected: int | None) -> None:
            progress.update(
                tasks[name], completed=scraped + dropped, total=expected, dropped=dropped
            )

        try:
            summaries = run_crawls(operators, log_file=log_file, on_progress=on_progress)
        except UnknownOperatorError as error:
            raise CommandError(str(error), code=2) from None
    _print_summaries(summaries)
    failed = [s.operator for s in summaries if s.status != "succeeded"]
    if failed:
        raise CommandError(f"crawl failed for {', '.join(failed)}; details in {log_file}")


def _print_summaries(summaries) -> None:
    table = Table(title="Crawl summary")
    for column in ("operator", "status", "read", "stored", "dropped", "deactivated", "note"):
        table.add_column(column, justify="right" if column in "read stored dropped" else "left")
    for s in summaries:
        reasons = ", ".join(
            f"{reason}: {count}" for reason, count in sorted(s.drop_reasons.items())
        )
        note = s.failure or (f"dropped: {reasons}" if reasons else "")
        table.add_row(
            s.operator,
            s.status,
            str(s.scraped),
            str(s.stored),
            str(s.dropped),
            str(s.deactivated),
            note,
        )
    console.print(table)


@app.command()
def schedule(
    interval: Annotated[
        int | None, typer.Option(help="Minutes between crawls of every operator.", min=1)
    ] = None,
) -> None:
    """Crawl every operator again and again, on an interval, until interrupted."""
    minutes = interval or get_settings().crawl_interval_minutes
    require_current_schema()
    console.print(f"Crawling every operator every {minutes} min (Ctrl+C to stop)")
    while True:
        started = time.monotonic()
        # Each round in a fresh process: Scrapy's reactor runs once per process, and a
        # crash in one round must not stop the schedule.
        result = subprocess.run([sys.executable, "-m", "tourscope.cli", "crawl", "--all"])
        if result.returncode != 0:
            errors.print(f"A crawl round failed (exit {result.returncode}); next round as planned.")
        time.sleep(max(0.0, minutes * 60 - (time.monotonic() - started)))


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Serve the public web site."""
    import uvicorn

    settings = get_settings()
    host, port = host or settings.web_host, port or settings.web_port
    require_current_schema()
    console.print(f"Tourscope is at http://{host}:{port}/ (Ctrl+C to stop)")
    uvicorn.run("webapp.main:create_app", factory=True, host=host, port=port, log_level="info")


@app.command()
def demo() -> None:
    """Migrate the embedded database, start the demo operators, crawl them, serve the site."""
    from models.migrate import upgrade_database
    from sandbox.app import create_app as create_sandbox
    from sandbox.server import BackgroundServer

    settings = get_settings()
    require_database()
    upgrade_database()
    console.print(f"Database ready at {_database_label()}")
    try:
        operators = BackgroundServer(
            create_sandbox(seed=settings.sandbox_seed), settings.sandbox_host, settings.sandbox_port
        ).start()
    except RuntimeError as error:
        raise CommandError(f"cannot start the demo operators: {error} (port in use?)") from None
    console.print(f"Demo operators running at {operators.url}/")
    # The crawl runs in its own process: Scrapy's reactor cannot share one with the web server.
    environment = {**os.environ, "TOURSCOPE_SANDBOX_URL": operators.url}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "tourscope.cli", "crawl", "--all"], env=environment
    )
    if result.returncode != 0:
        errors.print("[yellow]Some crawls failed; serving what was collected.[/yellow]")
    console.print(f"Crawled in {time.monotonic() - started:.1f} s.")
    serve(host=None, port=None)


def main() -> None:
    try:
        app()
    except CommandError as error:
        errors.print(f"[red]Error:[/red] {error}", highlight=False, soft_wrap=True)
        sys.exit(error.code)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        errors.print(f"[red]Database error:[/red] {reason}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()

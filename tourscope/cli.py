"""The `tourscope` command line: database, sandbox, crawls, web site and the one-command demo."""

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import httpx
import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from tourscope.foundation.settings import get_settings
from tourscope.foundation.stopping import stop_on_signals

app = typer.Typer(
    help="Tourscope: collect tour operators' offers and publish the best deals.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
eval_app = typer.Typer(help="Measure the catalogue against the sandbox's ground truth.")
app.add_typer(eval_app, name="eval")
user_app = typer.Typer(help="Back-office accounts (managers and admins).", no_args_is_help=True)
app.add_typer(user_app, name="user")
operators_app = typer.Typer(
    help="Configured operators: list them (the default), check a protocol endpoint.",
    invoke_without_command=True,
)
app.add_typer(operators_app, name="operators")
rates_app = typer.Typer(
    help="Exchange rates (the Bank of Russia's daily rates).", no_args_is_help=True
)
app.add_typer(rates_app, name="rates")
# Wide enough for the crawl summary when the output goes to a log or a pipe.
console = Console(width=None if sys.stdout.isatty() else 160)
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
    except ValidationError as error:
        if error.title != "Settings":
            raise
        _print_settings_errors(error)
        sys.exit(1)
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
    plan: Annotated[
        bool, typer.Option("--plan", help="Print a protocol operator's queries; send nothing.")
    ] = False,
) -> None:
    """Crawl operators into the catalogue, with live progress and a summary."""
    from crawler.runner import UnknownOperatorError, available_operators, run_crawls
    from crawler.spiders.base.declarative import OperatorConfigError, operator_file_problems

    try:
        known = available_operators()
    except OperatorConfigError as error:  # a broken operator YAML: say which file and field
        raise CommandError(str(error)) from None
    if all_operators or not operators:
        if operators:
            raise CommandError("give operator names or --all, not both", code=2)
        if not all_operators:
            raise CommandError(
                f"name operators to crawl or use --all; known: {', '.join(known)}", 2
            )
        operators = known
    unknown = [name for name in operators if name not in known]
    broken = operator_file_problems()
    for name in unknown:
        if name in broken:  # its YAML file could not be loaded: say which file and field
            raise CommandError(broken[name])
    if unknown:
        raise CommandError(
            f"unknown operator {', '.join(map(repr, unknown))}; known: {', '.join(known)}", code=2
        )
    if plan:
        _print_plans(operators)
        return
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
    failed = [s.operator for s in summaries if s.status == "failed"]
    if failed:
        raise CommandError(f"crawl failed for {', '.join(failed)}; details in {log_file}")


def _print_plans(operators: list[str]) -> None:
    from crawler.runner import load_spider_class
    from crawler.spiders.base.search_api import SearchApiSpider

    for code in operators:
        spider = load_spider_class(code)
        if not issubclass(spider, SearchApiSpider):
            console.print(f"{code}: reads the operator's whole catalogue; there is no query plan")
            continue
        sweep_plan = spider.plan()
        limits = spider.limits
        table = Table(title=f"{code} ({spider.protocol}): planned queries")
        for column in ("#", "from", "to", "departing", "nights", "party"):
            table.add_column(column)
        for number, query in enumerate(sweep_plan.queries, 1):
            party = f"{query.adults} adults" + (
                f" + children aged {', '.join(map(str, query.children_ages))}"
                if query.children_ages
                else ""
            )
            table.add_row(
                str(number),
                query.departure,
                query.country,
                f"{query.date_from:%d.%m.%Y} – {query.date_to:%d.%m.%Y}",
                f"{query.nights_min}–{query.nights_max}",
                party,
            )
        console.print(table)
        per_minute = limits.requests_per_minute
        cap = f", at most {per_minute} a minute" if per_minute else ""
        minutes = sweep_plan.minutes_at_least(limits)
        console.print(
            f"{code}: {len(sweep_plan.queries)} queries, about {sweep_plan.request_count} "
            f"requests ({sweep_plan.reference_requests} for reference lists, "
            f"~{sweep_plan.requests_per_query} a query) against a budget of "
            f"{sweep_plan.budget}{cap}" + (f"; at least {minutes:.1f} min" if minutes else "")
        )
        if spider.asks_hotel_information:
            console.print(
                f"{code}: and up to {spider.hotel_content_budget()} hotel-information "
                "requests, for hotels whose content is new or stale"
            )
        if sweep_plan.over_budget:
            raise CommandError(
                f"{code}: the plan is over its budget; narrow the sweep or raise sweep.max_requests"
            )


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


@operators_app.callback()
def operators_list(context: typer.Context) -> None:
    """Every configured operator: its protocol or format, endpoint and state."""
    if context.invoked_subcommand is not None:
        return
    from rich.markup import escape

    from crawler.accounts import load_accounts
    from crawler.runner import available_operators, load_spider_class
    from crawler.spiders.base.declarative import operator_file_problems
    from crawler.spiders.base.search_api import SearchApiSpider

    states = _operator_states()
    table = Table(title="Operators")
    for column in ("operator", "name", "protocol / format", "endpoint", "state"):
        table.add_column(column)
    for code in available_operators():
        spider = load_spider_class(code)
        if issubclass(spider, SearchApiSpider):
            kind, endpoint = spider.protocol, spider.account.endpoint
        else:
            kind = _FORMATS.get(spider.__mro__[1].__name__, spider.__mro__[1].__name__)
            endpoint = f"sandbox:{spider.sandbox_path}" if not spider.base_url else spider.base_url
        table.add_row(code, spider.operator_name, kind, endpoint, states.get(code, "never crawled"))
    for code, problem in load_accounts().problems.items():
        table.add_row(code, "", "", "", f"[red]not loaded: {problem}[/red]")
    for code, problem in operator_file_problems().items():
        table.add_row(code, "", "", "", f"[red]not loaded: {escape(problem)}[/red]")
    console.print(table)


_FORMATS = {
    "PagedHtmlSpider": "paged HTML",
    "AsyncJsonGateSpider": "JSON search gate",
    "PriceRowsApiSpider": "price-rows API",
    "BulkXmlFeedSpider": "bulk XML feed",
    "CsvPriceListSpider": "CSV price list",
    "DeclarativeSpider": "declarative HTML (YAML)",
}


def _operator_states() -> dict[str, str]:
    """Operator code -> its last crawl and active offers; empty when there is no database."""
    from models.crawls.health import operator_health
    from models.db import session_scope

    try:
        with session_scope() as session:
            health = operator_health(session, runs_per_operator=1)
    except SQLAlchemyError:
        return {}
    states = {}
    for operator in health:
        run = operator.last_run
        if run is None:
            continue
        when = f" {run.finished_at:%Y-%m-%d %H:%M} UTC" if run.finished_at else ""
        offers = operator.freshness.active_offers
        states[operator.code] = f"last crawl {run.status}{when}; {offers} active offers"
    return states


@operators_app.command("check")
def operators_check(
    code: Annotated[str, typer.Argument(help="The operator to call once.")],
    timeout: Annotated[float, typer.Option(help="Seconds to wait.", min=1)] = 10,
) -> None:
    """Call the operator's configured endpoint once and say in one line whether it answers."""
    from crawler.accounts import AccountConfigError
    from crawler.runner import UnknownOperatorError, load_spider_class
    from crawler.spiders.base.search_api import SearchApiSpider

    try:
        spider = load_spider_class(code)
    except UnknownOperatorError as error:
        raise CommandError(str(error), code=2) from None
    sandbox_url = get_settings().effective_sandbox_url
    if issubclass(spider, SearchApiSpider):
        try:
            url, params = spider.check_target(sandbox_url)
        except AccountConfigError as error:  # a credential missing from the environment
            raise CommandError(str(error)) from None
    else:
        url, params = spider.base_url or sandbox_url + spider.sandbox_path + "/", {}
    started = time.monotonic()
    try:
        response = httpx.get(url, params=params, timeout=timeout, follow_redirects=True)
    except httpx.HTTPError as error:
        reason = str(error) or type(error).__name__
        raise CommandError(f"{code}: cannot connect to {url}: {reason}") from None
    elapsed = (time.monotonic() - started) * 1000
    problem = (
        spider.check_problem(response.status_code, response.text)
        if issubclass(spider, SearchApiSpider)
        else (None if response.status_code < 400 else f"HTTP {response.status_code}")
    )
    if problem:
        raise CommandError(f"{code}: {url} answered, but {problem}")
    console.print(f"{code}: {url} answered in {elapsed:.0f} ms")


@rates_app.command("refresh")
def rates_refresh(
    day: Annotated[
        datetime | None,
        typer.Option("--date", formats=["%Y-%m-%d"], help="The rates in force on this day."),
    ] = None,
) -> None:
    """Fetch the Bank of Russia's rates (TOURSCOPE_RATES_URL) and store them with their date;
    on failure the stored rates are kept."""
    from crawler.exchange_rates import RatesError, refresh_rates
    from models.db import session_scope

    require_current_schema()
    url = get_settings().rates_url
    console.print(f"rates: asking {url}")
    try:
        with session_scope() as session:
            daily = refresh_rates(session, url, day.date() if day else None)
    except RatesError as error:
        raise CommandError(f"rates: {error}; the stored rates are kept") from None
    shown = ", ".join(
        f"{code} {value / nominal:.4f}"
        for code, (nominal, value) in sorted(daily.rates.items())
        if code in {"EUR", "USD"}
    )
    console.print(
        f"rates: {len(daily.rates)} rates for {daily.rate_date:%Y-%m-%d} stored "
        f"(roubles per unit: {shown})"
    )


@app.command()
def schedule(
    operators: Annotated[
        list[str] | None, typer.Argument(help="Operator codes (default: every operator).")
    ] = None,
    tick: Annotated[float, typer.Option(help="Seconds between checks.", min=0.1)] = 10.0,
) -> None:
    """Crawl each enabled operator on its own interval until interrupted."""
    from datetime import timedelta

    from crawler.runner import crawl_intervals
    from crawler.scheduler import CrawlScheduler, LocalLauncher
    from crawler.scrapyd import ScrapydLauncher

    intervals = crawl_intervals()
    unknown = [code for code in operators or [] if code not in intervals]
    if unknown:
        raise CommandError(
            f"unknown operator {', '.join(map(repr, unknown))}; known: {', '.join(intervals)}", 2
        )
    chosen = {code: intervals[code] for code in operators or intervals}
    require_current_schema()
    stop = stop_on_signals()
    settings = get_settings()
    for code, minutes in chosen.items():
        console.print(f"{code}: every {minutes:g} min")
    if settings.scrapyd_nodes:
        launcher = ScrapydLauncher(settings.scrapyd_nodes, settings.scrapyd_project)
        console.print(f"crawls start on Scrapyd: {', '.join(settings.scrapyd_nodes)}")
    else:
        launcher = LocalLauncher()
    scheduler = CrawlScheduler(
        {code: timedelta(minutes=minutes) for code, minutes in chosen.items()},
        max_parallel=settings.crawl_max_parallel,
        launcher=launcher,
        rates_interval=timedelta(days=1),
    )
    console.print("exchange rates: every day")
    scheduler.run(tick, on_start=lambda code: console.print(f"{_now()} crawling {code}"), stop=stop)
    console.print(f"{_now()} stopped; the crawls under way have finished")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


MAX_WEB_WORKERS = 64


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help=f"Worker processes, 1-{MAX_WEB_WORKERS} (default TOURSCOPE_WEB_WORKERS, 1); "
            "each has its own connection pool.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve the public web site."""
    import uvicorn

    settings = get_settings()
    host, port = host or settings.web_host, port or settings.web_port
    workers = settings.web_workers if workers is None else workers
    if not 1 <= workers <= MAX_WEB_WORKERS:
        raise CommandError(f"--workers must be 1 to {MAX_WEB_WORKERS}, not {workers}", 2)
    require_current_schema()
    plural = "s" if workers > 1 else ""
    console.print(
        f"Tourscope is at http://{host}:{port}/ with {workers} worker{plural} (Ctrl+C to stop)"
    )
    # The app as an import string and factory: each worker process builds its own.
    uvicorn.run(
        "webapp.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        # uvicorn believes X-Forwarded-For from 127.0.0.1 by default; the app does it
        # itself, from TOURSCOPE_TRUSTED_PROXIES only (webapp/client_address.py).
        proxy_headers=False,
        forwarded_allow_ips="",
    )


@app.command()
def demo() -> None:
    """Migrate the embedded database, start the demo operators, crawl them, serve the site."""
    from models.db import session_scope
    from models.migrate import upgrade_database
    from sandbox.app import create_app as create_sandbox
    from sandbox.server import BackgroundServer
    from tourscope.demo.agency import create_demo_account, demo_logins, seed_demo_care
    from tourscope.demo.people_file import DEMO_ADMIN_EMAIL

    settings = get_settings()
    require_database()
    upgrade_database()
    console.print(f"Database ready at {_database_label()}")
    with session_scope() as session:
        password = create_demo_account(session)
    if password:
        logins = ", ".join(f"{email} ({role})" for email, role in demo_logins())
        console.print(
            f"Back office: http://{settings.web_host}:{settings.web_port}/manager, "
            f"log in as {DEMO_ADMIN_EMAIL} with password {password} (shown once); "
            f"the same password opens one account of each role: {logins}"
        )
    try:
        operators = BackgroundServer(
            create_sandbox(seed=settings.sandbox_seed), settings.sandbox_host, settings.sandbox_port
        ).start()
    except RuntimeError as error:
        raise CommandError(f"cannot start the demo operators: {error} (port in use?)") from None
    console.print(f"Demo operators running at {operators.url}/")
    # The crawl runs in its own process: Scrapy's reactor cannot share one with the web server.
    environment = {**os.environ, "TOURSCOPE_SANDBOX_URL": operators.url}
    # The demo's exchange rates come from the sandbox's replica of the Bank of Russia,
    # unless the environment names another source; before the crawl, which converts with them.
    environment.setdefault("TOURSCOPE_RATES_URL", f"{operators.url}/cbr/scripts/XML_daily.asp")
    rates = subprocess.run(
        [sys.executable, "-m", "tourscope.cli", "rates", "refresh"], env=environment
    )
    if rates.returncode != 0:
        errors.print(
            "[yellow]Exchange rates not refreshed: converting with the stored ones.[/yellow]"
        )
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "tourscope.cli", "crawl", "--all"], env=environment
    )
    if result.returncode != 0:
        errors.print("[yellow]Some crawls failed; serving what was collected.[/yellow]")
    console.print(f"Crawled in {time.monotonic() - started:.1f} s.")
    # The back office's demo agency, asking about the offers just crawled; only into a
    # database with no client and no lead yet.
    try:
        with session_scope() as session:
            care = seed_demo_care(session, datetime.now(UTC))
    except ValueError as error:  # a domain refusal: the site is still worth serving
        errors.print(f"[yellow]The demo agency was not filled: {error}[/yellow]")
        care = None
    if care:
        console.print(
            f"Demo agency: {care.clients} clients, {care.trips} trips, "
            f"{care.letters_due_today} letters due today — log in at "
            f"http://{settings.web_host}:{settings.web_port}/manager as {DEMO_ADMIN_EMAIL}"
        )
    workers = start_demo_workers(environment)
    try:
        serve(host=None, port=None, workers=None)
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=10)


# The workers `tourscope demo` runs beside the web site, as the compose stack does: the
# lead form's re-checks, and the mail (with no SMTP host configured it lands in var/mail,
# so the demo's lead and client e-mails can be read there).
DEMO_WORKERS = (["rechecks"], ["outbox", "--interval", "2"])


def start_demo_workers(environment: dict[str, str]) -> list[subprocess.Popen]:
    return [
        subprocess.Popen(
            [sys.executable, "-m", "tourscope.cli", *command],
            env=environment,
            stdout=subprocess.DEVNULL,
        )
        for command in DEMO_WORKERS
    ]


@eval_app.command("matching")
def eval_matching(
    current: Annotated[
        bool,
        typer.Option(
            "--current",
            help="Score the configured database against the sandbox at TOURSCOPE_SANDBOX_URL "
            "instead of crawling the default world into a fresh temporary database.",
        ),
    ] = False,
    real: Annotated[
        bool,
        typer.Option(
            "--real",
            help="Score matching on real hotels as real operators spell them "
            "(tourscope/data/real_hotels.yaml; targets 0.99 and 0.95).",
        ),
    ] = False,
    show_misses: Annotated[
        bool, typer.Option("--misses", help="With --real: list the pairs it got wrong.")
    ] = False,
) -> None:
    """Pairwise precision and recall of hotel matching (targets: 0.98 and 0.95)."""
    import tempfile

    if real:
        _eval_real_names(show_misses)
        return

    from crawler.runner import available_operators, sandbox_places
    from models.catalog.matching import alias_assignments
    from models.db import session_scope
    from models.migrate import upgrade_database
    from sandbox.server import start_sandbox
    from tourscope.evaluation import PRECISION_TARGET, RECALL_TARGET, fetch_truth, score_matching

    operators = available_operators()
    if current:
        require_current_schema()
        database_url, sandbox_url, server = None, get_settings().effective_sandbox_url, None
    else:
        workdir = Path(tempfile.mkdtemp(prefix="tourscope-eval-"))
        database_url = f"sqlite:///{workdir / 'eval.db'}"
        upgrade_database(database_url)
        server = start_sandbox(seed=get_settings().sandbox_seed)
        sandbox_url = server.url
        console.print(f"Crawling the default world ({', '.join(operators)}) into {workdir}")
        environment = {
            **os.environ,
            "TOURSCOPE_DATABASE_URL": database_url,
            "TOURSCOPE_SANDBOX_URL": sandbox_url,
            "TOURSCOPE_VAR_DIR": str(workdir),
        }
        command = [sys.executable, "-m", "tourscope.cli", "crawl", "--all"]
        if subprocess.run(command, env=environment).returncode != 0:
            raise CommandError(f"the evaluation crawl failed; see the logs in {workdir}")
    try:
        truth = fetch_truth(sandbox_url, sandbox_places())
    except httpx.HTTPError as error:
        raise CommandError(f"cannot read the ground truth at {sandbox_url}: {error}") from None
    finally:
        if server is not None:
            server.stop()
    with session_scope(database_url) as session:
        score = score_matching(alias_assignments(session), truth)
    console.print(
        f"{score.aliases} operator hotels matched into {score.canonical_hotels} canonical hotels\n"
        f"pairs: {score.true_pairs} true, {score.predicted_pairs} predicted, "
        f"{score.correct_pairs} correct\n"
        f"precision {score.precision:.4f} (target {PRECISION_TARGET})  "
        f"recall {score.recall:.4f} (target {RECALL_TARGET})"
    )
    if not score.meets_target:
        raise CommandError("hotel matching is below its target")
    console.print("Target met.")


def _eval_real_names(show_misses: bool) -> None:
    from tourscope.evaluation import (
        REAL_PRECISION_TARGET,
        REAL_RECALL_TARGET,
        load_real_hotels,
        match_real_hotels,
        settle_real_hotels,
    )

    hotels = load_real_hotels()
    countries = len({hotel.country for hotel in hotels})
    score, missed = settle_real_hotels(hotels)
    console.print(
        f"{len(hotels)} real hotels in {countries} countries, {score.aliases} spellings, "
        f"matched into {score.canonical_hotels} hotels\n"
        f"pairs: {score.true_pairs} true, {score.predicted_pairs} predicted, "
        f"{score.correct_pairs} correct\n"
        f"precision {score.precision:.4f} (target {REAL_PRECISION_TARGET})  "
        f"recall {score.recall:.4f} (target {REAL_RECALL_TARGET})"
    )
    arrival = [match_real_hotels(hotels, reverse=reverse)[0] for reverse in (False, True)]
    console.print(
        "while crawling, before settling: "
        + ", ".join(
            f"{label} P {s.precision:.4f} R {s.recall:.4f}"
            for label, s in zip(("first spellings first", "last first"), arrival, strict=True)
        )
    )
    if show_misses:
        for miss in missed:
            console.print(f"  {miss.kind}: {miss.first!r} / {miss.second!r}")
    if not all(s.meets_real_target for s in (score, *arrival)):
        raise CommandError("hotel matching on real names is below its target")
    console.print("Target met.")


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Argument(help="The account's e-mail (its log-in).")],
    role: Annotated[
        str,
        typer.Option(
            help="cold_caller, sales, account_manager, manager (sales and account care "
            "together) or admin; README's back office says what each may do."
        ),
    ] = "manager",
    name: Annotated[str, typer.Option(help="The name shown to colleagues.")] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create a back-office account; the password is prompted for (hidden, twice)."""
    from models.accounts.auth import AccountError, check_role, create_user, normalize_email
    from models.db import session_scope

    try:
        check_role(role)
        email = normalize_email(email)
    except AccountError as error:
        raise CommandError(str(error), code=2) from None
    require_current_schema()
    password = _new_password(password_stdin)
    try:
        with session_scope() as session:
            user = create_user(session, email, password, role, name=name)
    except AccountError as error:
        raise CommandError(str(error)) from None
    console.print(f"Created {user.role} account {user.email}.")


def _new_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@user_app.command("set-password")
def user_set_password(
    email: Annotated[str, typer.Argument(help="The account's e-mail.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Set a new password (prompted, hidden, twice); the account's sessions end."""
    from models.accounts.auth import AccountError, set_password
    from models.db import session_scope

    require_current_schema()
    password = _new_password(password_stdin)
    try:
        with session_scope() as session:
            user = set_password(session, email, password)
    except AccountError as error:
        raise CommandError(str(error)) from None
    console.print(f"New password set for {user.email}; its sessions are ended.")


@user_app.command("set-role")
def user_set_role(
    email: Annotated[str, typer.Argument(help="The account's e-mail.")],
    role: Annotated[
        str, typer.Argument(help="cold_caller, sales, account_manager, manager or admin.")
    ],
) -> None:
    """Give an account another role (what it may see and do in the back office)."""
    from models.accounts.auth import AccountError, check_role, set_role
    from models.db import session_scope

    try:
        check_role(role)
    except AccountError as error:
        raise CommandError(str(error), code=2) from None
    require_current_schema()
    try:
        with session_scope() as session:
            user = set_role(session, email, role)
    except AccountError as error:
        raise CommandError(str(error)) from None
    console.print(f"{user.email} is now {user.role}.")


@user_app.command("list")
def user_list() -> None:
    """List the back-office accounts."""
    from models.accounts.auth import list_users
    from models.db import session_scope

    require_current_schema()
    table = Table(title="Accounts")
    for column in ("e-mail", "name", "role", "active", "created"):
        table.add_column(column)
    with session_scope() as session:
        for user in list_users(session):
            table.add_row(
                user.email,
                user.name,
                user.role,
                "yes" if user.active else "no",
                user.created_at.strftime("%Y-%m-%d"),
            )
    console.print(table)


@user_app.command("disable")
def user_disable(email: Annotated[str, typer.Argument(help="The account's e-mail.")]) -> None:
    """Disable an account and end its sessions at once."""
    from models.accounts.auth import AccountError, disable_user
    from models.db import session_scope

    require_current_schema()
    try:
        with session_scope() as session:
            user = disable_user(session, email)
    except AccountError as error:
        raise CommandError(str(error)) from None
    console.print(f"Disabled {user.email}; its sessions are ended.")


@app.command()
def recheck(
    offer_id: Annotated[int, typer.Argument(help="The offer's id in the catalogue.")],
    lead: Annotated[
        int | None, typer.Option(help="Store the answer on this lead, with a history entry.")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the operator.", min=1)] = 15,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON line.")] = False,
) -> None:
    """Re-check one offer at its operator (its own page, not a crawl): available, changed, gone?"""
    import json

    from sqlalchemy import select

    from crawler.recheck import read_offer_page
    from crawler.runner import UnknownOperatorError
    from models import Lead, Offer, Operator
    from models.db import session_scope
    from models.leads.intake import RecheckAnswer, judge_recheck, record_recheck

    require_current_schema()
    with session_scope() as session:
        row = session.execute(
            select(Offer.url, Offer.price, Offer.currency, Operator.code, Offer.offer_key)
            .join(Operator, Offer.operator_id == Operator.id)
            .where(Offer.id == offer_id)
        ).one_or_none()
        lead_row = session.get(Lead, lead) if lead is not None else None
        if lead is not None and lead_row is None:
            raise CommandError(f"there is no lead {lead}", code=2)
    if row is None:
        raise CommandError(f"there is no offer {offer_id}", code=2)
    url, price, currency, operator, offer_key = row
    if lead_row is not None and lead_row.snapshot.get("operator_price") is not None:
        # Judge against what the visitor was shown, not the catalogue's latest price.
        price = Decimal(lead_row.snapshot["operator_price"])
        currency = lead_row.snapshot.get("operator_currency")
    try:
        reading = read_offer_page(operator, url, timeout=timeout, offer_key=offer_key)
    except UnknownOperatorError as error:
        raise CommandError(str(error), code=2) from None
    status = judge_recheck(reading.outcome, reading.price, reading.currency, price, currency)
    answer = RecheckAnswer(status, reading.price, reading.currency, reading.detail)
    if lead is not None:
        with session_scope() as session:
            record_recheck(session, session.get(Lead, lead), answer)
    if as_json:
        print(
            json.dumps(
                {
                    "offer_id": offer_id,
                    "status": status.value,
                    "price": str(reading.price) if reading.price is not None else None,
                    "currency": reading.currency,
                    "expected_price": str(price),
                    "expected_currency": currency,
                    "detail": reading.detail,
                }
            )
        )
    else:
        found = f"{reading.price} {reading.currency}" if reading.price is not None else "no price"
        console.print(f"offer {offer_id} at {operator}: {status.value} ({found}; {reading.detail})")


@app.command()
def outbox(
    once: Annotated[bool, typer.Option("--once", help="Send what is due, then stop.")] = False,
    interval: Annotated[float, typer.Option(help="Seconds between rounds.", min=0.1)] = 5.0,
) -> None:
    """Send the queued e-mails (lead notifications), retrying failures with backoff."""
    from tourscope.workers.outbox import run_worker, transport_from_settings

    require_current_schema()
    stop = stop_on_signals()
    console.print(
        f"Sending mail via {transport_from_settings()}" + ("" if once else " (Ctrl+C to stop)")
    )

    _run_in_foreground(
        run_worker,
        lambda report: f"sent {report.sent}, to retry {report.retried}, failed {report.failed}",
        interval=interval,
        once=once,
        stop=stop,
    )


def _run_in_foreground(run_worker, describe, *, interval: float, once: bool, stop) -> None:
    """A worker's rounds on the console: each round that did work on a line with the time,
    then the total (with --once) or when it stopped."""
    total = run_worker(
        interval,
        once=once,
        on_report=lambda report: console.print(f"{_now()} {describe(report)}"),
        stop=stop,
    )
    console.print(describe(total) if once else f"{_now()} stopped")


@app.command()
def rechecks(
    once: Annotated[bool, typer.Option("--once", help="Answer what is due, then stop.")] = False,
    interval: Annotated[
        float, typer.Option(help="Seconds between looks when nothing is due.", min=0.1)
    ] = 1.0,
) -> None:
    """Re-check new leads' offers at their operators, off the web request (the lead form
    queues them), a few at once (TOURSCOPE_LEAD_RECHECK_CONCURRENCY)."""
    from tourscope.workers.rechecks import run_worker

    require_current_schema()
    settings = get_settings()
    stop = stop_on_signals()
    console.print(
        f"Re-checking leads' offers, {settings.lead_recheck_concurrency} at once, "
        f"{settings.lead_recheck_timeout:g} s each at most" + ("" if once else " (Ctrl+C to stop)")
    )

    _run_in_foreground(
        run_worker,
        lambda report: f"answered {report.answered}, already answered {report.skipped}",
        interval=interval,
        once=once,
        stop=stop,
    )


@app.command()
def care(
    once: Annotated[bool, typer.Option("--once", help="One round, then stop.")] = False,
    interval: Annotated[float, typer.Option(help="Seconds between rounds.", min=1)] = 3600.0,
) -> None:
    """Client care on a schedule: feedback invitations once trips are back, each manager's
    morning e-mail of letters due and calls planned, (with
    TOURSCOPE_REMINDERS_AUTO_SEND=true) the pre-trip letters as they fall due, and the
    price-alert digests a crawl's landing could not queue."""
    from models.alerts.workflow import queue_price_alert_digests
    from models.care.feedback import invite_feedback
    from models.care.letters import send_due_letters
    from models.care.morning_digest import send_morning_digests
    from models.db import session_scope

    require_current_schema()
    auto_send = get_settings().reminders_auto_send
    letters = "sent as they fall due" if auto_send else "left for the managers to send"
    console.print(f"Client care: pre-trip letters are {letters}; mail goes out via the outbox")
    stop = stop_on_signals()
    while not stop.is_set():
        with session_scope() as session:
            now = datetime.now(UTC)
            invited = invite_feedback(session, now)
            sent = send_due_letters(session, now) if auto_send else 0
            digests = queue_price_alert_digests(session, now)
            mornings = send_morning_digests(session, now)
        console.print(
            f"{_now()} feedback invitations queued {invited}, letters queued {sent}, "
            f"price-alert digests queued {digests}, managers' morning e-mails queued {mornings}"
        )
        if once:
            return
        stop.wait(interval)
    console.print(f"{_now()} stopped")


def _print_settings_errors(error: ValidationError) -> None:
    """A bad TOURSCOPE_* value: one readable line each, no traceback."""
    for detail in error.errors():
        name = "_".join(map(str, detail["loc"])).upper()
        message = detail["msg"].removeprefix("Value error, ")
        where = f"TOURSCOPE_{name}: " if name else ""
        errors.print(f"[red]Error:[/red] {where}{message}", highlight=False, soft_wrap=True)


def main() -> None:
    try:
        app()
    except CommandError as error:
        errors.print(f"[red]Error:[/red] {error}", highlight=False, soft_wrap=True)
        sys.exit(error.code)
    except ValidationError as error:
        if error.title != "Settings":
            raise
        _print_settings_errors(error)
        sys.exit(1)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        errors.print(f"[red]Database error:[/red] {reason}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()

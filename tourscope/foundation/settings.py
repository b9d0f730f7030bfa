"""The one settings object, read by the CLI, the crawler, the web app and Alembic."""

import ipaddress
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
# The default configuration files (lead scoring, letter templates, the demo's operator
# accounts): package data, so an installed Tourscope has them too.
CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
# Good enough for the demo on loopback, refused anywhere else.
DEVELOPMENT_SECRET = "tourscope-development-secret-do-not-use-in-production"


class Settings(BaseSettings):
    """Configuration from `TOURSCOPE_*` environment variables (or a `.env` file)."""

    model_config = SettingsConfigDict(env_prefix="TOURSCOPE_", env_file=".env", extra="ignore")

    # "development": the embedded demo on loopback. "production": real secrets and Secure
    # cookies required.
    environment: Literal["development", "production"] = "development"
    # Signs CSRF tokens, session ids and feedback links.
    secret_key: SecretStr = SecretStr(DEVELOPMENT_SECRET)

    # With no database configured Tourscope runs on an embedded SQLite file, so a
    # fresh checkout works without any server.
    database_url: str = ""
    # Runtime data (the SQLite file, logs, mail): ./var of the working directory by default,
    # never beside an installed package.
    var_dir: Path = Field(default_factory=lambda: Path.cwd() / "var")

    # The demo operators (the sandbox) play the outside world on loopback.
    sandbox_host: str = "127.0.0.1"
    sandbox_port: int = 8800
    sandbox_seed: int = 42
    # Base URL the spiders use for the demo operators; derived from host/port when empty.
    sandbox_url: str = ""
    # A directory of extra declarative operators (*.yaml), read besides crawler/operators/.
    operators_dir: Path | None = None
    # Accounts at operators that speak a published protocol (crawler/accounts.py), besides
    # the demo's tourscope/config/operator_accounts.yaml, and the YAML file their `secret:`
    # credentials are read from.
    accounts_file: Path | None = None
    secrets_file: Path | None = None

    # Each process's connection pool (models/db.py): connections kept open, more opened
    # under load, and seconds a checkout waits for one before it fails. Every process has
    # its own pool: keep pool_size + max_overflow times the processes (web workers,
    # crawls, the scheduler, the workers) under PostgreSQL's max_connections.
    db_pool_size: int = Field(default=5, ge=1, le=200)
    db_max_overflow: int = Field(default=10, ge=0, le=200)
    db_pool_timeout: float = Field(default=10, gt=0, le=300)

    web_host: str = "127.0.0.1"
    web_port: int = 8000
    # `tourscope serve` runs this many worker processes (each with its own pool).
    web_workers: int = Field(default=1, ge=1, le=64)
    # The reverse proxies in front of the site (addresses or networks, comma-separated,
    # e.g. "10.0.0.5,172.16.0.0/12"): only their X-Forwarded-For / -Proto are believed,
    # for the client address every limit counts (webapp/client_address.py). None by
    # default: without a proxy, a forwarded header is anyone's to forge.
    trusted_proxies: Annotated[list[str], NoDecode] = []
    # Logging (tourscope/foundation/logging_setup.py): "text" lines or "json" objects, and
    # the level.
    log_format: Literal["text", "json"] = "text"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # The bearer token a Prometheus scraper sends to /metrics (webapp/metrics.py); none:
    # /metrics answers clients on this machine only.
    metrics_token: SecretStr | None = None
    # Requests of one web worker that may use the database at once (webapp/admission.py;
    # default: the pool size). Never more than the pool holds, so a request let in never
    # waits for a connection; the pool's overflow serves the few paths that open their own
    # short session (the health check, the lead form).
    web_db_concurrency: int | None = Field(default=None, ge=1)
    # Requests that may wait for their turn, and for how long, before the worker answers
    # 503 with Retry-After instead of letting a crowd pile up.
    web_queue_limit: int = Field(default=500, ge=0)
    web_queue_timeout: float = Field(default=5, gt=0, le=120)
    # Memory (MiB) each web worker keeps for the public answers it built, by validator
    # (webapp/http_cache.py): the same search of the same catalogue is not built twice.
    # 0 keeps none.
    web_answer_cache_mb: int = Field(default=32, ge=0, le=4096)

    # Prices are compared in one base currency.
    base_currency: str = "EUR"
    # The language of a visitor who has chosen none and whose browser asks for none we
    # speak (tourscope/foundation/i18n.py): the agency's clients speak Russian.
    default_locale: Literal["ru", "en"] = "ru"

    # The Bank of Russia's daily exchange rates (`tourscope rates refresh`, refreshed daily
    # by `tourscope schedule`); the demo and the tests point it at the sandbox's replica.
    rates_url: str = "https://www.cbr.ru/scripts/XML_daily.asp"
    # Minutes between crawls of an operator: a default, and per-operator overrides
    # (TOURSCOPE_CRAWL_INTERVALS='{"aerotour": 30}'); a spider may set its own default.
    crawl_interval_minutes: float = Field(default=60, gt=0)
    crawl_intervals: dict[str, float] = {}
    crawl_max_parallel: int = Field(default=2, ge=1)
    # `tourscope schedule` starts crawls on these Scrapyd nodes (comma-separated base URLs,
    # e.g. "http://crawl1:6800,http://crawl2:6800") instead of child processes here; the
    # nodes run the project deployed as `scrapyd_project` (crawler/scrapyd.py).
    scrapyd_nodes: Annotated[list[str], NoDecode] = []
    scrapyd_project: str = "tourscope"
    # Seconds before a request to an operator is given up (then retried).
    download_timeout: float = Field(default=20, gt=0)
    # The window of a protocol's per-minute request cap (crawler/ratelimit.py). Always 60
    # against real operators; the tests shrink it, with the replica's, to stay quick.
    rate_window_seconds: float = Field(default=60, gt=0)
    crawl_batch_size: int = Field(default=1000, ge=1)
    # Hotel content (description, photos, location): a crawl asks an operator again about
    # a hotel once what it said is this many days old, and sends at most this many extra
    # requests for it (hotel pages, a protocol's hotel-information call) a crawl.
    hotel_content_max_age_days: float = Field(default=30, gt=0)
    hotel_content_requests: int = Field(default=100, ge=0)
    search_page_size: int = Field(default=20, ge=1, le=200)

    # The argon2id cost of back-office password hashes: RFC 9106's low-memory profile by
    # default (64 MiB, 3 passes). The test suite lowers it (tests/conftest.py) so its
    # hundreds of log-ins stay quick; a hash of another cost is re-hashed at log-in.
    password_hash_memory_kib: int = Field(default=65536, ge=1024)
    password_hash_time_cost: int = Field(default=3, ge=1)

    # Leads (models/leads/records.py): the scoring rules, the rate limit per client address, the
    # re-check of the offer at its operator (by the re-check worker, tourscope/workers/rechecks.py:
    # seconds an operator gets to answer, re-checks asked at once), and who is told of a
    # new lead (default: every active manager and admin).
    lead_scoring_file: Path = CONFIG_DIR / "lead_scoring.yaml"
    lead_rate_limit_per_hour: int = Field(default=5, ge=1)
    lead_recheck_timeout: float = Field(default=20, gt=0)
    lead_recheck_concurrency: int = Field(default=4, ge=1, le=32)
    lead_notify_to: list[str] = []
    # Price alerts (models/alerts/workflow.py): an offer goes into a subscriber's
    # digest once it is at least this many percent cheaper than when the alert was made;
    # one e-mail address may make at most this many alerts a day (each sends a mail).
    price_alert_threshold_percent: float = Field(default=5, ge=0, lt=100)
    price_alert_limit_per_day: int = Field(default=5, ge=1)
    # Where the site is seen from, for links in e-mails; derived from web host/port when empty.
    site_url: str = ""

    # Outgoing mail (the outbox worker). With no SMTP host, mail is written to `mail_dir`
    # (default var/mail) as .eml files: the demo's mail sink.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = True
    smtp_timeout: float = Field(default=10, gt=0)
    mail_from: str = "Tourscope <tourscope@localhost>"
    mail_dir: Path | None = None

    # Client care (models/care/clients.py, models/care/trips.py). Dates the agency plans by (letters
    # due, "today" on the call plan, KPI months) are days in its time zone.
    agency_timezone: str = "Europe/Moscow"
    # Pre-trip letters, before departure: "2m" months, "2w" weeks, "3d" days. Each is also
    # the key of its letter template (tourscope/config/letters/<language>/<key>.txt, editable per
    # language in the back office).
    reminder_offsets: list[str] = ["2m", "1m", "2w", "3d"]
    # Send letters as they fall due (`tourscope care`), instead of a manager sending each.
    reminders_auto_send: bool = False
    # Calls a manager plans a day, unless their account says otherwise.
    call_plan_per_day: int = Field(default=50, ge=1, le=1000)
    # The hour (agency time) from which `tourscope care` sends each manager's morning
    # e-mail of letters due and calls planned (models/care/morning_digest.py).
    morning_digest_hour: int = Field(default=8, ge=0, le=23)
    # Days after the return date when the feedback invitation goes out, and how long its
    # link stays valid after that.
    feedback_delay_days: int = Field(default=1, ge=0)
    feedback_link_days: int = Field(default=60, ge=1)
    # The managers' bonus rule: percentage weights of sales, feedback and procedure.
    kpi_weights: dict[str, float] = {"sales": 50, "feedback": 30, "procedure": 20}
    # Clients who bought after a manager's first contact, in a month, that earn the full
    # sales part.
    kpi_sales_target: int = Field(default=10, ge=1)

    @field_validator("agency_timezone")
    @classmethod
    def known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a known time zone (e.g. Europe/Moscow)") from None
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def proxy_addresses(cls, value: str | list[str]) -> list[str]:
        items = value.split(",") if isinstance(value, str) else value
        proxies = [item.strip() for item in items if item.strip()]
        for proxy in proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(
                    f"trusted proxies are IP addresses or networks, not {proxy!r}"
                ) from None
        return proxies

    @field_validator("scrapyd_nodes", mode="before")
    @classmethod
    def node_urls(cls, value: str | list[str]) -> list[str]:
        urls = [url.strip() for url in value.split(",")] if isinstance(value, str) else value
        urls = [url for url in urls if url]
        bad = [url for url in urls if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", url)]
        if bad:
            raise ValueError(f"Scrapyd nodes must be http(s):// URLs, not {bad}")
        return urls

    @field_validator("reminder_offsets")
    @classmethod
    def offsets_like_2m_2w_3d(cls, value: list[str]) -> list[str]:
        bad = [offset for offset in value if not re.fullmatch(r"[1-9][0-9]{0,2}[mwd]", offset)]
        if bad:
            raise ValueError(f"reminder offsets must look like 2m, 2w or 3d, not {bad}")
        if len(set(value)) != len(value):
            raise ValueError("reminder offsets must not repeat")
        return value

    @field_validator("kpi_weights")
    @classmethod
    def weights_of_the_three_parts(cls, value: dict[str, float]) -> dict[str, float]:
        if set(value) != {"sales", "feedback", "procedure"}:
            raise ValueError("KPI weights must name exactly sales, feedback and procedure")
        if any(weight < 0 for weight in value.values()) or abs(sum(value.values()) - 100) > 1e-9:
            raise ValueError("KPI weights must be non-negative and add up to 100")
        return value

    @property
    def agency_zone(self) -> ZoneInfo:
        return ZoneInfo(self.agency_timezone)

    @model_validator(mode="after")
    def real_secret_outside_development(self) -> "Settings":
        secret = self.secret_key.get_secret_value()
        if self.environment == "production" and (secret == DEVELOPMENT_SECRET or len(secret) < 32):
            raise ValueError(
                "TOURSCOPE_SECRET_KEY must be set to a random value of 32+ characters "
                "in production (e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        return self

    @model_validator(mode="after")
    def web_concurrency_within_the_pool(self) -> "Settings":
        # More requests at the database than connections brings back issue 12's stall:
        # threads waiting for the pool while the holders of connections wait for a thread.
        pool = self.db_pool_size + self.db_max_overflow
        if self.web_db_concurrency is not None and self.web_db_concurrency > pool:
            raise ValueError(
                f"TOURSCOPE_WEB_DB_CONCURRENCY ({self.web_db_concurrency}) must not exceed the "
                f"pool (TOURSCOPE_DB_POOL_SIZE + TOURSCOPE_DB_MAX_OVERFLOW = {pool})"
            )
        return self

    @property
    def effective_web_db_concurrency(self) -> int:
        return self.web_db_concurrency or self.db_pool_size

    @property
    def secure_cookies(self) -> bool:
        return self.environment == "production"

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.var_dir / 'tourscope.db'}"

    @property
    def effective_site_url(self) -> str:
        return (self.site_url or f"http://{self.web_host}:{self.web_port}").rstrip("/")

    @property
    def effective_mail_dir(self) -> Path:
        return self.mail_dir or self.var_dir / "mail"

    @property
    def effective_sandbox_url(self) -> str:
        return (self.sandbox_url or f"http://{self.sandbox_host}:{self.sandbox_port}").rstrip("/")


@lru_cache
def get_settings() -> Settings:
    return Settings()

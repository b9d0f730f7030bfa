"""The one settings object, read by the CLI, the crawler, the web app and Alembic."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
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
    var_dir: Path = PROJECT_ROOT / "var"

    # The demo operators (the sandbox) play the outside world on loopback.
    sandbox_host: str = "127.0.0.1"
    sandbox_port: int = 8800
    sandbox_seed: int = 42
    # Base URL the spiders use for the demo operators; derived from host/port when empty.
    sandbox_url: str = ""
    # A directory of extra declarative operators (*.yaml), read besides crawler/operators/.
    operators_dir: Path | None = None

    web_host: str = "127.0.0.1"
    web_port: int = 8000

    # Prices are compared in one base currency.
    base_currency: str = "EUR"
    # Minutes between crawls of an operator: a default, and per-operator overrides
    # (TOURSCOPE_CRAWL_INTERVALS='{"aerotour": 30}'); a spider may set its own default.
    crawl_interval_minutes: float = Field(default=60, gt=0)
    crawl_intervals: dict[str, float] = {}
    crawl_max_parallel: int = Field(default=2, ge=1)
    # Seconds before a request to an operator is given up (then retried).
    download_timeout: float = Field(default=20, gt=0)
    crawl_batch_size: int = Field(default=1000, ge=1)
    search_page_size: int = Field(default=20, ge=1, le=200)

    # Leads (models/leads.py): the scoring rules, the rate limit per client address, the
    # re-check of the offer at its operator, and who is told of a new lead (default: every
    # active manager and admin).
    lead_scoring_file: Path = PROJECT_ROOT / "config" / "lead_scoring.yaml"
    lead_rate_limit_per_hour: int = Field(default=5, ge=1)
    lead_recheck_timeout: float = Field(default=20, gt=0)
    lead_notify_to: list[str] = []
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

    @model_validator(mode="after")
    def real_secret_outside_development(self) -> "Settings":
        secret = self.secret_key.get_secret_value()
        if self.environment == "production" and (secret == DEVELOPMENT_SECRET or len(secret) < 32):
            raise ValueError(
                "TOURSCOPE_SECRET_KEY must be set to a random value of 32+ characters "
                "in production (e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        return self

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

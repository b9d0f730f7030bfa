"""What every benchmark needs: the machine it ran on, fresh databases, child processes."""

import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from models.db import get_engine
from models.migrate import upgrade_database

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/tourscope_bench"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}"


def fresh_database(url: str) -> str:
    """Empty `url` and migrate it; returns it."""
    engine = get_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        path = Path(engine.url.database)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    upgrade_database(url)
    return url


def ensure_postgres_database(url: str) -> None:
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = get_engine(target.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))


def run_measured(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(seconds, peak RSS of the child in MiB, exit status) of a command run to its end."""
    started = time.perf_counter()
    child = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def percentiles(timings: list[float]) -> tuple[float, float, float]:
    """(p50, p95, max) of a benchmark's timings."""
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered), p95, ordered[-1]


def tourscope(*args: str) -> list[str]:
    return [sys.executable, "-m", "tourscope.cli", *args]


__all__ = ["resource"]

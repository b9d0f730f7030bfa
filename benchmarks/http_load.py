"""A small HTTP/1.1 load generator: N keep-alive connections, each sending requests back to
back for a fixed time, like `wrk -c N -d T`.

It speaks just enough HTTP (GET, Content-Length or chunked bodies) over asyncio streams:
no client library's per-request overhead, so one core drives a Python web server's
several workers. A request unanswered within `timeout` counts as stalled and its
connection is dropped; a 503 is counted apart when it lacks a Retry-After header.
"""

import asyncio
import itertools
import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    """What one run saw: answers by status, latencies, stalls and connection errors."""

    seconds: float
    statuses: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    succeeded_in_time: int = 0
    stalled: int = 0
    connection_errors: int = 0

    @property
    def requests_per_second(self) -> float:
        """Requests answered 2xx within the run's time, per second (a shed 503 is not one)."""
        return self.succeeded_in_time / self.seconds

    def percentile(self, fraction: float) -> float:
        """Latency in ms at `fraction` (0.5, 0.99) of the answered requests."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


class _Answer:
    __slots__ = ("close", "retry_after", "status")

    def __init__(self, status: int, close: bool, retry_after: bool):
        self.status, self.close, self.retry_after = status, close, retry_after


async def _read_answer(reader: asyncio.StreamReader) -> _Answer:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length, chunked, close, retry_after = None, False, False, False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value
        elif name == b"connection":
            close = value == b"close"
        elif name == b"retry-after":
            retry_after = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length is not None:
        await reader.readexactly(length)
    else:
        await reader.read()
        close = True
    return _Answer(status, close, retry_after)


async def _connection(
    host: str,
    port: int,
    requests: "itertools.cycle[bytes]",
    deadline: float,
    timeout: float,
    result: LoadResult,
) -> None:
    reader = writer = None
    while time.monotonic() < deadline:
        if writer is None:
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(host, port), timeout
                )
            except (OSError, TimeoutError):
                result.connection_errors += 1
                await asyncio.sleep(0.1)
                continue
        started = time.monotonic()
        try:
            writer.write(next(requests))
            answer = await asyncio.wait_for(_read_answer(reader), timeout)
        except TimeoutError:
            result.stalled += 1
            answer = None
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            result.connection_errors += 1
            answer = None
        finished = time.monotonic()
        if answer is not None:
            status = str(answer.status)
            if answer.status == 503 and not answer.retry_after:
                status += " without Retry-After"
            result.statuses[status] += 1
            result.latencies.append(finished - started)
            result.succeeded_in_time += 200 <= answer.status < 300 and finished <= deadline
        if answer is None or answer.close:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def _drive(
    host: str, port: int, paths: list[str], connections: int, seconds: float, timeout: float
) -> LoadResult:
    result = LoadResult(seconds=seconds)
    deadline = time.monotonic() + seconds
    tasks = []
    for number in range(connections):
        # Each connection starts at its own place in the list of paths.
        offset = number * len(paths) // connections
        ordered = paths[offset:] + paths[:offset]
        requests = itertools.cycle(
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode() for path in ordered
        )
        tasks.append(_connection(host, port, requests, deadline, timeout, result))
    await asyncio.gather(*tasks)
    return result


def run_load(
    host: str,
    port: int,
    paths: list[str],
    connections: int,
    seconds: float,
    timeout: float = 30.0,
) -> LoadResult:
    """Drive `connections` keep-alive connections at `paths` (cycled) for `seconds`."""
    return asyncio.run(_drive(host, port, paths, connections, seconds, timeout))

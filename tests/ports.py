"""Loopback ports for the real servers tests start (SMTP, Scrapyd, the web app)."""

import socket


def free_port() -> int:
    """A port nothing listens on now (the OS picks it; a race is possible but rare)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

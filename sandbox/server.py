"""Run the sandbox in a background thread (for the demo and the tests)."""

import socket
import threading
import time
from datetime import date

import uvicorn

from sandbox.app import create_app


class BackgroundServer:
    """A uvicorn server on its own thread; `url` is ready once `start()` returns."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0):
        if port == 0:
            with socket.socket() as probe:
                probe.bind((host, 0))
                port = probe.getsockname()[1]
        self.host, self.port = host, port
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True, name="sandbox")

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> "BackgroundServer":
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"could not start a server on {self.host}:{self.port}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_sandbox(
    host: str = "127.0.0.1", port: int = 0, seed: int = 42, anchor: date | None = None
) -> BackgroundServer:
    return BackgroundServer(create_app(seed=seed, anchor=anchor), host, port).start()

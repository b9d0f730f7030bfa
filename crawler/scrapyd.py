"""Crawls on Scrapyd nodes, through Scrapyd's JSON API (https://scrapyd.readthedocs.io/).

The nodes run the project's egg (`scrapyd-deploy`, see the README); the scheduler asks
each node which crawls it has pending or running (`listjobs.json`) and starts a crawl on
the least busy node that answers (`schedule.json`). The crawl itself takes its operator's
lock in the shared database (crawler/pipelines/store.py), so two schedulers, or a crawl
started by hand on another node, never crawl one operator at once.
"""

import logging
from dataclasses import dataclass, field

import httpx

logger = logging.getLogger(__name__)


class ScrapydError(RuntimeError):
    """A node that cannot be reached, or that refused a request; the message says which."""


@dataclass
class ScrapydNode:
    url: str
    project: str
    timeout: float = 10.0
    client: httpx.Client = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.url = self.url.rstrip("/")
        self.client = httpx.Client(base_url=self.url, timeout=self.timeout)

    def _answer(self, method: str, endpoint: str, **kwargs) -> dict:
        try:
            response = self.client.request(method, endpoint, **kwargs)
        except httpx.HTTPError as error:
            reason = str(error) or type(error).__name__
            raise ScrapydError(f"Scrapyd node {self.url}: {reason}") from None
        try:
            answer = response.json()
        except ValueError:
            raise ScrapydError(
                f"Scrapyd node {self.url}: {endpoint} answered HTTP {response.status_code}, "
                "not JSON"
            ) from None
        if answer.get("status") != "ok":
            message = answer.get("message") or f"HTTP {response.status_code}"
            raise ScrapydError(f"Scrapyd node {self.url}: {endpoint}: {message}")
        return answer

    def crawls_in_flight(self) -> list[str]:
        """The spiders this node has pending or running for the project."""
        jobs = self._answer("GET", "/listjobs.json", params={"project": self.project})
        return [job["spider"] for job in jobs.get("pending", []) + jobs.get("running", [])]

    def schedule(self, spider: str) -> str:
        """Starts a crawl of `spider`; returns Scrapyd's job id."""
        answer = self._answer(
            "POST", "/schedule.json", data={"project": self.project, "spider": spider}
        )
        return answer["jobid"]

    def close(self) -> None:
        self.client.close()


class ScrapydLauncher:
    """Starts crawls on the least busy of several Scrapyd nodes."""

    def __init__(self, urls: list[str], project: str = "tourscope") -> None:
        self.nodes = [ScrapydNode(url, project) for url in urls]
        # What each node answered last (None: unreachable), for choosing where to start.
        self.load: dict[str, int | None] = {}

    def in_flight(self) -> set[str]:
        """Operators with a crawl pending or running on any node that answers."""
        operators: set[str] = set()
        for node in self.nodes:
            try:
                spiders = node.crawls_in_flight()
            except ScrapydError as error:
                if self.load.get(node.url, 0) is not None:
                    logger.warning("%s; not starting crawls there until it answers", error)
                self.load[node.url] = None
                continue
            self.load[node.url] = len(spiders)
            operators.update(spiders)
        return operators

    def launch(self, operator: str) -> str | None:
        """Starts a crawl on the least busy node that answers; returns where, or None."""
        answering = [node for node in self.nodes if self.load.get(node.url) is not None]
        for node in sorted(answering, key=lambda node: self.load[node.url]):
            try:
                job = node.schedule(operator)
            except ScrapydError as error:
                logger.warning("%s", error)
                self.load[node.url] = None
                continue
            self.load[node.url] += 1
            logger.info("crawl of %s started on %s (job %s)", operator, node.url, job)
            return node.url
        logger.warning("no Scrapyd node took the crawl of %s; trying again later", operator)
        return None

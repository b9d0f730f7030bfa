"""The sandbox web app: every demo operator under its own path, plus a control API.

`/_sandbox/operators/{code}` lets the demo and the tests change an operator's epoch
(prices move, tours sell out), its size (for benchmarks) and its fault (to see how the
crawler copes with a bad day). `/_sandbox/truth/{code}` tells which world hotel each of
the operator's hotels is: it exists for evaluating hotel matching, never for spiders.
"""

import asyncio
import importlib
import pkgutil
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from types import ModuleType

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, Field

from sandbox import cbr, operators
from sandbox.catalog import OperatorCatalog, OperatorProfile
from sandbox.world import World


def _discover_operators() -> dict[str, ModuleType]:
    """Every module in sandbox/operators/ with a PROFILE and a router is an operator."""
    found = {}
    for info in pkgutil.iter_modules(operators.__path__):
        module = importlib.import_module(f"{operators.__name__}.{info.name}")
        if hasattr(module, "PROFILE") and hasattr(module, "router"):
            found[module.PROFILE.code] = module
    return dict(sorted(found.items()))


OPERATORS = _discover_operators()
# Outside services that are not operators, with the same fault controls: the Bank of
# Russia's daily exchange rates (sandbox/cbr.py).
SERVICES = {"cbr": cbr.router}
DEFAULT_SIZE = 1500


class Fault(StrEnum):
    DOWN = "down"  # connection answered with 503 on every page
    ERROR = "error"  # HTTP 500 on every page
    SLOW = "slow"  # every answer takes seconds
    TRUNCATED = "truncated"  # pages cut off half-way
    GARBAGE = "garbage"  # pages that are not what the spider expects
    BAD_ROWS = "bad_rows"  # one offer in ten has an absurd value (price 0, 45 nights...)
    MISSING_FIELDS = "missing_fields"  # one offer in ten lacks its hotel name or its price


class OperatorControl(BaseModel):
    epoch: int = Field(0, ge=0)
    size: int = Field(DEFAULT_SIZE, ge=0, le=50_000_000)
    fault: Fault | None = None


@dataclass
class SandboxState:
    world: World
    controls: dict[str, OperatorControl]
    catalogs: dict[tuple[str, int, int, str | None], OperatorCatalog] = field(default_factory=dict)

    def profile(self, code: str) -> OperatorProfile:
        return OPERATORS[code].PROFILE

    def catalog(self, code: str) -> OperatorCatalog:
        control = self.controls[code]
        flaws = {Fault.BAD_ROWS: "bad_rows", Fault.MISSING_FIELDS: "missing_fields"}
        flaw = flaws.get(control.fault)
        key = (code, control.size, control.epoch, flaw)
        if key not in self.catalogs:
            self.catalogs[key] = OperatorCatalog(
                self.world, self.profile(code), control.size, control.epoch, flaw
            )
        return self.catalogs[key]


def create_app(seed: int = 42, anchor: date | None = None, size: int = DEFAULT_SIZE) -> FastAPI:
    world = World(seed=seed, anchor=anchor or date.today())
    app = FastAPI(title="Tourscope sandbox: demo tour operators")
    app.state.sandbox = SandboxState(
        world=world,
        controls={
            code: OperatorControl(size=getattr(module, "DEFAULT_SIZE", size))
            for code, module in OPERATORS.items()
        }
        | {code: OperatorControl() for code in SERVICES},
    )

    @app.middleware("http")
    async def inject_faults(request: Request, call_next):
        code = request.url.path.strip("/").split("/", 1)[0]
        control = app.state.sandbox.controls.get(code)
        fault = control.fault if control else None
        if fault is Fault.DOWN:
            return PlainTextResponse("Service temporarily unavailable", status_code=503)
        if fault is Fault.ERROR:
            return PlainTextResponse("Internal Server Error", status_code=500)
        if fault is Fault.GARBAGE:
            return Response(
                "<html><body><h1>Maintenance</h1>%%#@!</body></html>", media_type="text/html"
            )
        if fault is Fault.SLOW:
            await asyncio.sleep(3)
        response = await call_next(request)
        if fault is Fault.TRUNCATED:
            body = b"".join([chunk async for chunk in response.body_iterator])
            return Response(body[: len(body) // 2], media_type=response.media_type)
        return response

    @app.get("/", response_class=PlainTextResponse)
    def index() -> str:
        lines = [f"Tourscope sandbox (seed {seed}): demo operators"]
        lines += [f"  /{code}/  {module.PROFILE.name}" for code, module in OPERATORS.items()]
        return "\n".join(lines)

    @app.get("/robots.txt", response_class=PlainTextResponse)
    def robots() -> str:
        return "User-agent: *\nDisallow: /_sandbox/\n"

    @app.get("/_sandbox/operators/{code}")
    def get_control(code: str) -> OperatorControl:
        return _control(app, code)

    @app.put("/_sandbox/operators/{code}")
    def put_control(code: str, control: OperatorControl) -> OperatorControl:
        _control(app, code)
        app.state.sandbox.controls[code] = control
        return control

    @app.get("/_sandbox/truth/{code}")
    def truth(code: str) -> dict[str, int]:
        _control(app, code)
        return app.state.sandbox.catalog(code).ground_truth()

    @app.get("/_sandbox/world")
    def world_summary() -> dict:
        return {
            "seed": world.seed,
            "anchor": world.anchor.isoformat(),
            "hotels": [asdict(h) for h in world.hotels],
        }

    for module in OPERATORS.values():
        app.include_router(module.router)
    for service in SERVICES.values():
        app.include_router(service)
    return app


def _control(app: FastAPI, code: str) -> OperatorControl:
    try:
        return app.state.sandbox.controls[code]
    except KeyError:
        raise HTTPException(404, f"Unknown operator {code!r}") from None

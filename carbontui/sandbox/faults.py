"""Fault injection: what a fault is, which requests it hits, and the ``--faults`` SPEC syntax.

A SPEC is comma-separated ``key=value`` pairs; the first item may be a bare kind or status
(``503`` means ``kind=status,status=503``; ``429`` means ``kind=ratelimit``)::

    503,route=GET /v1/customers/applications,count=2
    kind=ratelimit,retry_after=2,route=registry
    drop,route=POST /v1/customers/applications,after=true
    clock,offset=3600,route=registry
    hang,p=0.5,seed=7

or a JSON object (or list of them) with the same keys, which ``POST /_sandbox/faults`` takes.
"""

from __future__ import annotations

import difflib
import json
import random
import threading
from collections.abc import Collection
from dataclasses import asdict, dataclass, field, fields
from typing import Any

#: Kinds that answer instead of the route (at most one fires per request).
TERMINAL_KINDS = frozenset({"status", "ratelimit", "hang", "drop", "html", "shape", "unauthorized"})
#: Kinds that change how the request is served and let it through.
MODIFIER_KINDS = frozenset({"latency", "clock"})
KINDS = TERMINAL_KINDS | MODIFIER_KINDS

#: Route families a fault may target instead of one ``"METHOD /template"``.
FAMILIES: dict[str, tuple[str, ...]] = {
    "*": ("/",),
    "all": ("/",),
    "carbonext": ("/auth/", "/connect/", "/v1/"),
    "carbonext-auth": ("/auth/", "/connect/"),
    "carbonext-api": ("/v1/",),
    "registry": ("/app/",),
}
_ALIASES = {"p": "probability", "retry-after": "retry_after"}


class FaultSpecError(ValueError):
    """A fault description that cannot be used; the message says which part and why."""


@dataclass(frozen=True)
class Fault:
    """One kind of misbehaviour for the requests ``route`` selects.

    ``route`` is ``"METHOD /template"`` (as in ``/_sandbox/stats``), ``"/template"`` (any
    method), or a family: ``*``/``all``, ``carbonext``, ``carbonext-auth``, ``carbonext-api``,
    ``registry``. It fires with ``probability`` (a per-fault RNG seeded with ``seed``) and at
    most ``count`` times (None: until cleared). With ``after`` the route runs first and its
    answer is replaced, so a create happens and its answer is lost.
    """

    kind: str
    route: str = "*"
    count: int | None = None
    probability: float = 1.0
    seed: int = 0
    after: bool = False
    #: ``status``: 500/502/503/504 (default 503); ``html``: the page's status (default 200).
    status: int | None = None
    #: ``ratelimit``: the ``Retry-After`` seconds.
    retry_after: float = 1.0
    #: ``latency``: milliseconds added.
    ms: int = 1000
    #: ``hang``: give up waiting for the client to leave after this long, then answer 504.
    seconds: float = 60.0
    #: ``clock``: seconds added to the server clock (JWT checks, ``Date``) for these requests.
    offset: float = 0.0
    #: ``shape``: the JSON body to send (default an object no endpoint expects).
    body: Any = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            kinds = ", ".join(sorted(KINDS))
            raise FaultSpecError(f"unknown fault kind {self.kind!r}; kinds: {kinds}")
        if self.count is not None and self.count < 1:
            raise FaultSpecError("count must be >= 1")
        if not 0.0 < self.probability <= 1.0:
            raise FaultSpecError("probability must be in (0, 1]")
        if self.kind == "status" and self.status is not None and not 500 <= self.status <= 599:
            raise FaultSpecError("a status fault needs a 5xx status (e.g. 500, 502, 503)")
        if self.retry_after < 0 or self.ms < 0 or self.seconds <= 0:
            raise FaultSpecError("retry_after and ms must be >= 0, seconds > 0")
        route = self.route.strip()
        if route not in FAMILIES and not (route.startswith("/") or " /" in route):
            raise FaultSpecError(
                f"route {route!r} is neither 'METHOD /template', '/template' nor a family "
                f"({', '.join(FAMILIES)})"
            )

    def matches(self, method: str, template: str) -> bool:
        """Whether this fault targets a request to ``template`` (e.g. ``/connect/token``)."""
        route = self.route.strip()
        if route in FAMILIES:
            return template.startswith(FAMILIES[route]) or route in ("*", "all")
        if route.startswith("/"):
            return route == template
        want_method, _, want_template = route.partition(" ")
        return want_method.upper() == method.upper() and want_template.strip() == template

    def to_json(self) -> dict[str, Any]:
        """The fault as JSON, without defaults that do not apply."""
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class ActiveFault:
    """A fault installed in a sandbox: its id, how often it fired, and its own RNG."""

    id: int
    fault: Fault
    fired: int = 0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    @property
    def exhausted(self) -> bool:
        return self.fault.count is not None and self.fired >= self.fault.count

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "fired": self.fired, **self.fault.to_json()}


class FaultSet:
    """The faults of one sandbox. Safe to change from a test thread while the server runs."""

    def __init__(self, faults: tuple[Fault, ...] = ()) -> None:
        self._lock = threading.Lock()
        self._active: list[ActiveFault] = []
        self._next_id = 1
        self.add(faults)

    def add(self, faults: tuple[Fault, ...] | list[Fault]) -> list[int]:
        """Install faults (evaluated in the order added); returns their ids."""
        with self._lock:
            ids = []
            for fault in faults:
                active = ActiveFault(self._next_id, fault, rng=random.Random(fault.seed))
                self._active.append(active)
                ids.append(active.id)
                self._next_id += 1
            return ids

    def remove(self, fault_id: int) -> bool:
        with self._lock:
            before = len(self._active)
            self._active = [a for a in self._active if a.id != fault_id]
            return len(self._active) != before

    def clear(self) -> None:
        with self._lock:
            self._active.clear()

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [a.to_json() for a in self._active]

    def fire(self, method: str, template: str) -> list[Fault]:
        """The faults this request gets: every modifier that fires, then at most one
        terminal fault. Firing consumes ``count`` and advances the fault's RNG."""
        chosen: list[Fault] = []
        terminal = False
        with self._lock:
            for active in self._active:
                fault = active.fault
                if active.exhausted or not fault.matches(method, template):
                    continue
                if fault.kind in TERMINAL_KINDS and terminal:
                    continue
                if fault.probability < 1.0 and active.rng.random() >= fault.probability:
                    continue
                active.fired += 1
                chosen.append(fault)
                terminal = terminal or fault.kind in TERMINAL_KINDS
        return chosen


_FIELD_TYPES = {f.name: f.type for f in fields(Fault)}


def fault_from_json(data: Any) -> Fault:
    """A Fault from a JSON object with Fault's field names.

    Takes what a SPEC takes: a status as the kind (``{"kind": "503"}`` or ``503``, and
    ``"429"`` for ``ratelimit``), the ``p``/``retry-after`` spellings, and values written as
    strings (``{"count": "2", "after": "true"}``).
    """
    if not isinstance(data, dict):
        raise FaultSpecError("a fault must be a JSON object")
    data = {_ALIASES.get(k, k): v for k, v in data.items()}
    unknown = sorted(set(data) - set(_FIELD_TYPES))
    if unknown:
        raise FaultSpecError(f"unknown fault key(s) {', '.join(unknown)}")
    if "kind" not in data:
        raise FaultSpecError("a fault needs a kind")
    kind = data.pop("kind")
    if isinstance(kind, int) and not isinstance(kind, bool):
        kind = str(kind)
    if not isinstance(kind, str):
        raise FaultSpecError("kind must be a string (a kind name or a status such as 503)")
    shorthand = _shorthand(kind.strip())
    data = {**shorthand, **{k: v for k, v in data.items() if k != "status" or v is not None}}
    for key, value in list(data.items()):
        if isinstance(value, str) and key not in ("kind", "route", "body"):
            data[key] = _typed(key, value.strip())
    try:
        return Fault(**data)
    except TypeError as exc:
        raise FaultSpecError(str(exc)) from None


def faults_from_json(data: Any) -> list[Fault]:
    """One fault object or a list of them."""
    items = data if isinstance(data, list) else [data]
    return [fault_from_json(item) for item in items]


def parse_spec(spec: str) -> list[Fault]:
    """Parse one ``--faults`` SPEC (``key=value,...`` or JSON) into faults."""
    text = spec.strip()
    if text.startswith(("{", "[")):
        try:
            return faults_from_json(json.loads(text))
        except json.JSONDecodeError as exc:
            raise FaultSpecError(f"invalid JSON: {exc}") from None
    values: dict[str, Any] = {}
    for index, item in enumerate(part.strip() for part in text.split(",")):
        if not item:
            continue
        key, sep, value = item.partition("=")
        if not sep:
            if index != 0:
                raise FaultSpecError(f"{item!r} is not key=value")
            values.update(_shorthand(item))
            continue
        key = _ALIASES.get(key.strip(), key.strip())
        values[key] = _typed(key, value.strip())
    return [fault_from_json(values)]


def check_routes(faults: list[Fault], known: Collection[tuple[str, str]]) -> None:
    """Refuse a fault whose route names none of the ``known`` ``(method, template)`` routes.

    The message suggests the nearest routes and lists every one, so a typo is not a fault
    that silently never fires.
    """
    templates = {template for _, template in known}
    for fault in faults:
        # A known template with a method it does not serve still matches requests (they
        # are answered 405 and counted under that route), so only the template must exist.
        method = fault.route.strip().partition(" ")[0]
        if any(fault.matches(method, template) for template in templates):
            continue
        routes = sorted({f"{method} {template}" for method, template in known})
        candidates = routes + sorted({template for _, template in known})
        close = difflib.get_close_matches(fault.route.strip(), candidates, n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
        raise FaultSpecError(
            f"route {fault.route.strip()!r} matches no sandbox route{hint}\n"
            f"routes: {', '.join(routes)}\n"
            f"(or any method of one: '/template'; or a family: {', '.join(FAMILIES)})"
        )


def _shorthand(item: str) -> dict[str, Any]:
    if item == "429":
        return {"kind": "ratelimit"}
    if item.isdigit():
        return {"kind": "status", "status": int(item)}
    return {"kind": item}


def _typed(key: str, value: str) -> Any:
    kind = _FIELD_TYPES.get(key)
    if kind is None:
        raise FaultSpecError(f"unknown fault key {key!r}; keys: {', '.join(_FIELD_TYPES)}")
    try:
        if key == "body":
            return json.loads(value)
        if "bool" in str(kind):
            if value.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(value)
            return value.lower() in ("true", "1", "yes")
        if "int" in str(kind):
            return int(value)
        if "float" in str(kind):
            return float(value)
    except ValueError:
        raise FaultSpecError(f"bad value for {key}: {value!r}") from None
    return value

"""Token cache: ``carbontui token`` run again and again, with and without the shared cache.

A sandbox runs in its own process (token lifetime ``TTL``). ``--invocations`` runs of
``python -m carbontui token`` (each a fresh process, one after another, all well inside one
token lifetime) ask for the Carbonext token with the shared on-disk cache, and as many with
``--no-cache`` (memory only: every process mints its own), the two kinds alternating. Prints
the token requests the sandbox saw (``/_sandbox/stats``) and the wall time per invocation, the
memory-only runs being the same-run baseline; then the same for the Registry app token
(``--service registry``), and ``CONCURRENT`` invocations started at once on a cold cache.

Every run gets a fresh temporary ``CARBONTUI_CACHE_DIR`` and ``CARBONTUI_STATE_DIR``: the
user's own cache and state are never read or written.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import _common
from _sandbox_proc import Sandbox, sandbox_process

TTL = 3600
PROFILE = "sandbox-hml"  # the config's default, a non-prod profile: no mint confirmation
CONCURRENT = 8
TIMEOUT = 60.0


@dataclass
class Run:
    """What a batch of invocations cost: token requests and wall times."""

    requests: int
    times: list[float]
    tokens: set[str]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def total(self) -> float:
        return sum(self.times)


def token_requests(sandbox: Sandbox) -> int:
    """Requests to any token endpoint (Carbonext realm or Registry) since the last reset."""
    return sum(
        count
        for route, count in sandbox.stats().items()
        if route.startswith("POST ") and "token" in route.lower()
    )


def child_env(tmp: Path) -> dict[str, str]:
    """The caller's environment with a private cache and state dir, no profile or config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARBONTUI_")}
    env["CARBONTUI_CACHE_DIR"] = str(tmp / "cache")
    env["CARBONTUI_STATE_DIR"] = str(tmp / "state")
    return env


def command(sandbox: Sandbox, flags: list[str]) -> list[str]:
    return [
        sys.executable,
        "-m",
        "carbontui",
        "token",
        "--config",
        str(sandbox.config),
        "--profile",
        PROFILE,
        *flags,
    ]


def check(result: subprocess.CompletedProcess[str] | tuple[int, str, str]) -> str:
    """The token a finished invocation printed; a failed one stops the benchmark."""
    if isinstance(result, tuple):
        code, out, err = result
    else:
        code, out, err = result.returncode, result.stdout, result.stderr
    token = out.strip()
    if code != 0 or not token:
        raise RuntimeError(f"carbontui token failed (code {code}): {err.strip()}")
    return token


def invoke(sandbox: Sandbox, cmd: list[str], env: dict[str, str], run: Run) -> None:
    """One invocation, added to ``run``: its wall time, token and token requests."""
    before = token_requests(sandbox)
    start = time.perf_counter()
    result = subprocess.run(
        cmd,
        env=env,
        cwd=_common.ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    run.times.append(time.perf_counter() - start)
    run.tokens.add(check(result))
    run.requests += token_requests(sandbox) - before


def concurrent(sandbox: Sandbox, flags: list[str], count: int) -> Run:
    """``count`` invocations started at once on a cold cache."""
    with tempfile.TemporaryDirectory(prefix="carbontui-bench-") as tmp:
        env = child_env(Path(tmp))
        cmd = command(sandbox, flags)
        sandbox.reset_stats()
        start = time.perf_counter()
        procs = [
            subprocess.Popen(
                cmd,
                env=env,
                cwd=_common.ROOT,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(count)
        ]
        tokens = set()
        for proc in procs:
            out, err = proc.communicate(timeout=TIMEOUT)
            tokens.add(check((proc.returncode, out, err)))
        elapsed = time.perf_counter() - start
        return Run(token_requests(sandbox), [elapsed], tokens)


def compare(sandbox: Sandbox, label: str, flags: list[str], count: int) -> None:
    """Shared cache vs ``--no-cache`` for ``count`` sequential invocations each, interleaved
    (so drift in the machine's load hits both alike), each mode with its own new cache dir."""
    started = time.monotonic()
    shared, memory = Run(0, [], set()), Run(0, [], set())
    with (
        tempfile.TemporaryDirectory(prefix="carbontui-bench-") as tmp_shared,
        tempfile.TemporaryDirectory(prefix="carbontui-bench-") as tmp_memory,
    ):
        shared_env, memory_env = child_env(Path(tmp_shared)), child_env(Path(tmp_memory))
        for _ in range(count):
            invoke(sandbox, command(sandbox, flags), shared_env, shared)
            invoke(sandbox, command(sandbox, [*flags, "--no-cache"]), memory_env, memory)
    if time.monotonic() - started > TTL * 0.9:
        print(f"note: the {label} runs outlasted 90 % of one token lifetime", flush=True)
    name = f"{count} invocations, {label}"
    _common.figure(
        f"{name} token requests",
        shared.requests,
        "requests",
        baseline=memory.requests,
        target="1 (one per token lifetime)",
    )
    _common.figure(
        f"{name} distinct tokens printed",
        len(shared.tokens),
        "tokens",
        baseline=len(memory.tokens),
    )
    _common.figure(
        f"{name} median wall time per invocation",
        shared.median,
        "s",
        baseline=memory.median,
    )
    _common.figure(f"{name} total wall time", shared.total, "s", baseline=memory.total)


def main() -> None:
    p = _common.parser(__doc__ or "")
    p.add_argument("--invocations", type=int, default=100, help="sequential invocations")
    p.add_argument("--no-registry", action="store_true", help="skip the Registry variant")
    args = p.parse_args()
    count = 5 if args.quick else args.invocations
    with sandbox_process("--token-ttl", str(TTL)) as sandbox:
        compare(sandbox, "carbonext", [], count)
        if not args.no_registry:
            compare(sandbox, "registry app", ["--service", "registry"], count)
        shared = concurrent(sandbox, [], CONCURRENT)
        memory = concurrent(sandbox, ["--no-cache"], CONCURRENT)
        _common.figure(
            f"{CONCURRENT} concurrent cold invocations, carbonext token requests",
            shared.requests,
            "requests",
            baseline=memory.requests,
            target="exactly 1",
        )
        _common.figure(
            f"{CONCURRENT} concurrent cold invocations, wall time until all done",
            shared.total,
            "s",
            baseline=memory.total,
        )
    print(f"machine: {_common.machine()}")


if __name__ == "__main__":
    main()

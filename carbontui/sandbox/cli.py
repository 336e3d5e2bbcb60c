"""``carbontui sandbox``: serve the emulator in the foreground."""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType

from carbontui.sandbox.faults import Fault, FaultSpecError, check_routes, parse_spec
from carbontui.sandbox.options import SandboxOptions


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the sandbox flags to ``parser``."""
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port, 0 = any free (default 8765)")
    parser.add_argument("--seed", type=int, default=0, help="seed for the generated data")
    parser.add_argument("--apps", type=int, default=25, help="Carbonext API keys to seed (>= 2)")
    parser.add_argument("--installations", type=int, default=12, help="Registry installations")
    parser.add_argument(
        "--token-ttl", type=int, default=3600, metavar="SECONDS", help="access token lifetime"
    )
    parser.add_argument(
        "--latency", type=int, default=0, metavar="MS", help="delay added to every response"
    )
    parser.add_argument(
        "--faults",
        action="append",
        default=[],
        metavar="SPEC",
        help="inject a fault, e.g. '503,route=GET /v1/customers/applications,count=2' "
        "(repeatable; see the README)",
    )
    parser.add_argument(
        "--config-out", metavar="DIR", help="write config.toml + the app private key here"
    )


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C, SIGINT or SIGTERM; returns the exit code."""
    from carbontui.sandbox.keys import prefetch_rsa_keys

    # A served sandbox gets fresh keys (never the demo's published ones), made on another
    # core while the server imports (OpenSSL drops the GIL).
    prefetch_rsa_keys()
    from carbontui.sandbox.config_out import check_target, reusable_app_key, write_config
    from carbontui.sandbox.server import SandboxServer, known_routes

    try:
        faults: list[Fault] = [f for spec in args.faults for f in parse_spec(spec)]
        check_routes(faults, known_routes())
        if args.config_out:
            check_target(args.config_out)
        options = SandboxOptions(
            seed=args.seed,
            apps=args.apps,
            installations=args.installations,
            token_ttl=args.token_ttl,
            latency_ms=args.latency,
            faults=tuple(faults),
            app_key=reusable_app_key(args.config_out) if args.config_out else None,
        )
    except (ValueError, FaultSpecError, FileExistsError) as exc:
        print(f"carbontui sandbox: {exc}", file=sys.stderr)
        return 2
    server = SandboxServer(options, host=args.host, port=args.port)
    # Stop on Ctrl-C / SIGINT even when started with SIGINT ignored (a non-interactive shell
    # starts `carbontui sandbox &` that way), and on SIGTERM.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        server.start()
    except OSError as exc:
        print(
            f"carbontui sandbox: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr
        )
        return 1
    except KeyboardInterrupt:
        server.stop()
        return 0
    try:
        print(f"sandbox listening on {server.url}", flush=True)
        if args.config_out:
            # A wildcard bind address is no address to connect to; loopback always works.
            url = server.url.replace("//0.0.0.0:", "//127.0.0.1:").replace("//[::]:", "//[::1]:")
            path = write_config(args.config_out, url, server.app)
            print(f"wrote {path} (try: carbontui --config {path})", flush=True)
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0

"""``carbontui api``: an authenticated request to any path of either service (like ``gh api``)."""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import msgspec

from carbontui.api import raw
from carbontui.api.raw import READ_METHODS, RegistryCredential
from carbontui.api.registry import RegistryClient
from carbontui.api.session import ProfileSession
from carbontui.commands.context import CommandContext, UsageError, add_confirmation_options
from carbontui.commands.output import print_json, warn
from carbontui.config.files import read_regular_file
from carbontui.decoding import parse_json
from carbontui.errors import ApiError, CarbontuiError, format_bytes
from carbontui.redaction import redact
from carbontui.sanitize import neutralize
from carbontui.transport import MAX_API_BODY
from carbontui.usecases import installation_tokens
from carbontui.usecases.gate import ActionLog

SERVICES = ("carbonext", "registry")
AUTO = "auto"
#: The history's name for a request other than GET, HEAD or OPTIONS.
API_ACTION = "api-request"
#: ``--input`` reads at most this much (a request body as large as the largest answer).
MAX_INPUT = MAX_API_BODY
#: Each service's page-size parameter (the page number is ``page`` on both).
SIZE_PARAMS = {"carbonext": "page-size", "registry": "limit"}
Send = Callable[..., Awaitable[httpx.Response]]

DESCRIPTION = """\
Send an authenticated request to PATH of one service and print the answer.

The service is --service, else registry for paths under /app/ (or with --installation or
--auth), else carbonext. Carbonext requests carry the profile's access token (renewed once
on a 401). Registry requests carry, with --auth auto (the default), the app JWT for the
endpoints the App API doc signs with it (POST /app/accessTokens, GET /app/installations,
GET /app/installations/ID, POST /app/installations/ID/accessTokens), else the installation
token of --installation ID, else the app access token. --auth jwt|app|installation forces
one. The x-icr-api-version header is always sent.

The method is GET, or POST when -f, -F or --input is given. Fields are query parameters
for GET, HEAD and OPTIONS, else members of a JSON object body (-f a string, -F a JSON
value such as 3, true, null or [{"id": "..."}]); with --input they are query parameters.
Only GET, HEAD and OPTIONS are retried on transient failures or allowed on a read-only
profile; any other method is sent exactly once, recorded in the action history, and on a
prod profile needs --yes or --confirm PROFILE. Revoking (DELETE /app/installations/token) is left to
`carbontui installations revoke`, which also forgets the token.

To a terminal JSON is pretty-printed and other text neutralised; to a pipe the body is
written as received. A 4xx/5xx answer exits 1 with the server's error on stderr.
--paginate follows Carbonext (page, page-size, hasNextPage/totalPages) and Registry
(page, limit, pagination.nextPage) paging, asking for 100 rows a page unless page-size or
limit is given, and prints one JSON document per page; with --slurp one document
{"items": [every row], "pages": N}. It stops at the last or an empty page, at the page
count the first page claims, and refuses lists of more than 10,000 pages.
"""


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``api``."""
    api = sub.add_parser(
        "api",
        parents=[common],
        help="an authenticated request to any path of either service (like `gh api`)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    api.add_argument("path", metavar="PATH", help="e.g. /v1/customers/applications")
    api.add_argument("--service", choices=SERVICES, help="which service (see above)")
    api.add_argument(
        "-X", "--method", type=str.upper, help="HTTP method (default GET, or POST with a body)"
    )
    api.add_argument(
        "-f",
        "--field",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a string parameter (repeatable)",
    )
    api.add_argument(
        "-F",
        "--typed-field",
        action="append",
        default=[],
        metavar="KEY=JSON",
        help="a parameter whose value is JSON (repeatable)",
    )
    api.add_argument(
        "--input",
        metavar="FILE",
        help=f"send FILE ('-' for stdin, at most {format_bytes(MAX_INPUT)}) as the JSON body",
    )
    api.add_argument("--paginate", action="store_true", help="fetch every page")
    api.add_argument(
        "--slurp", action="store_true", help="with --paginate: one document of every row"
    )
    api.add_argument(
        "-i", "--include", action="store_true", help="print the status line and headers first"
    )
    api.add_argument("--installation", metavar="ID", help="registry: use this installation's token")
    api.add_argument(
        "--auth",
        choices=[AUTO, *(c.value for c in RegistryCredential)],
        default=AUTO,
        help="registry: the credential (default: auto, see above)",
    )
    add_confirmation_options(api, "mint or write")
    api.set_defaults(handler=run_api)


@dataclass(frozen=True)
class Call:
    """What to send, checked before anything is."""

    service: str
    method: str
    path: str
    params: list[tuple[str, str]]
    body: bytes | None


def plan(args: argparse.Namespace) -> Call:
    """The request the arguments describe; ``UsageError`` when they do not fit together."""
    try:
        path, params = raw.split_path(args.path)
    except ValueError as exc:
        raise UsageError(f"api: {exc}") from None
    fields = [_field(item) for item in args.field]
    fields += [_field(item, typed=True) for item in args.typed_field]
    method = args.method or ("POST" if fields or args.input else "GET")
    if not method.isascii() or not method.isalpha():
        raise UsageError(f"-X {method!r}: not an HTTP method")
    service = args.service or _default_service(args, path)
    _check_combinations(args, service, method, path)
    body = read_input(args.input) if args.input is not None else None
    if body is not None or method in READ_METHODS:
        params += [(field.key, field.text) for field in fields]
    elif fields:
        body = json.dumps({field.key: field.value for field in fields}).encode()
    return Call(service, method, path, params, body)


@dataclass(frozen=True)
class Field:
    """One ``-f``/``-F`` parameter: its text (for a query) and its value (for a JSON body)."""

    key: str
    text: str
    value: Any


def _field(item: str, *, typed: bool = False) -> Field:
    flag = "-F" if typed else "-f"
    key, sep, text = item.partition("=")
    if not sep or not key:
        raise UsageError(f"{flag} {item!r}: expected KEY=VALUE")
    if not typed:
        return Field(key, text, text)
    try:
        return Field(key, text, json.loads(text))
    except (ValueError, RecursionError):
        raise UsageError(f"-F {key}: the value is not JSON (use -f for a string)") from None


def _default_service(args: argparse.Namespace, path: str) -> str:
    if args.installation or args.auth != AUTO or path == "/app" or path.startswith("/app/"):
        return "registry"
    return "carbonext"


def _check_combinations(args: argparse.Namespace, service: str, method: str, path: str) -> None:
    if args.slurp and not args.paginate:
        raise UsageError("--slurp needs --paginate")
    if args.slurp and args.include:
        raise UsageError("--include does not go with --slurp (one document of every page)")
    if args.paginate and method != "GET":
        raise UsageError(f"--paginate follows GET listings, not {method}")
    if service == "carbonext" and (args.installation or args.auth != AUTO):
        raise UsageError("--installation and --auth are for the registry")
    if args.auth == RegistryCredential.INSTALLATION and not args.installation:
        raise UsageError("--auth installation needs --installation ID")
    if service == "registry" and raw.is_revoke(method, path):
        raise UsageError(
            "revoke with `carbontui installations revoke ID --token-stdin`: "
            "it also drops the token from carbontui's cache"
        )


def read_input(source: str) -> bytes:
    """The body from a regular file or stdin ('-'), at most ``MAX_INPUT`` bytes."""
    if source != "-":
        data, _ = read_regular_file(Path(source), MAX_INPUT)
        return data
    stream = getattr(sys.stdin, "buffer", None)
    data = stream.read(MAX_INPUT + 1) if stream is not None else sys.stdin.read().encode()
    if len(data) > MAX_INPUT:
        raise UsageError(f"--input -: standard input is larger than {format_bytes(MAX_INPUT)}")
    return bytes(data)


async def run_api(ctx: CommandContext) -> int:
    """Send the request (every page with --paginate) and print the answer."""
    args = ctx.args
    call = plan(args)
    if call.method not in READ_METHODS:
        action = f"send a {call.method} request"
        question = f"Send {call.method} {call.path} to {call.service}?"
        await ctx.gate().require(action, question, ctx.confirmer(action))
    async with ctx.session() as session:
        send = await _sender(ctx, session, call)
        if args.paginate:
            await _paginate(send, call, slurp=args.slurp, include=args.include)
            return 0
        if call.method in READ_METHODS:
            response = await _send(send, call, call.params)
        else:
            response = await _write(send, call, ctx.action_log())
    _print(response, include=args.include, separate=False)
    return 0


async def _write(send: Send, call: Call, log: ActionLog) -> httpx.Response:
    """A request that may change something: sent once, and recorded in the history."""
    what = [f"{call.service} {call.method} {call.path}"]
    try:
        response = await _send(send, call, call.params)
    except CarbontuiError as exc:
        log.record(API_ACTION, what, f"error: {exc}")
        raise
    log.record(API_ACTION, what, f"ok ({response.status_code})")
    return response


async def _sender(ctx: CommandContext, session: ProfileSession, call: Call) -> Send:
    if call.service == "carbonext":
        return session.require_carbonext().raw
    registry = session.require_registry()
    auth = await _registry_auth(ctx, registry, call.path)
    return functools.partial(registry.raw, auth=auth)


async def _registry_auth(ctx: CommandContext, registry: RegistryClient, path: str) -> httpx.Auth:
    installation = ctx.args.installation
    given = ctx.args.auth
    kind = (
        raw.registry_credential(path, installation) if given == AUTO else RegistryCredential(given)
    )
    if installation and kind is not RegistryCredential.INSTALLATION:
        warn(f"--installation is not used: this request carries the {kind.value} credential")
    if kind is RegistryCredential.JWT:
        return registry.auth.jwt_auth
    if kind is RegistryCredential.APP:
        return registry.auth.app_token_auth()
    minted = await installation_tokens.obtain(
        registry, installation, ctx.writes("mint an installation token")
    )
    return raw.BearerToken(minted.token.value)


async def _send(send: Send, call: Call, params: raw.Params) -> httpx.Response:
    headers = {"Content-Type": "application/json"} if call.body is not None else None
    return await send(
        call.method,
        call.path,
        idempotent=call.method in READ_METHODS,
        params=list(params) or None,
        content=call.body,
        headers=headers,
    )


async def _paginate(send: Send, call: Call, *, slurp: bool, include: bool) -> None:
    endpoint = f"{call.method} {call.path}"
    pages = raw.follow_pages(
        functools.partial(_send, send, call),
        call.params,
        size_param=SIZE_PARAMS[call.service],
        endpoint=endpoint,
    )
    if not slurp:
        async for page in pages:
            _print(page.response, include=include, separate=True)
        return
    rows: list[Any] = []
    count = size = 0
    async for page in pages:
        if page.rows is None:
            raise ApiError("--slurp: the answer is not a page of rows", endpoint=endpoint)
        size += len(page.response.content)
        if size > raw.MAX_SLURP_BYTES:
            raise ApiError(
                f"--slurp: the pages add up to more than {format_bytes(raw.MAX_SLURP_BYTES)}; "
                "use --paginate alone",
                endpoint=endpoint,
            )
        rows += page.rows
        count += 1
    _print_document({"items": rows, "pages": count})


def _terminal() -> bool:
    return sys.stdout.isatty()


def _print(response: httpx.Response, *, include: bool, separate: bool) -> None:
    """The answer: head lines first with ``include``; ``separate`` ends a piped body with a
    newline, so pages stay apart."""
    if include:
        sys.stdout.write(head(response))
    content = response.content
    if not content:
        return
    if not _terminal():
        if separate and not content.endswith(b"\n"):
            content += b"\n"
        _write_bytes(content)
        return
    if "json" in response.headers.get("content-type", ""):
        try:
            print_json(parse_json(content, endpoint=""))
            return
        except ApiError:
            pass  # shown as the text it is
    text = neutralize(content.decode("utf-8", "replace"), multiline=True)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def head(response: httpx.Response) -> str:
    """The status line and headers, neutralised, anything token-shaped redacted, then a
    blank line."""
    lines = [f"{response.http_version} {response.status_code} {response.reason_phrase}"]
    lines += [f"{name}: {value}" for name, value in response.headers.multi_items()]
    return "".join(neutralize(redact(line)) + "\n" for line in lines) + "\n"


def _print_document(value: Any) -> None:
    if _terminal():
        print_json(value)
    else:
        _write_bytes(msgspec.json.encode(value) + b"\n")


def _write_bytes(data: bytes) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()

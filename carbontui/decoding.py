"""Decode HTTP payloads into typed models, turning every failure into one clear ApiError."""

from __future__ import annotations

from typing import Any, NoReturn, TypeVar

import msgspec

from carbontui.errors import ApiError

T = TypeVar("T")

_json = msgspec.json.Decoder()
#: One typed decoder per model, made on first use.
_typed: dict[Any, msgspec.json.Decoder[Any]] = {}


def parse_json(content: bytes, *, endpoint: str) -> Any:
    """Parse a JSON body into plain Python values."""
    try:
        return _json.decode(content)
    except RecursionError:
        _too_deep(endpoint)
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        # msgspec reports invalid UTF-8 inside a string as a bare UnicodeDecodeError.
        text = content[:60].decode("utf-8", "replace").strip().replace("\n", " ")
        if text.startswith(("{", "[", '"')):
            # Broken JSON may be a cut-off token answer: never quote it.
            raise ApiError(f"response is malformed JSON ({exc})", endpoint=endpoint) from None
        raise ApiError(
            f"response is not JSON ({exc}); it starts with {text!r}", endpoint=endpoint
        ) from None


def convert(value: Any, type_: type[T], *, endpoint: str, what: str = "response") -> T:
    """Validate already-parsed JSON against ``type_`` (``what`` names it in the error)."""
    try:
        return msgspec.convert(value, type=type_)
    except RecursionError:
        _too_deep(endpoint)
    except msgspec.ValidationError as exc:
        _wrong_shape(exc, endpoint=endpoint, what=what)


def decode(content: bytes, type_: type[T], *, endpoint: str) -> T:
    """Parse and validate a JSON body in one step, straight into ``type_``.

    No plain dicts and lists are built on the way: only the values ``type_`` keeps are made.
    Errors are the ones ``parse_json`` and ``convert`` give: a body that is not JSON at all is
    named so even when the typed decoder met a wrong-typed value first. (Values of fields the
    model does not have are skipped unread, so an odd one there no longer fails the body.)
    """
    decoder = _typed.get(type_)
    if decoder is None:
        decoder = _typed[type_] = msgspec.json.Decoder(type_)
    try:
        result: T = decoder.decode(content)
    except RecursionError:
        _too_deep(endpoint)
    except msgspec.ValidationError as exc:
        parse_json(content, endpoint=endpoint)  # raises if the body is not JSON
        _wrong_shape(exc, endpoint=endpoint, what="response")
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        parse_json(content, endpoint=endpoint)  # raises the error a plain parse gives
        raise ApiError(f"response is malformed JSON ({exc})", endpoint=endpoint) from None
    return result


def _too_deep(endpoint: str) -> NoReturn:
    raise ApiError("response is JSON nested too deeply to read", endpoint=endpoint) from None


def _wrong_shape(exc: msgspec.ValidationError, *, endpoint: str, what: str) -> NoReturn:
    field = _field_of(str(exc))
    reason = str(exc).split(" - at `", 1)[0]
    where = f" at `{field}`" if field else ""
    raise ApiError(
        f"unexpected {what} shape{where}: {reason}", endpoint=endpoint, field=field
    ) from None


def _field_of(message: str) -> str | None:
    # msgspec ends path-specific messages with "- at `$.path.to.field`"; for a missing field
    # that path is the enclosing object's: "Object missing required field `x` - at `$.items[0]`".
    marker = "- at `"
    path = message.split(marker, 1)[1].rstrip("`") if marker in message else None
    missing = "missing required field `"
    if missing in message:
        name = message.split(missing, 1)[1].split("`", 1)[0]
        return f"{path or '$'}.{name}"
    return path

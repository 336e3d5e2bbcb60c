"""Decode HTTP payloads into typed models, turning every failure into one clear ApiError."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from carbontui.errors import ApiError

T = TypeVar("T")

_json = msgspec.json.Decoder()


def parse_json(content: bytes, *, endpoint: str) -> Any:
    """Parse a JSON body into plain Python values."""
    try:
        return _json.decode(content)
    except RecursionError:
        raise ApiError("response is JSON nested too deeply to read", endpoint=endpoint) from None
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
        raise ApiError("response is JSON nested too deeply to read", endpoint=endpoint) from None
    except msgspec.ValidationError as exc:
        field = _field_of(str(exc))
        reason = str(exc).split(" - at `", 1)[0]
        where = f" at `{field}`" if field else ""
        raise ApiError(
            f"unexpected {what} shape{where}: {reason}", endpoint=endpoint, field=field
        ) from None


def decode(content: bytes, type_: type[T], *, endpoint: str) -> T:
    """Parse and validate a JSON body in one step."""
    return convert(parse_json(content, endpoint=endpoint), type_, endpoint=endpoint)


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

"""Redaction cost as the number of known secrets grows (target: flat).

Registers N tokens shaped like the platform's (JWTs sharing a header, so their starts are alike),
then times ``redact`` on a 100 KB log text with a few of them in it, and the worst rebuild after
one more token (what a long-running dashboard pays per mint). Ratios are against N = 10 in the
same run.
"""

from __future__ import annotations

import random
import string

import _common

from carbontui import redaction


def token(rng: random.Random) -> str:
    body = "".join(rng.choices(string.ascii_letters + string.digits + "-_", k=600))
    return "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9." + body


def measure(count: int, rng: random.Random, repeat: int) -> tuple[float, float]:
    redaction.forget_all_secrets()
    tokens = [token(rng) for _ in range(count)]
    for value in tokens:
        redaction.register_secret(value)
    text = ("an ordinary log line with words, paths /v1/x and numbers 12345; " * 1600) + " ".join(
        tokens[:3]
    )
    redaction.redact("warm")
    per_text = _common.median_time(lambda: redaction.redact(text), repeat)
    worst = 0.0
    for _ in range(redaction.RECENT_LIMIT + 1):  # one full cycle, including the base rebuild
        redaction.register_secret(token(rng))
        worst = max(worst, _common.median_time(lambda: redaction.redact("x"), 1))
    return per_text, worst


def main() -> None:
    args = _common.parser(__doc__ or "").parse_args()
    sizes = (10, 100) if args.quick else (10, 100, 1000, redaction.MAX_KNOWN)
    repeat = 2 if args.quick else 7
    rng = random.Random(0)
    print(f"machine: {_common.machine()}")
    base_text, base_rebuild = measure(sizes[0], rng, repeat)
    for count in sizes:
        per_text, worst = (
            (base_text, base_rebuild) if count == sizes[0] else measure(count, rng, repeat)
        )
        _common.figure(
            f"redact 100 KB with {count} known secrets",
            per_text * 1000,
            "ms",
            baseline=base_text * 1000,
        )
        _common.figure(
            f"worst rebuild after a new token, {count} known",
            worst * 1000,
            "ms",
            baseline=base_rebuild * 1000,
        )


if __name__ == "__main__":
    main()

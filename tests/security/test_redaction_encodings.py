"""Redaction hides a secret in every form the client itself sends it, and stays exact."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from urllib.parse import quote, quote_plus

import pytest

from carbontui import redaction
from carbontui.redaction import MASK, redact, register_secret

SECRET = 'p@ss+w/rd=S3cr3t&x y%z"q'


@pytest.fixture(autouse=True)
def fresh_registry() -> Iterator[None]:
    redaction.forget_all_secrets()
    yield
    redaction.forget_all_secrets()


@pytest.mark.parametrize(
    "form",
    [
        SECRET,
        quote(SECRET, safe=""),
        quote_plus(SECRET),
        json.dumps(SECRET)[1:-1],
    ],
    ids=["raw", "percent", "form", "json"],
)
def test_every_encoding_the_client_sends_is_hidden(form: str) -> None:
    register_secret(SECRET)
    echoed = f"invalid_client: client_id=cbx_b2b_x&grant_type=x&client_secretx={form}&end"
    assert form not in redact(echoed)
    assert MASK in redact(echoed)


def test_basic_credentials_registered_by_the_token_source_are_hidden() -> None:
    basic = base64.b64encode(f"cbx_b2b_x:{quote(SECRET, safe='')}".encode()).decode()
    register_secret(basic)
    assert basic not in redact(f"server said: got header value {basic}!")


def test_a_secret_that_is_a_prefix_of_another_secrets_key_is_still_found() -> None:
    register_secret("abcdefgh")
    register_secret("zzzzzzzzabcdefghijklmnop")
    text = "x abcdefgh y zzzzzzzzabcdefghijklmnop w abcdefghijk"
    assert redact(text) == f"x {MASK} y {MASK} w {MASK}ijk"


def test_overlapping_secrets_are_masked_as_one_span() -> None:
    register_secret("aaaaaa111111")
    register_secret("111111bbbbbb")
    assert redact("<aaaaaa111111bbbbbb>") == f"<{MASK}>"


def test_many_secrets_are_all_found_after_the_indexes_rebuild() -> None:
    values = [f"secret-value-{i:05d}-tail" for i in range(redaction.RECENT_LIMIT * 3 + 5)]
    for value in values:
        register_secret(value)
    text = " ".join(values)
    assert redact(text) == " ".join([MASK] * len(values))


def test_a_huge_value_is_remembered_in_pieces() -> None:
    huge = "".join(f"{i:08d}" for i in range(redaction.MAX_SECRET_LENGTH // 4))
    register_secret(huge)
    assert redaction.known_secret_count() == 2
    assert redact(f"<{huge}>") == f"<{MASK}>"


TOKEN = "abcdefghijklmnopqrstuvwxyz012345"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Authorization: Bearer {TOKEN}", f"Authorization: {MASK}"),
        (f'{{"refresh_token": "{TOKEN}"}}', f'{{"refresh_token": "{MASK}"}}'),
        (f"password={TOKEN}123 end", f"password={MASK} end"),
        ("secret=-----BEGIN X-----\nabc\n-----END X-----", f"secret={MASK}"),
    ],
    ids=["bearer-header", "json", "secret-prefix", "pem"],
)
def test_a_value_masked_already_is_not_masked_again(text: str, expected: str) -> None:
    # A known secret (or a PEM block) is masked first; the `name: value` pattern then used to
    # take `[REDACTED` as the value and leave `[REDACTED]]`.
    register_secret(TOKEN)
    assert redact(text) == expected
    assert redact(expected) == expected


def test_a_bearer_header_reads_the_same_whether_the_token_is_known_or_not() -> None:
    line = f"Authorization: Bearer {TOKEN}"
    unknown = redact(line)
    register_secret(TOKEN)
    assert redact(line) == unknown == f"Authorization: {MASK}"

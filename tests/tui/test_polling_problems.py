"""Which poll failures are worth retrying, and what the user is told to do about the rest."""

from __future__ import annotations

from carbontui.config import ConfigError
from carbontui.errors import ApiError, AuthError, CarbontuiError, NetworkError
from carbontui.tui.problems import classify, retry_after

TOKEN = "POST /connect/token"


def test_a_missing_env_var_is_lasting_and_names_the_variable() -> None:
    problem = classify(ConfigError("environment variable CARBONEXT_SECRET is not set"))
    assert problem.lasting
    assert problem.advice.startswith("Set CARBONEXT_SECRET")
    assert "ctrl+r" in problem.advice


def test_refusals_are_lasting_and_transient_failures_are_not() -> None:
    forbidden = ApiError(
        "Missing permission: customer_applications_read", endpoint="GET /v1/x", status=403
    )
    assert classify(forbidden).lasting and "permission" in classify(forbidden).advice
    keycloak = AuthError("bad", endpoint=TOKEN, status=400, code="invalid_client")
    assert classify(keycloak).lasting and "client_secret" in classify(keycloak).advice
    jwt = AuthError("Invalid JWT signature", endpoint="POST /app/accessTokens", status=401)
    assert "private_key_file" in classify(jwt).advice
    for transient in (
        NetworkError("cannot connect", endpoint=TOKEN),
        ApiError("Service Unavailable", endpoint="GET /v1/x", status=503),
        ApiError("Too Many Requests", endpoint="GET /v1/x", status=429),
    ):
        assert not classify(transient).lasting and classify(transient).advice == ""


def test_a_wrapping_error_is_judged_by_its_cause() -> None:
    refused = AuthError("invalid_client", endpoint=TOKEN, status=401)
    limited = ApiError("Too Many Requests", endpoint="GET /v1/x", status=429)
    limited.retry_after = 20
    wrapped = CarbontuiError("Carbonext: refused")
    wrapped.__cause__ = refused
    assert classify(wrapped).lasting and classify(wrapped).message == "Carbonext: refused"
    slow = CarbontuiError("Carbonext: limited")
    slow.__cause__ = limited
    assert not classify(slow).lasting and retry_after(slow) == 20
    assert retry_after(NetworkError("x", endpoint=TOKEN)) is None

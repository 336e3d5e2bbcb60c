"""Sandbox RSA keys made ahead on background threads (the demo's startup overlap)."""

from __future__ import annotations

import threading

import pytest

from carbontui.sandbox import keys
from carbontui.sandbox.options import SandboxOptions
from carbontui.sandbox.state import SandboxState


def test_state_takes_the_prefetched_keys() -> None:
    keys.prefetch_rsa_keys()
    pending = list(keys._prefetched)
    assert len(pending) == keys.SANDBOX_KEYS
    state = SandboxState(SandboxOptions())
    assert not keys._prefetched
    made = [future.result() for future in pending]
    assert [state.app_private_key, state.realm_key] == made  # the one needed first, first
    assert state.realm_key.key_size == 2048
    assert state.realm_key.private_numbers() != state.app_private_key.private_numbers()


def test_keys_are_made_off_the_calling_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    made_on: list[str] = []
    real = keys._generate

    def generate() -> object:
        made_on.append(threading.current_thread().name)
        return real()

    monkeypatch.setattr(keys, "_generate", generate)
    keys.prefetch_rsa_keys(1)
    keys.new_rsa_key()
    keys.new_rsa_key()  # nothing pending: made here
    assert made_on == ["rsa-keygen", threading.current_thread().name]


def test_without_prefetch_the_realm_key_is_made_in_the_background(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made_on: list[str] = []
    real = keys._generate

    def generate() -> object:
        made_on.append(threading.current_thread().name)
        return real()

    monkeypatch.setattr(keys, "_generate", generate)
    state = SandboxState(SandboxOptions())
    assert state.realm_key.key_size == 2048
    assert sorted(made_on) == sorted([threading.current_thread().name, "rsa-keygen"])


def test_a_failed_prefetch_raises_where_the_key_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> object:
        raise RuntimeError("no entropy")

    monkeypatch.setattr(keys, "_generate", broken)
    keys.prefetch_rsa_keys(1)
    with pytest.raises(RuntimeError, match="no entropy"):
        keys.new_rsa_key()
    assert not keys._prefetched

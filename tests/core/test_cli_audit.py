"""``keys matrix`` and ``keys diff`` against real sandboxes (two private ones for a diff)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from core_testlib import GET_KEY, LIST_KEYS, Sandbox, SandboxFactory

from carbontui.cli import main
from carbontui.usecases.audit import area_of, compare, is_broad, matrix_of


def ids(box: Sandbox, *names: str) -> tuple[str, ...]:
    by_name = {p.name: p.id for p in box.state.catalog}
    return tuple(by_name[name] for name in names)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def profile_block(name: str, box: Sandbox) -> str:
    admin = box.state.admin_application("hml")
    return f"""
[profiles.{name}]
environment = "{name}"
[profiles.{name}.carbonext]
api_url = "{box.url}"
token_url = "{box.url}/auth/realms/co2free/protocol/openid-connect/token"
client_id = "{admin.client_id}"
client_secret = "{admin.client_secret}"
scope = "roles"
"""


@pytest.fixture
def two(make_sandbox: SandboxFactory, tmp_path: Path) -> tuple[Path, Sandbox, Sandbox]:
    """A config with profiles ``hml`` and ``prod`` on two sandboxes whose keys differ."""
    hml, prod = make_sandbox(seed=1, apps=6), make_sandbox(seed=2, apps=6)
    hml.state.add_application("cbx_b2b_billing", "Billing", ids(hml, "orders_read"))
    prod.state.add_application(
        "cbx_b2b_billing", "Billing", ids(prod, "orders_read", "orders_write")
    )
    hml.state.add_application("cbx_b2b_reports_v1", "Reports", ids(hml, "financial_read"))
    prod.state.add_application("cbx_b2b_reports", "Reports", ids(prod, "financial_read"))
    hml.state.add_application("cbx_b2b_legacy", "Legacy", ids(hml, "users_read"))
    config = tmp_path / "two.toml"
    config.write_text(profile_block("hml", hml) + profile_block("prod", prod))
    config.chmod(0o600)
    return config, hml, prod


def test_matrix_text_json_csv(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = ["--config", str(sandbox.config_path)]
    code, out, err = run(capsys, *cfg, "keys", "matrix", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    keys = {k["clientId"]: k for k in data["keys"]}
    assert len(keys) == len(sandbox.state.applications)
    for app in sandbox.state.applications:
        assert sorted(keys[app.client_id]["permissions"]) == sorted(
            sandbox.state.permission_names(app)
        )
    names = [p["name"] for p in data["permissions"]]
    assert names == sorted(names, key=lambda n: (area_of(n), n))
    assert {p["name"] for p in data["permissions"] if p["broad"]} >= {"orders_write"}
    # One list request set plus one detail request per key, no more.
    assert sandbox.stats()[GET_KEY] == len(sandbox.state.applications)
    assert sandbox.stats()[LIST_KEYS] >= 1

    code, out, _ = run(capsys, *cfg, "keys", "matrix", "--csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0][:4] == ["id", "client_id", "display_name", "permissions"]
    assert rows[0][4:] == names and len(rows) == 1 + len(sandbox.state.applications)
    test_app = next(r for r in rows if r[1] == "cbx_b2b_app_test")
    assert dict(zip(rows[0][4:], test_app[4:], strict=True))["orders_write"] == "1"

    code, out, _ = run(capsys, *cfg, "keys", "matrix")
    lines = out.splitlines()
    assert code == 0 and lines[1].split()[:3] == ["KEY", "NAME", "PERMS"]
    line = next(li for li in lines if li.startswith("cbx_b2b_app_test "))
    assert line.split()[-10:].count("W") == 1  # orders_write, marked without colour
    assert lines[-1] == f"{len(sandbox.state.applications)} keys, {len(names)} permissions"


def test_matrix_filtered_by_permission(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = ["--config", str(sandbox.config_path)]
    code, out, _ = run(capsys, *cfg, "keys", "matrix", "--permission", "orders_write", "--json")
    holders = {k["clientId"] for k in json.loads(out)["keys"]}
    expected = {
        a.client_id
        for a in sandbox.state.applications
        if "orders_write" in sandbox.state.permission_names(a)
    }
    assert code == 0 and holders == expected and "cbx_b2b_app_test" in holders
    code, _, err = run(capsys, *cfg, "keys", "matrix", "--permission", "orders_wrte")
    assert code == 2 and "no key holds 'orders_wrte'" in err


def test_hostile_names_are_inert_in_text_and_csv(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.state.add_application(
        "cbx_b2b_evil", '=HYPERLINK("http://x")\x1b]52;c;cGF5bG9hZA==\x07', ()
    )
    cfg = ["--config", str(sandbox.config_path)]
    for fmt in ((), ("--csv",)):
        code, out, _ = run(capsys, *cfg, "keys", "matrix", *fmt)
        assert code == 0 and "\x1b" not in out and "\x07" not in out
    rows = list(csv.reader(io.StringIO(out)))
    evil = next(r for r in rows if r[1] == "cbx_b2b_evil")
    assert evil[2].startswith("'=HYPERLINK")


def test_diff_text_json_csv(
    two: tuple[Path, Sandbox, Sandbox], capsys: pytest.CaptureFixture[str]
) -> None:
    config, _, _ = two
    cfg = ["--config", str(config)]
    code, out, err = run(capsys, *cfg, "keys", "diff", "hml", "prod", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    pairs = {p["a"]["clientId"]: p for p in data["pairs"]}
    assert pairs["cbx_b2b_billing"]["matchedBy"] == "client id"
    assert pairs["cbx_b2b_billing"]["onlyInB"] == ["orders_write"]
    assert pairs["cbx_b2b_billing"]["onlyInA"] == []
    assert pairs["cbx_b2b_reports_v1"]["matchedBy"] == "display name"
    assert pairs["cbx_b2b_reports_v1"]["b"]["clientId"] == "cbx_b2b_reports"
    assert pairs["cbx_b2b_reports_v1"]["same"] is True
    assert pairs["cbx_b2b_app_test"]["same"] is True  # the doc's example key, in both
    only_a = {k["clientId"] for k in data["onlyInA"]}
    assert "cbx_b2b_legacy" in only_a and "cbx_b2b_billing" not in only_a

    code, out, _ = run(capsys, *cfg, "keys", "diff", "hml", "prod")
    assert code == 0
    assert out.splitlines()[0].startswith("hml ↔ prod: ")
    block = out.split("~ cbx_b2b_billing", 1)[1].split("\n\n", 1)[0]
    assert '"Billing"' in block and "+ orders_write" in block and "only in prod  (writes)" in block
    assert '< cbx_b2b_legacy  "Legacy"  only in hml (1 permission)' in out
    assert "cbx_b2b_reports_v1" not in out  # the same: listed only with --all
    code, out_all, _ = run(capsys, *cfg, "keys", "diff", "hml", "prod", "--all")
    assert "= cbx_b2b_reports_v1" in out_all and "↔ cbx_b2b_reports" in out_all

    code, out, _ = run(capsys, *cfg, "keys", "diff", "hml", "prod", "--csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["change", "hml_client_id", "prod_client_id", "display_name", "permission"]
    assert ["only in prod", "cbx_b2b_billing", "cbx_b2b_billing", "Billing", "orders_write"] in rows
    assert ["key only in hml", "cbx_b2b_legacy", "", "Legacy", ""] in rows


def test_diff_usage_errors(
    two: tuple[Path, Sandbox, Sandbox], capsys: pytest.CaptureFixture[str]
) -> None:
    config, _, _ = two
    code, _, err = run(capsys, "--config", str(config), "keys", "diff", "hml", "hml")
    assert code == 2 and "two different profiles" in err
    code, _, err = run(capsys, "--config", str(config), "keys", "diff", "hml", "prd")
    assert code == 2 and "prd" in err


def test_compare_matches_client_ids_first_then_names() -> None:
    from carbontui.api.models import Application, ApplicationSummary, Permission

    def key(cid: str, name: str, *perms: str) -> tuple[ApplicationSummary, Application]:
        permissions = tuple(Permission(p, p) for p in perms)
        return ApplicationSummary(cid, cid, name), Application(cid, cid, name, permissions)

    left = [key("cbx_b2b_a", "Same name"), key("cbx_b2b_b", "B", "orders_write")]
    right = [key("a", "Other name"), key("cbx_b2b_c", "b", "orders_read")]
    result = compare(
        matrix_of([d for _, d in left], [s for s, _ in left]),
        matrix_of([d for _, d in right], [s for s, _ in right]),
        ("x", "y"),
    )
    assert [(p.left.key.id, p.right.key.id, p.matched_by) for p in result.pairs] == [
        ("cbx_b2b_a", "a", "client id"),
        ("cbx_b2b_b", "cbx_b2b_c", "display name"),
    ]
    assert result.pairs[1].only_left == ["orders_write"] and result.differences == 1
    assert is_broad("orders_write") and is_broad("users_admin") and not is_broad("orders_read")

"""A dashboard keeps working when its ``--config-out`` sandbox is restarted on the same port."""

from __future__ import annotations

from pathlib import Path

from tui_testlib import SIZE, loaded_keys, wait_until

from carbontui.clock import ManualClock
from carbontui.config import load_config
from carbontui.history import ActionHistory
from carbontui.sandbox import SandboxOptions, SandboxServer, write_config
from carbontui.sandbox.config_out import reusable_app_key
from carbontui.tui.app import CarbonApp
from carbontui.tui.views.installations import InstallationsView


async def test_restart_on_the_same_config_out_keeps_the_registry_working(
    tmp_path: Path, clock: ManualClock
) -> None:
    out = tmp_path / "sbx"
    first = SandboxServer(SandboxOptions(seed=0, now=clock)).start()
    try:
        config = write_config(out, first.url, first.app)
        app = CarbonApp(
            load_config(config),
            profile="sandbox-hml",
            clock=clock,
            history=ActionHistory(tmp_path / "history.jsonl", clock=clock),
            shared_cache=False,
        )
        async with app.run_test(size=SIZE) as pilot:
            await loaded_keys(app, pilot)
            await pilot.press("3")
            view = app.query_one(InstallationsView)
            await wait_until(pilot, lambda: view.table.total_count > 0)
            first.stop()
            # What `carbontui sandbox --config-out` does on its next start, same port.
            options = SandboxOptions(seed=0, now=clock, app_key=reusable_app_key(out))
            second = SandboxServer(options, port=first.port).start()
            try:
                write_config(out, second.url, second.app)
                await pilot.press("t")  # mint an installation token: signs an app JWT
                await wait_until(
                    pilot,
                    lambda: any(
                        e.action == "mint-installation-token" for e in app.history.entries()
                    ),
                )
                [entry] = app.history.entries()
                assert entry.outcome == "ok", entry.outcome
                assert len(second.state.registry_tokens) >= 1
            finally:
                second.stop()
    finally:
        first.stop()

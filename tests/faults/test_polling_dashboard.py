"""The dashboard against a hung server: progress shows while it waits, and the poll gives up
after one full attempt and a short retry instead of four full attempts."""

from __future__ import annotations

import random
from pathlib import Path

from faults_testlib import NoSleep, Sandbox
from test_ambiguous_create import with_timeout
from test_dashboard_faults import SIZE, TABS, loaded, wait_until

from carbontui.config import load_config
from carbontui.history import ActionHistory
from carbontui.transport import RetryPolicy
from carbontui.tui.app import CarbonApp
from carbontui.tui.views.polling import POLL_PATIENCE

TIMEOUT = 0.4


async def test_a_hung_server_shows_progress_and_goes_stale_after_two_attempts(
    box: Sandbox, tmp_path: Path
) -> None:
    config = load_config(with_timeout(Path(box.config.path), TIMEOUT))
    # Retries wait a few milliseconds (not really slept), so only the patience limits them.
    retry = RetryPolicy(sleep=NoSleep(), base_delay=0.01, rng=random.Random(0))
    app = CarbonApp(
        config,
        profile="sandbox-hml",
        history=ActionHistory(tmp_path / "history.jsonl"),
        retry=retry,
        shared_cache=False,
    )
    route = TABS["keys"][1]
    async with app.run_test(size=SIZE) as pilot:
        view = await loaded(app, pilot, "keys")
        view.patience_slack = 0.0  # 1.5 timeouts, as for the default 15 s timeout
        box.reset_stats()
        box.add_fault(route=route, kind="hang")
        seen: list[str] = []

        def record(progress: str) -> None:
            seen.append(progress)

        view.watch(view.status, "progress", record, init=False)
        view.poll()
        await wait_until(pilot, lambda: view.failures == 1 and not view._polling())
        assert "loading…" in seen and "loading… (attempt 2)" in seen
        # Four 0.4 s attempts without a deadline; with 1.5 timeouts of patience, two.
        assert box.requests(route) == 2
        assert f"no answer for {POLL_PATIENCE * TIMEOUT:g} s" in view.status.problem
        assert view.table.stale and view.status.progress.startswith("retrying in")

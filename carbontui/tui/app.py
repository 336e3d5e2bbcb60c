"""The carbontui dashboard application."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Sequence
from typing import ClassVar

import httpx
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static, TabbedContent, TabPane

from carbontui import logging_setup
from carbontui.clock import Clock, system_clock
from carbontui.config import Config, ConfigError, load_config
from carbontui.errors import ApiError, CarbontuiError, ReadOnlyError
from carbontui.history import ActionHistory
from carbontui.preferences import Preferences
from carbontui.sanitize import neutralize
from carbontui.tui.crash import crash_report
from carbontui.tui.identity import fetch_identity
from carbontui.tui.screens.confirm import ConfirmScreen
from carbontui.tui.screens.help import HelpScreen, inherited_bindings
from carbontui.tui.services import Services
from carbontui.tui.views.identity import IdentityView
from carbontui.tui.views.installations import InstallationsView
from carbontui.tui.views.keys import KeysView
from carbontui.tui.views.polling import PollingView
from carbontui.tui.views.profiles import ProfilesView
from carbontui.tui.widgets.context_header import ContextHeader
from carbontui.tui.widgets.virtual_table import VirtualTable
from carbontui.usecases.gate import ActionLog, WriteGate

#: (pane id, tab label, view class) in number-key order.
TABS = (
    ("keys", "1 Keys", KeysView),
    ("identity", "2 Identity & tokens", IdentityView),
    ("installations", "3 Installations", InstallationsView),
    ("profiles", "4 Profiles", ProfilesView),
)


class Dashboard(Vertical):
    """The tabs of one open profile; replaced whole when the profile changes."""

    def __init__(self, services: Services, *, initial: str) -> None:
        super().__init__(id="dashboard")
        self.services = services
        self.initial = initial

    def compose(self) -> ComposeResult:
        with TabbedContent(initial=self.initial, id="tabs"):
            for pane_id, label, view in TABS:
                with TabPane(label, id=pane_id):
                    yield view(self.services, id=f"{pane_id}-view")


class CarbonApp(App[None]):
    """Keys, identity and tokens, installations and profiles for one profile at a time."""

    CSS_PATH = "app.tcss"
    TITLE = "carbontui"
    AUTO_FOCUS = "VirtualTable"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "show_tab('keys')", "Keys", show=False),
        Binding("2", "show_tab('identity')", "Identity", show=False),
        Binding("3", "show_tab('installations')", "Installations", show=False),
        Binding("4", "show_tab('profiles')", "Profiles", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("h", "history", "History", show=False),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        config: Config,
        *,
        profile: str | None = None,
        read_only: bool = False,
        demo: bool = False,
        clock: Clock = system_clock,
        history: ActionHistory | None = None,
        preferences: Preferences | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__()
        self.services = Services(
            config, clock=clock, force_read_only=read_only, transport=transport
        )
        self.history = history or ActionHistory(clock=clock)
        self.preferences = preferences or Preferences()
        self._initial_profile = profile
        self._demo = demo
        #: The tab to show; kept across profile switches and set before the tabs exist.
        self._tab = "keys"
        #: The first crash's report (redacted, no locals), as printed when the app exits.
        self.crash_report: str | None = None

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """As ``App.notify``, but literal text by default: messages quote what servers sent.

        The one way to a toast (``Widget.notify`` comes here too): message and title are
        neutralised, so no escape sequence or control character reaches the terminal.
        """
        super().notify(
            neutralize(message, multiline=True),
            title=neutralize(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    # -- crashes ------------------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        """An unhandled exception: exit with a report that has no locals and no secrets.

        Replaces Textual's handler, whose Rich traceback renders every frame's locals (a
        client secret, a token). The bookkeeping (return code, the exception ``run_test``
        re-raises) is Textual's.
        """
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self._report_crash(error)

    def _fatal_error(self) -> None:
        """Textual's other way in: the exception being handled, reported the same way."""
        error = sys.exc_info()[1]
        if error is None:
            error = RuntimeError("unknown fatal error")
        self._report_crash(error)

    def _report_crash(self, error: BaseException) -> None:
        report = crash_report(error)
        if self.crash_report is None:
            self.crash_report = report
        if logging_setup.current_log_file() is not None:
            logging.getLogger("carbontui").error("%s", report)
        self.bell()
        self._exit_renderables.append(Text(report))
        self._close_messages_no_wait()

    async def action_quit(self) -> None:
        """Quit; first ask if a new key's secret is on screen and was never saved."""
        from carbontui.tui.screens.secret_once import SecretOnceScreen

        unsaved = any(
            isinstance(screen, SecretOnceScreen) and not screen.saved_to
            for screen in self.screen_stack
        )
        if not unsaved:
            self.exit()
            return

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.exit()

        self.push_screen(
            ConfirmScreen(
                "The new key's client secret was not saved and cannot be shown again. Quit?",
                confirm_label="Yes, quit",
            ),
            answered,
        )

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ContextHeader()
        yield Vertical(id="main")
        yield Footer()

    async def on_mount(self) -> None:
        self.query_one(ContextHeader).demo = self._demo
        await self.open_profile(self._initial_profile)

    async def open_profile(self, name: str | None) -> None:
        """Close the current profile (cancelling its workers) and open ``name``."""
        old = self.services.session
        main = self.query_one("#main", Vertical)
        await main.remove_children()  # removing the views cancels their workers
        if old is not None:
            await old.aclose()
            self.services.session = None
        try:
            session = self.services.open(name)
        except (ConfigError, CarbontuiError) as exc:
            self.notify(str(exc), title="Cannot open profile", severity="error", timeout=15)
            message = Text.assemble(("Cannot open profile: ", "bold"), neutralize(str(exc)))
            await main.mount(Static(message, classes="panel error"))
            await main.mount(ProfilesView(self.services, id="profiles-view"))
            self._update_header()
            return
        await main.mount(Dashboard(self.services, initial=self._tab))
        saved_theme = self.preferences.theme_for(session.profile.name)
        if saved_theme and saved_theme in self.available_themes:
            self.theme = saved_theme
        self._update_header()
        self._focus_active()
        self.load_identity()
        self.log.info(f"opened profile {session.profile.name}")

    def watch_theme(self, theme: str) -> None:
        """Remember a theme chosen (e.g. from the palette) for the profile in use."""
        if self.services.session is not None:
            self.preferences.remember_theme(self.services.session.profile.name, theme)

    def _update_header(self) -> None:
        header = self.query_one(ContextHeader)
        session = self.services.session
        header.profile = session.profile.name if session else "-"
        header.environment = session.profile.environment if session else ""
        header.read_only = bool(session) and self.services.read_only
        header.identity = ""
        self.sub_title = neutralize(header.profile)

    @work(exclusive=True, group="identity")
    async def load_identity(self) -> None:
        """Fill the header's identity without waiting for the Identity tab."""
        session = self.services.session
        if session is None or session.carbonext is None:
            return
        header = self.query_one(ContextHeader)
        try:
            header.identity = (await fetch_identity(session.carbonext)).headline
        except CarbontuiError as exc:
            reason = exc.message if isinstance(exc, ApiError) else str(exc)
            header.identity = f"identity unknown ({reason})"

    # -- navigation ---------------------------------------------------------------------------

    def action_show_tab(self, pane_id: str) -> None:
        """Switch to a tab by id."""
        self._tab = pane_id
        tabs = self.query(TabbedContent)
        if tabs:
            tabs.first().active = pane_id
            self._focus_active()

    @on(TabbedContent.TabActivated)
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id:
            self._tab = event.pane.id
        self._focus_active()
        view = self._active_view()
        if isinstance(view, PollingView):
            view.tick()

    def _active_view(self) -> Widget | None:
        tabs = self.query(TabbedContent)
        if not tabs or not tabs.first().active:
            return None
        pane = tabs.first().get_pane(tabs.first().active)
        return pane.children[0] if pane.children else None

    def _focus_active(self) -> None:
        view = self._active_view()
        if view is not None:
            tables = view.query(VirtualTable)
            if tables:
                self.call_after_refresh(tables.first().focus)

    @work(exclusive=True, group="switch-profile")
    async def switch_profile(self, name: str) -> None:
        """Switch every view to another profile."""
        if self.services.session and self.services.session.profile.name == name:
            self.notify(f"already on {name}")
            return
        await self.open_profile(name)
        if self.services.session:
            self.notify(f"switched to profile {name}")

    def action_help(self) -> None:
        """Show every key binding."""
        groups: list[tuple[str, list[BindingType]]] = [("Everywhere", list(self.BINDINGS))]
        for _, label, view in TABS:
            groups.append((label.split(" ", 1)[1], inherited_bindings(view)))
        groups.append(("Tables", list(VirtualTable.BINDINGS)))
        self.push_screen(HelpScreen(groups))

    def action_history(self) -> None:
        """Show the local action history."""
        from carbontui.tui.screens.history import HistoryScreen

        self.push_screen(HistoryScreen(self.history))

    def reload_config(self) -> None:
        """Re-read the config (and credentials.toml) so newly saved profiles appear."""
        try:
            self.services.config = load_config(self.services.config.path)
        except ConfigError as exc:
            self.notify(str(exc), title="Config not reloaded", severity="error")
            return
        for view in self.query(ProfilesView):
            view.refresh_rows()

    # -- writes -------------------------------------------------------------------------------

    async def confirm_write(self, question: str, action: str, *, always_ask: bool = False) -> bool:
        """The write gate (``usecases.gate``) with this app's ConfirmScreen as its question.

        Refuses when read-only; typed confirmation on prod. Must be awaited from a worker (it
        waits for a modal answer).
        """
        try:
            return await self.write_gate().confirmed(
                action, question, self.ask_confirmation, always_ask=always_ask
            )
        except ReadOnlyError:
            self.refuse_read_only(action)
            return False

    def refuse_read_only(self, action: str) -> None:
        """Say that the gate refused ``action`` because the profile is read-only."""
        profile = self.services.profile
        self.notify(f"profile {profile.name} is read-only: cannot {action}", severity="error")

    def write_gate(self) -> WriteGate:
        """The write gate of the open profile (``--read-only`` included)."""
        profile = self.services.profile
        return WriteGate(profile.name, self.services.read_only, profile.is_prod)

    async def ask_confirmation(self, question: str, type_to_confirm: str | None) -> bool:
        """The gate's ``confirm``: a modal; on prod the profile name must be typed."""
        if type_to_confirm:
            screen = ConfirmScreen(
                question, confirm_label="Confirm", type_to_confirm=type_to_confirm
            )
        else:
            screen = ConfirmScreen(question)
        answer: bool | None = await self.push_screen_wait(screen)
        return bool(answer)

    def action_log(self) -> ActionLog:
        """The open profile's action history; a failure to write is reported, not fatal."""
        profile = self.services.session.profile.name if self.services.session else "-"

        def failed(exc: OSError) -> None:
            self.notify(f"could not write the action history: {exc}", severity="warning")

        return ActionLog(self.history, profile, on_error=failed)

    def record_action(self, action: str, *, objects: Sequence[str], outcome: str) -> None:
        """Append to the local history (through ``usecases.gate.ActionLog``)."""
        self.action_log().record(action, objects, outcome)

    @work(exclusive=True, group="create-key")
    async def action_create_key(self) -> None:
        """Create a key: form, one request, then the one-time secret view."""
        from carbontui.tui.screens.key_create import CreateKeyScreen
        from carbontui.tui.screens.secret_once import SecretOnceScreen

        session = self.services.session
        if session is None or session.carbonext is None:
            self.notify("this profile has no Carbonext section", severity="warning")
            return
        if not await self.confirm_write("Create a new API key?", "create a key"):
            return
        created = await self.push_screen_wait(CreateKeyScreen(self.services))
        if created is None:
            return
        await self.push_screen_wait(SecretOnceScreen(self.services, created))
        view = self.query(KeysView)
        if view:
            view.first().poll()

    # -- command palette ----------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for pane_id, label, _ in TABS:
            name = label.split(" ", 1)[1]
            yield SystemCommand(
                f"Go to {name}", f"Show the {name} tab", lambda p=pane_id: self.action_show_tab(p)
            )
        view = self._active_view()
        if isinstance(view, PollingView):
            yield SystemCommand("Reload", f"Reload {view.title} now", view.action_reload)
        writable = self.services.session is not None and not self.services.read_only
        if writable:
            yield SystemCommand("New API key", "Create a Carbonext API key", self.action_create_key)
        if isinstance(view, InstallationsView) and writable:
            yield SystemCommand(
                "Mint installation token", "For the selected installation", view.action_mint
            )
            yield SystemCommand(
                "Revoke installation token", "For the selected installation", view.action_revoke
            )
        if isinstance(view, IdentityView):
            yield SystemCommand(
                "Refresh token", "Renew the selected token now", view.action_refresh_token
            )
            yield SystemCommand(
                "Reveal token", "Show or hide the selected token", view.action_reveal
            )
        for name in self.services.config.profiles:
            yield SystemCommand(
                f"Switch to profile {name}",
                "Open this profile in every view",
                lambda n=name: self.switch_profile(n),
            )
        yield SystemCommand(
            "Action history", "What this machine did, newest first", self.action_history
        )
        yield SystemCommand("Help", "Every key binding", self.action_help)

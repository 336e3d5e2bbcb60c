"""The carbontui dashboard application: composition, profile lifecycle, navigation, palette.

Other jobs live beside it: the write gate and action history (``write_gate``), the create-key
flow (``create_key``), the palette's entries (``palette``), crash reports (``crash``), the
header's identity (``widgets.context_header``). Views reach the app through
``app_access.carbon_app``.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.constants import DEFAULT_THEME
from textual.containers import Vertical
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static, TabbedContent

from carbontui.auth.shared_store import SharedTokenStore
from carbontui.clock import Clock, system_clock
from carbontui.config import Config, ConfigError, load_config
from carbontui.errors import CarbontuiError
from carbontui.history import ActionHistory
from carbontui.preferences import Preferences
from carbontui.sanitize import neutralize
from carbontui.transport import RetryPolicy
from carbontui.tui.actions import binding
from carbontui.tui.crash import CrashReportingApp
from carbontui.tui.services import Services
from carbontui.tui.tabs import TABS, Dashboard, new_view
from carbontui.tui.views.polling import PollingView
from carbontui.tui.widgets.context_header import ContextHeader
from carbontui.tui.widgets.footer import KeyFooter
from carbontui.tui.widgets.virtual_table import VirtualTable
from carbontui.tui.write_gate import DashboardWrites

if TYPE_CHECKING:
    import httpx

# What only a key press, a dialog or another tab needs is imported where it is used, so a
# start imports what the first screen shows and no more (see ``tabs``).

__all__ = ["TABS", "CarbonApp", "Dashboard"]

#: Seconds between looks at the shared token cache (a directory listing and a few stats).
TOKEN_SYNC_INTERVAL = 2.0
#: Seconds after mounting that the cyclic garbage collector stays paused (see ``resume_gc``).
STARTUP_GC_PAUSE = 2.0


def resume_gc() -> None:
    """Start the collector paused for the start, with what the start made set aside.

    ``gc.freeze`` moves every object alive now (modules, widgets, styles) out of the
    collector's way for good, so later collections only look at what came after.
    """
    gc.freeze()
    gc.enable()


class CarbonApp(CrashReportingApp):
    """Keys, identity and tokens, installations and profiles for one profile at a time."""

    CSS_PATH = "app.tcss"
    TITLE = "carbontui"
    AUTO_FOCUS = "VirtualTable"
    BINDINGS: ClassVar[list[BindingType]] = [
        binding("tab.keys", show=False),
        binding("tab.identity", show=False),
        binding("tab.installations", show=False),
        binding("tab.profiles", show=False),
        binding("app.command", show=False),
        binding("app.help"),
        binding("app.history", show=False),
        binding("app.quit"),
        binding("app.quit_anywhere", show=False, priority=True),
        binding("app.interrupt", show=False, priority=True),
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
        retry: RetryPolicy | None = None,
        shared_cache: bool | None = None,
    ) -> None:
        palette_keys = config.keymap.get("app.palette")
        if palette_keys:  # Textual makes its palette binding in App.__init__ from this
            setattr(self, "COMMAND_PALETTE_BINDING", palette_keys)  # noqa: B010
        super().__init__()
        # The demo's sandbox lives and dies with the process: its tokens stay in memory.
        shared = not demo if shared_cache is None else shared_cache
        self.services = Services(
            config,
            clock=clock,
            force_read_only=read_only,
            transport=transport,
            retry=retry,
            token_store=SharedTokenStore() if shared else None,
        )
        self.history = history or ActionHistory(clock=clock)
        #: The write gate, its confirmation modal and the action history, for views and screens.
        self.writes = DashboardWrites(self, self.services, self.history)
        self.preferences = preferences or Preferences()
        self._initial_profile = profile
        self._demo = demo
        #: The tab to show; kept across profile switches and set before the tabs exist.
        self._tab = "keys"
        #: Set while the app itself applies a theme (opening a profile): not the user's choice.
        self._applying_theme = False

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
        neutralised, so no escape sequence or control character reaches the terminal. Textual's
        own notices (``textual.app`` calling with its default) are its markup templates and
        render as such.
        """
        if not markup and sys._getframe(1).f_globals.get("__name__") == "textual.app":
            markup = True
        super().notify(
            neutralize(message, multiline=True),
            title=neutralize(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def request_quit(self) -> None:
        """Quit; first ask if a new key's secret is on screen and was never saved."""
        from carbontui.tui.screens.secret_once import quit_unless_secret_unsaved

        quit_unless_secret_unsaved(self)

    def action_help_quit(self) -> None:
        """Textual's ``ctrl+c`` quits like ``q`` (Textual would only tell you which key quits)."""
        self.request_quit()

    def action_interrupt(self) -> None:
        """``ctrl+c``, on every screen: copy the selected text if there is some, else quit."""
        focused = self.focused
        copy = getattr(focused, "action_copy", None)
        if copy is not None and getattr(focused, "selected_text", None):
            copy()  # an Input or a TextArea with a selection
        elif self.screen.get_selected_text():
            self.screen.action_copy_text()
        else:
            self.request_quit()

    async def action_quit(self) -> None:
        """``q``, ``ctrl+q``, the palette's Quit: see ``request_quit``."""
        self.request_quit()

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ContextHeader()
        # The first profile's views are composed with the screen, so the whole first frame is
        # styled and laid out once (mounting them afterwards restyled every widget again).
        with Vertical(id="main"):
            yield from self._open(self._initial_profile)
        yield KeyFooter()

    async def on_mount(self) -> None:
        if not gc.isenabled():  # paused for the start by ``cli.main``
            self.set_timer(STARTUP_GC_PAUSE, resume_gc)
        self.apply_keymap()
        self.query_one(ContextHeader).demo = self._demo
        if self.services.token_store is not None:
            self.set_interval(TOKEN_SYNC_INTERVAL, self.sync_tokens)
        self._opened()

    def sync_tokens(self) -> None:
        """Take in tokens other carbontui processes minted, renewed or dropped.

        Views redraw from ``cache.version``, so a change shows at their next tick.
        """
        try:
            if self.services.cache.sync():
                self.log.info("token cache: changes from another process")
        except OSError as exc:  # the store never raises for a bad file; a bad disk is a log line
            self.log.warning(f"token cache sync failed: {exc}")

    async def open_profile(self, name: str | None) -> None:
        """Close the current profile (cancelling its workers) and open ``name``."""
        old = self.services.session
        main = self.query_one("#main", Vertical)
        await main.remove_children()  # removing the views cancels their workers
        if old is not None:
            await old.aclose()
            self.services.session = None
        await main.mount_all(self._open(name))
        self._opened()

    def _open(self, name: str | None) -> list[Widget]:
        """Open profile ``name``: its dashboard, or why it cannot be opened and the profiles."""
        try:
            session = self.services.open(name)
        except (ConfigError, CarbontuiError) as exc:
            self.notify(str(exc), title="Cannot open profile", severity="error", timeout=15)
            message = Text.assemble(("Cannot open profile: ", "bold"), neutralize(str(exc)))
            return [Static(message, classes="panel error"), new_view("profiles", self.services)]
        self._apply_theme(session.profile.name)
        return [Dashboard(self.services, initial=self._tab)]

    def _opened(self) -> None:
        """Once the widgets of ``_open`` are mounted: header, focus, identity."""
        self._update_header()
        session = self.services.session
        if session is None:
            return
        self._focus_active()
        self.load_identity()
        self.log.info(f"opened profile {session.profile.name}")

    def _apply_theme(self, profile: str) -> None:
        """The profile's own theme if it has one, else the global one, else Textual's default."""
        theme = self.preferences.theme_for(profile)
        if theme not in self.available_themes:
            theme = DEFAULT_THEME
        self._applying_theme = True
        try:
            self.theme = theme
        finally:
            self._applying_theme = False

    def watch_theme(self, theme: str) -> None:
        """Remember a theme the user chose (e.g. from the palette): see ``Preferences``."""
        if self.services.session is not None and not self._applying_theme:
            self.preferences.remember_theme(self.services.session.profile.name, theme)

    def pin_theme(self, pinned: bool) -> None:
        """Give the profile in use its own theme (the current one), or let it follow the global."""
        if self.services.session is None:
            return
        name = self.services.session.profile.name
        self.preferences.pin_theme(name, self.theme if pinned else None)
        self._apply_theme(name)
        if pinned:
            self.notify(f"profile {name} keeps theme {self.theme}")
        else:
            self.notify(f"profile {name} follows the global theme ({self.theme})")

    def apply_keymap(self) -> None:
        """The config's ``[keymap]`` over the defaults; say which entries were left out."""
        self.set_keymap(dict(self.services.config.keymap))
        for warning in self.services.config.warnings:
            if ": keymap" in warning:
                self.notify(warning, title="Keymap", severity="warning", timeout=15)

    def _update_header(self) -> None:
        header = self.query_one(ContextHeader)
        header.show_session(self.services)
        self.sub_title = neutralize(header.profile)

    def load_identity(self) -> None:
        """Fill the header's identity without waiting for the Identity tab."""
        self.query_one(ContextHeader).load_identity(self.services.session)

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
        view = self.active_view()
        if isinstance(view, PollingView):
            view.tick()

    def active_view(self) -> Widget | None:
        """The view in the active tab, if the tabs are up."""
        tabs = self.query(TabbedContent)
        if not tabs or not tabs.first().active:
            return None
        pane = tabs.first().get_pane(tabs.first().active)
        return pane.children[0] if pane.children else None

    def _focus_active(self) -> None:
        """After the next refresh, focus the table of the tab active *then*.

        Looked up when it runs: focusing a tab that was left meanwhile (a key pressed during
        the start) would switch back to it.
        """

        def focus() -> None:
            view = self.active_view()
            tables = view.query(VirtualTable) if view is not None else None
            if tables:
                tables.first().focus()

        self.call_after_refresh(focus)

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
        """Every action and its keys (the keymap applied), the active tab's first."""
        from carbontui.tui.actions import help_rows
        from carbontui.tui.screens.help import HelpScreen

        label = next((label for pane, label, _ in TABS if pane == self._tab), "")
        rows = help_rows(self.services.config.keymap)
        first = f"{self._tab.capitalize()} tab"  # the place its actions are listed under
        self.push_screen(HelpScreen(rows, tab=label.split(" ", 1)[-1], first=first))

    def action_command(self) -> None:
        """``:`` command mode: a prompt at the bottom; see ``command_mode``."""
        from carbontui.tui.screens.command_prompt import CommandPrompt

        def run(line: str | None) -> None:
            if line is not None:
                self.run_command_line(line)

        self.push_screen(CommandPrompt(lambda: list(self.services.config.profiles)), run)

    def run_command_line(self, line: str) -> None:
        """Do what a ``:`` command line says, or say why it cannot."""
        from carbontui.tui.command_mode import parse as parse_command

        command = parse_command(line, list(self.services.config.profiles))
        if isinstance(command, str):
            self.notify(command, severity="warning")
        elif command.name == "q":
            self.request_quit()
        elif command.name == "profile" and command.arg is not None:
            self.switch_profile(command.arg)
        elif command.name == "matrix":
            self.action_matrix()
        elif command.name == "compare" and command.arg and command.second:
            self.open_comparison(command.arg, command.second)
        elif command.name == "help":
            self.action_help()
        elif command.name == "history":
            self.action_history()
        else:
            self.action_show_tab(command.name)

    def action_matrix(self) -> None:
        """The permission matrix of the open profile's keys."""
        from carbontui.tui.screens.permission_matrix import PermissionMatrixScreen

        if self.services.session is None:
            self.notify("open a profile first", severity="warning")
            return
        self.push_screen(PermissionMatrixScreen(self.services))

    def open_comparison(self, left: str, right: str) -> None:
        """Two profiles' keys and permissions compared."""
        from carbontui.tui.screens.compare_profiles import CompareProfilesScreen

        self.push_screen(CompareProfilesScreen(self.services, left, right))

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
        self.set_keymap(dict(self.services.config.keymap))
        from carbontui.tui.views.profiles import ProfilesView

        for view in self.query(ProfilesView):
            view.refresh_rows()

    @work(exclusive=True, group="create-key")
    async def action_create_key(self) -> None:
        """Create a key: form, one request, then the one-time secret view."""
        from carbontui.tui.create_key import create_key

        await create_key(self)

    # -- command palette ----------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Textual's "Keys" panel would be a second help entry beside ours (and misses most).
        from carbontui.tui.palette import dashboard_commands

        for command in super().get_system_commands(screen):
            if command.title != "Keys":
                yield command
        yield from dashboard_commands(self)

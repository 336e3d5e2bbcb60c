"""The top bar: which profile, which environment, who we are, and whether writes are blocked."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.reactive import reactive
from textual.widget import Widget

from carbontui.api.session import ProfileSession
from carbontui.errors import ApiError, CarbontuiError
from carbontui.sanitize import neutralize
from carbontui.tui.identity import fetch_identity
from carbontui.tui.services import Services


class ContextHeader(Widget):
    """One line of context, in an alarming colour on production."""

    DEFAULT_CSS = """
    ContextHeader {
        height: 1; background: $panel; color: $foreground; padding: 0 1;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    ContextHeader.-prod { background: $error; color: $text; text-style: bold; }
    ContextHeader.-sandbox { background: $primary-darken-2; }
    """

    profile = reactive("")
    environment = reactive("")
    identity = reactive("")
    read_only = reactive(False)
    demo = reactive(False)

    def show_session(self, services: Services) -> None:
        """Show the open profile (or none); the identity is loaded separately."""
        session = services.session
        self.profile = session.profile.name if session else "-"
        self.environment = session.profile.environment if session else ""
        self.read_only = session is not None and services.read_only
        self.identity = ""

    @work(exclusive=True, group="identity")
    async def load_identity(self, session: ProfileSession | None) -> None:
        """Fill in who the profile's key is, without waiting for the Identity tab."""
        if session is None or session.carbonext is None:
            return
        try:
            self.identity = (await fetch_identity(session.carbonext)).headline
        except CarbontuiError as exc:
            reason = exc.message if isinstance(exc, ApiError) else str(exc)
            self.identity = f"identity unknown ({reason})"

    def watch_environment(self, environment: str) -> None:
        self.set_class(environment == "prod", "-prod")

    def render(self) -> Text:
        # The identity is a server's (legal name, client id); profile names come from files.
        env = neutralize(self.environment.upper()) or "?"
        parts: list[Text | str | tuple[str, str]] = [
            ("carbontui", "bold"),
            "  ",
            ("profile ", "dim"),
            (neutralize(self.profile), "bold"),
            "  ",
            (f" {env} ", "reverse bold" if self.environment == "prod" else "reverse"),
        ]
        # Badges first: a long identity is cut at the right edge, never the READ-ONLY badge.
        if self.read_only:
            parts += ["  ", (" READ-ONLY ", "bold reverse")]
        if self.demo:
            parts += ["  ", ("demo sandbox", "dim")]
        if self.identity:
            parts += ["  ", (neutralize(self.identity), "italic")]
        return Text.assemble(*parts)

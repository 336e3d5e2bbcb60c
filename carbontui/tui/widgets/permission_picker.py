"""A permission picker: a SelectionList with boxes readable without colour."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets.option_list import OptionDoesNotExist

CHECKED = "[x]"
UNCHECKED = "[ ]"


class PermissionPicker(SelectionList[str]):
    """``[x]``/``[ ]`` boxes instead of colour-only ones; a row is highlighted on focus, so
    the first Space toggles it."""

    def on_focus(self, event: events.Focus) -> None:
        self.highlight_first()

    def highlight_first(self) -> None:
        """Highlight the first row when none is (Space toggles the highlighted row)."""
        if self.highlighted is None and self.option_count:
            self.highlighted = 0

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        index = self.scroll_offset.y + y
        try:
            selection = self.get_option_at_index(index)
        except OptionDoesNotExist:
            return line
        checked = selection.value in self._selected
        # The base draws a 3-cell button whose state shows only in colour: the same cells
        # show a box in the row's own style instead.
        rest = line.crop(3, line.cell_length)
        base = next(iter(rest)).style if rest.cell_length else None
        style = (base or self.rich_style) + Style(bold=checked)
        box = Segment(CHECKED if checked else UNCHECKED, style)
        return Strip([box, *rest], line.cell_length)

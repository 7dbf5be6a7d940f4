"""What every full screen of the portal's apps shares."""
from __future__ import annotations

from textual import events
from textual.screen import Screen


class PortalScreen(Screen):
    """A full screen of one of the portal's apps.

    A key bound on a screen can arrive while the screen is still being built
    (a quick typist, a busy machine). An action that needs the screen's
    widgets starts with `if self.defer_until_built("its(action)"): return`:
    it then runs once the screen is mounted.

    Textual restyles a screen's every widget each time the screen is
    resumed, in case the CSS changed while it was hidden. On the first
    resume, just after the widgets were composed and styled with the
    current stylesheet, that pass repeats the same work; later resumes
    still restyle. This uses only Textual's public API (the documented
    `ScreenResume.refresh_styles` flag, set by a handler that runs before
    Screen's own, as handlers run from subclass to base), so it is no patch
    of Textual's internals. It buys ~3-4 % of a minimal app's start-up
    instructions on each app's first screen (BENCHMARKS.md, "Issue 15:
    framework patches").
    """

    _resumed_before = False

    def defer_until_built(self, action: str) -> bool:
        """True (and `action` queued for after the mount) if not built yet."""
        if self.is_mounted:
            return False
        self.call_after_refresh(self.run_action, action)
        return True

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Screen's own handler (handlers are found along the MRO).
        if not self._resumed_before:
            self._resumed_before = True
            event.refresh_styles = False

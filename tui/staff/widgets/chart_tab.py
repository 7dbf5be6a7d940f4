"""ChartTab: the skeleton every chart room tab shares.

A tab takes the chart's id, reads its view (a frozen dataclass from
models.staff_views) in a worker thread, and draws it on the UI thread. The
chart room asks it to `reload()` when something on the chart changed
(ChartChanged); nothing it holds is a database row. A tab that shows what
a client changes from the portal (a document opened, an appointment
request, a sign-in) sets `POLL_SECONDS`: while it is on screen it reads
its view again that often, as the Chart Owner box does, and draws only
when the view changed. The practice's time
zone comes with each view (read in the worker too), so drawing a time
never queries.

A tab whose first view builds most of what it shows sets `FIRST_VIEW_WAIT`:
from the key that opens it, the screen is not repainted until that view is
drawn, or for that long at most, and the keyboard moves into the tab in that
same frame (`take_focus`), so F8 shows the whole tab at once rather than the
bare tab, the moved focus and then the content, three layouts of the screen
where one does.
Meanwhile the garbage collector waits too, until that frame is on screen:
building and painting a tab allocates enough for dozens of collections
(and often a full one, 50-100 ms on a loaded workstation); they run just
after the frame instead of inside it (BENCHMARKS.md, issue 17's figures).
"""
from __future__ import annotations

import gc
from typing import Any, Awaitable
from zoneinfo import ZoneInfo

from textual.containers import VerticalScroll
from textual.message import Message
from textual.worker import WorkerCancelled, WorkerFailed

from models.config import OWNER_BOX_REFRESH_SECONDS
from models.errors import NotAllowed, NotFound
from models.timefmt import practice_zone
from tui.shared.runtime import plain
from tui.shared.workers import ForwardsWorkerErrors, db_worker

from .common import ChartRefused


COLLECTOR_WAIT = 1.0  # seconds the collector may wait for a tab's first view on screen


class _CollectorPause:
    """The garbage collector off while any tab's first frame is built and painted.

    Counted, so that one tab's frame painted does not turn it back on under
    another's; only a pause that turned it off turns it on (tui.startup's, or
    a test's, stays theirs)."""

    holders = 0
    turned_off = False

    @classmethod
    def hold(cls) -> None:
        if cls.holders == 0 and gc.isenabled():
            gc.disable()
            cls.turned_off = True
        cls.holders += 1

    @classmethod
    def release(cls) -> None:
        cls.holders -= 1
        if cls.holders == 0 and cls.turned_off:
            cls.turned_off = False
            gc.enable()


class ChartTab(ForwardsWorkerErrors, VerticalScroll):
    POLL_SECONDS: float | None = None  # None: read only when asked (reload)
    FIRST_VIEW_WAIT: float | None = None  # seconds the screen may wait for the first view (None: it does not)
    DEFAULT_CSS = """
    ChartTab {
        padding: 0 1;
    }

    ChartTab .section-heading {
        text-style: bold;
        margin-top: 1;
    }

    ChartTab .tab-actions {
        height: 1;
        margin: 1 0;
    }

    ChartTab .tab-actions Button {
        margin-right: 2;
    }
    """

    class Loaded(Message):
        """A fresh view of the tab, read by its worker; only the tab itself handles it."""

        bubble = False

        def __init__(self, request: int, view: Any, zone: ZoneInfo) -> None:
            super().__init__()
            self.request = request
            self.view = view
            self.zone = zone

    class Done(Message):
        """A change the tab ran in a worker: what to tell staff (its fresh view follows as a Loaded)."""

        bubble = False

        def __init__(self, words: str, ok: bool) -> None:
            super().__init__()
            self.words = words
            self.ok = ok

    def __init__(self, chart_id: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.chart_id = chart_id
        self.view: Any = None
        self.zone: ZoneInfo | None = None  # the practice's, read with the first view
        self._request = 0
        self._batch: Any = None  # the app's batch_update, held until the first view is drawn
        self._focus_when_drawn = False
        self._collector_held = False
        if self.FIRST_VIEW_WAIT:
            self._hold_screen(self.FIRST_VIEW_WAIT)

    def _hold_screen(self, seconds: float) -> None:
        """From the key that opened the tab (it is built in that key's handler): no repaint
        of the screen until the first view is drawn (a slow read: `seconds` at most, then
        the tab shows its "Reading" line), and no garbage collection until the frame that
        shows the view is painted (COLLECTOR_WAIT at most). Held from the key, not from
        the tab's mount: the tab switch's own frame (the bare tab, 7-30 ms of layout and
        paint) is not drawn, and the loop is free while the worker reads the view
        (BENCHMARKS.md, issue 17). The app's timers release both: the app outlives the
        tab, which may close before it mounts. The first read starts here too, so the
        worker reads while the tab is built and mounted."""
        try:
            app = self.app
        except RuntimeError:  # built outside a running app (NoActiveAppError)
            return
        self._batch = app.batch_update()
        self._batch.__enter__()
        self._collector_held = True
        _CollectorPause.hold()
        app.set_timer(seconds, self._release_screen, name="first-view-wait")
        app.set_timer(COLLECTOR_WAIT, self._release_collector, name="collector-back")
        self.reload()  # the read starts with the key too, while the tab mounts (its answer waits in the queue)

    def _release_screen(self) -> None:
        """Once: the first view drawn, or the time up (the keyboard comes to the tab as asked)."""
        if self._batch is None:
            return
        if self._focus_when_drawn:
            self._focus_when_drawn = False
            self._focus_first()
        batch, self._batch = self._batch, None
        batch.__exit__(None, None, None)
        if self.view is not None:  # the frame that shows it is next (else the draw, or the timer)
            self.app.call_after_refresh(self._release_collector)
        elif self.is_attached:
            self.still_reading()

    def still_reading(self) -> None:
        """The first view is late (FIRST_VIEW_WAIT is up): show the tab meanwhile."""

    def _release_collector(self) -> None:
        if self._collector_held:  # once: the frame painted, or the time up
            self._collector_held = False
            _CollectorPause.release()

    def take_focus(self) -> None:
        """The keyboard to the tab (its first field): at once if it is on screen, else in
        the frame that first shows it (one change of focus, one restyle)."""
        if self._batch is not None:
            self._focus_when_drawn = True
        else:
            self._focus_first()

    def _focus_first(self) -> None:
        if self.is_attached:
            self.screen.set_focus(next((w for w in self.query("*") if w.focusable), self))

    def on_mount(self) -> None:
        if not self._request:  # (a tab that holds the screen asked from the key)
            self.reload()
        if self.POLL_SECONDS:
            self.set_interval(self.POLL_SECONDS, self.poll, name="chart-tab-poll")

    def poll(self) -> None:
        """Read again what a client may have changed, if the tab is in view."""
        if self.is_on_screen and self.screen.is_current:
            self.reload()

    def reload(self) -> None:
        """Read the tab's view again, off the event loop."""
        self._request += 1
        self.load(self._request, self.chart_id)

    @db_worker("chart-tab")
    def load(self, request: int, chart_id: int) -> Any:
        try:
            view = self.read(chart_id)
        except NotFound:
            return None  # the chart is gone: the chart room says so once, and closes
        except NotAllowed as refused:
            self.post_message(ChartRefused(refused.message))  # the chart room says why, once, and closes
            return None
        self.post_message(self.Loaded(request, view, practice_zone()))
        return view

    @staticmethod
    async def _answer(worker) -> Any:
        """A thread worker's result, awaited in a flow; None if it failed (the app
        says why) or was replaced."""
        try:
            return await worker.wait()
        except (WorkerCancelled, WorkerFailed):
            return None

    def said(self, event: "ChartTab.Done", title: str) -> None:
        """Tell staff how the change went: a toast titled `title`, or "Not done" with the refusal."""
        event.stop()
        words = plain(event.words).plain
        if event.ok:
            self.app.notify(words, title=title, markup=False)
        else:
            self.app.notify(words, title="Not done", severity="error", markup=False)

    def post_view(self, view: Any) -> None:
        """From a worker that changed the chart: show its fresh view (newer than any read on its way)."""
        self.post_message(self.Loaded(-1, view, practice_zone()))

    def read(self, chart_id: int) -> Any:
        """The tab's view; runs in the worker thread (each tab names its domain
        call, as `self.app.actor`: the domain decides what they may read)."""
        raise NotImplementedError(f"{type(self).__name__} names no view to read")

    def draw(self, view: Any) -> Awaitable[Any] | None:
        """Show `view`; runs on the UI thread.

        A tab that builds widgets for the view returns their mount: the
        screen paints once they are all in, not once per level of new
        widgets (each a layout of the whole screen)."""
        raise NotImplementedError(f"{type(self).__name__} draws nothing")

    async def on_chart_tab_loaded(self, event: Loaded) -> None:
        event.stop()
        if event.request == -1:
            self._request += 1  # any read still on its way is older than this view
        elif event.request != self._request:
            return  # an older read that finished late
        if event.view == self.view and event.zone == self.zone:
            return  # nothing new (a poll): the table keeps its cursor and scroll
        first = self.view is None
        self.view = event.view
        self.zone = event.zone
        with self.app.batch_update():
            mounting = self.draw(event.view)
            if mounting is not None:
                await mounting
        if first:
            if self._batch is not None:
                self._release_screen()
            else:  # shown before its view (a slow read): the collector back after this frame
                self.app.call_after_refresh(self._release_collector)

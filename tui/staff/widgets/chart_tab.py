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
"""
from __future__ import annotations

from typing import Any
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


class ChartTab(ForwardsWorkerErrors, VerticalScroll):
    POLL_SECONDS: float | None = None  # None: read only when asked (reload)
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

    def on_mount(self) -> None:
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

    def draw(self, view: Any) -> None:
        """Show `view`; runs on the UI thread."""
        raise NotImplementedError(f"{type(self).__name__} draws nothing")

    def on_chart_tab_loaded(self, event: Loaded) -> None:
        event.stop()
        if event.request == -1:
            self._request += 1  # any read still on its way is older than this view
        elif event.request != self._request:
            return  # an older read that finished late
        if event.view == self.view and event.zone == self.zone:
            return  # nothing new (a poll): the table keeps its cursor and scroll
        self.view = event.view
        self.zone = event.zone
        self.draw(event.view)

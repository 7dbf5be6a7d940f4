"""Domain calls off the event loop, one way (after Harlequin).

Every domain call that touches the database runs in a thread worker made by
`db_worker`: `exclusive` within its group, so a newer request replaces an
older one, and `exit_on_error=False`, so a failure becomes a
`Worker.StateChanged` that the app shows in one place (`WorkerErrors`)
instead of ending the app. The worker never touches widgets: it posts a
Message (or returns a result), and an `@on` handler on the UI thread owns
the state. A message posted to a widget that has gone meanwhile is dropped,
which is what a late answer to a closed screen should do.

    class Loaded(Message): ...

    @db_worker("chart")
    def load(self, chart_id: int) -> None:
        self.post_message(self.Loaded(chart_view(chart_id)))

Tests wait with `await app.workers.wait_for_complete()`, never by sleeping.
"""
from __future__ import annotations

from contextlib import contextmanager
from functools import wraps
from typing import Any, Callable, Iterator, TypeVar

from textual import work
from textual.worker import Worker, WorkerState

from models.errors import DomainError

SOMETHING_WRONG = "Something went wrong on our side. Please try again, or ask the front desk for help."

F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def own_connection() -> Iterator[None]:
    """models.threads.own_connection, imported at the first call, in a worker:
    it brings the database layer (peewee), which the apps' first frames do
    without (they open the portal after it: tui.shared.runtime)."""
    from models.threads import own_connection as connection

    with connection():
        yield


def db_worker(group: str, *, exclusive: bool = True) -> Callable[[F], F]:
    """Make a method a thread worker that runs on its thread's own database connection."""

    def decorate(method: F) -> F:
        @wraps(method)
        def body(*args: Any, **kwargs: Any) -> Any:
            with own_connection():
                return method(*args, **kwargs)

        return work(thread=True, exclusive=exclusive, group=group, exit_on_error=False)(body)  # type: ignore[return-value]

    return decorate


class WorkerErrors:
    """App mixin: the one place a failed worker is shown.

    A DomainError says what went wrong in words meant for the person; anything
    else is our fault, logged and shown as SOMETHING_WRONG. Textual posts
    Worker.StateChanged to the worker's own node only (it does not bubble),
    so screens and widgets that run workers hand failures on with
    `ForwardsWorkerErrors`. One that must also react (a busy state to clear)
    defines its own handler without calling super(): Textual already runs
    each class's handler along the MRO, and a super() call shows it twice.
    """

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, DomainError):
            self.notify(error.message, title="Not done", severity="error", markup=False)  # type: ignore[attr-defined]
        else:
            self.log.error(f"worker {event.worker.name!r} failed: {error!r}")  # type: ignore[attr-defined]
            self.notify(SOMETHING_WRONG, severity="error", markup=False)  # type: ignore[attr-defined]


class ForwardsWorkerErrors:
    """Screen/widget mixin: a failed worker of this node is shown by the app (WorkerErrors)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.app.post_message(Worker.StateChanged(event.worker, event.state))  # type: ignore[attr-defined]

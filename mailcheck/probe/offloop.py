"""Blocking work (a DNS lookup, reading a file, loading a CA bundle) kept off the event
loop, where it would stall every other profile's probe and eat their deadlines."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def in_thread(work: Callable[[], T], name: str) -> asyncio.Future[T]:
    """Run `work` in a daemon thread of its own; a future, on the running loop, of its result.

    Not loop.run_in_executor: the executor's threads are joined when the event loop and
    the interpreter end, so one call stuck (a slow resolver, a hung network file system)
    would hold the whole run past every deadline. A daemon thread is simply left behind.
    Await the future through a Deadline; shield it when several probes share it."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    future.add_done_callback(_retrieve)

    def settle(result: T | None, error: BaseException | None) -> None:
        if future.done():  # cancelled meanwhile: nobody waits any more
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def run() -> None:
        try:
            result, error = work(), None
        except Exception as err:  # handed to whoever awaits the future
            result, error = None, err
        try:
            loop.call_soon_threadsafe(settle, result, error)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    threading.Thread(target=run, name=f"mailcheck-{name}", daemon=True).start()
    return future


def _retrieve(future: asyncio.Future[Any]) -> None:
    """Mark an error as seen, so that a shared future whose waiters all gave up (their
    deadlines passed) does not log "exception was never retrieved"."""
    if not future.cancelled():
        future.exception()

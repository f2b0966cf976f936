"""asyncio helper for live captures: ``async for pkt in aio_capture(...)``.

The event loop waits for the capture socket with ``loop.add_reader`` on
:meth:`Capture.fileno`, and reads with non-waiting reads, so a capture never
blocks the loop.  The loop also watches the descriptor that
:meth:`Capture.stop` and :meth:`Capture.close` signal, so either of them,
called from any thread or coroutine, ends the iteration at once.
"""
from __future__ import annotations

import asyncio
import collections
from types import TracebackType
from typing import Any, Deque, Optional, Type, Union

from ._libpcap import Capture, Packet

__all__ = ["aio_capture"]


class aio_capture:
    """Asynchronous iterator over the packets of a live capture.

    ``aio_capture(device="any", **options)`` opens ``Capture(device,
    **options)`` and closes it when the iteration ends, on :meth:`aclose`
    or when an ``async with`` block is left.  ``aio_capture(capture)``
    iterates a Capture that is already open and leaves it open.

    The iteration ends (``StopAsyncIteration``) when ``capture.stop()`` or
    ``capture.close()`` is called; errors of the capture are raised as
    :class:`PcapError`.  One coroutine iterates at a time.
    """

    def __init__(self, device: Union[str, Capture] = "any", **options: Any) -> None:
        if isinstance(device, Capture):
            if options:
                raise TypeError("options are for opening a device, "
                                "not for a Capture that is open")
            self._cap = device
            self._owned = False
        else:
            self._cap = Capture(device, **options)
            self._owned = True
        self._buf: Deque[Packet] = collections.deque()
        self._done = False

    @property
    def capture(self) -> Capture:
        """The Capture being iterated."""
        return self._cap

    def __aiter__(self) -> "aio_capture":
        return self

    async def __anext__(self) -> Packet:
        while True:
            if self._buf:
                return self._buf.popleft()
            if self._done:
                raise StopAsyncIteration
            batch = self._cap._read_nowait()
            if batch is None:
                self._finish()
                raise StopAsyncIteration
            if batch:
                self._buf.extend(batch)
                continue
            if not await self._readable():
                self._finish()
                raise StopAsyncIteration

    async def _readable(self) -> bool:
        """Wait until packets may be there, or stop/close was called.
        False if the capture was closed meanwhile."""
        loop = asyncio.get_running_loop()
        try:
            fds = (self._cap.fileno(), self._cap._wake_fd())
        except ValueError:          # closed by another thread just now
            return False
        fut: "asyncio.Future[None]" = loop.create_future()

        def ready() -> None:
            if not fut.done():
                fut.set_result(None)

        added = []
        try:
            for fd in fds:
                loop.add_reader(fd, ready)
                added.append(fd)
            await fut
        finally:
            for fd in added:
                loop.remove_reader(fd)
        return True

    def _finish(self) -> None:
        self._done = True
        self._buf.clear()
        if self._owned:
            self._cap.close()

    async def aclose(self) -> None:
        """End the iteration (and close the Capture if this opened it)."""
        self._finish()

    async def __aenter__(self) -> "aio_capture":
        return self

    async def __aexit__(self, exc_type: Optional[Type[BaseException]],
                        exc: Optional[BaseException],
                        tb: Optional[TracebackType]) -> None:
        await self.aclose()

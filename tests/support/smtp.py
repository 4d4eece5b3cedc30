"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1, free port), and its mailbox.

The application sends through smtplib exactly as in production; the server keeps every
message it accepted, and the tests read them back as email.message.EmailMessage objects.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.smtp import SMTP


@dataclass
class Received:
    """One accepted message with its SMTP envelope."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    def message(self) -> EmailMessage:
        """The message parsed with the modern e-mail API."""
        return message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook name)
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
            )
        return "250 Message accepted for delivery"


class LocalSMTPServer:
    """aiosmtpd in its own thread and event loop, bound to 127.0.0.1 on a port the OS picks."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        self.handler = _Handler()
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.base_events.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="test-smtp",
                                        daemon=True)

    def start(self) -> LocalSMTPServer:
        """Bind, start serving, and return self."""

        async def bind():
            return await self._loop.create_server(
                lambda: SMTP(self.handler, enable_SMTPUTF8=True, hostname="smtp.test"),
                host=self.host, port=0)

        self._server = self._loop.run_until_complete(bind())
        self.port = self._server.sockets[0].getsockname()[1]
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close the listening socket and stop the loop."""
        if self._server is not None:
            self._server.close()

            async def closed():
                await self._server.wait_closed()

            asyncio.run_coroutine_threadsafe(closed(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def clear(self) -> None:
        """Forget every message received so far."""
        with self.handler.lock:
            self.handler.received.clear()

    @property
    def received(self) -> list[Received]:
        """Every message accepted since the last clear(), in order."""
        with self.handler.lock:
            return list(self.handler.received)


class Outbox:
    """The messages the SMTP server received during a test, as a read-only list.

    Compares equal to a list (``outbox == []``), iterates, indexes and has a length, so tests
    written against the former in-process capture keep reading the same way.
    """

    def __init__(self, server: LocalSMTPServer) -> None:
        self._server = server

    def _messages(self) -> list[EmailMessage]:
        return [r.message() for r in self._server.received]

    @property
    def envelopes(self) -> list[Received]:
        """Raw messages with their SMTP envelope (sender, recipients)."""
        return self._server.received

    def to(self, address: str) -> list[EmailMessage]:
        """Messages whose envelope includes this recipient."""
        return [r.message() for r in self._server.received if address in r.rcpt_tos]

    def clear(self) -> None:
        """Forget what was received so far."""
        self._server.clear()

    def __iter__(self):
        return iter(self._messages())

    def __len__(self) -> int:
        return len(self._server.received)

    def __getitem__(self, index):
        return self._messages()[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Outbox):
            other = list(other)
        return self._messages() == other if isinstance(other, list) else NotImplemented

    def __repr__(self) -> str:
        return f"Outbox({[m['Subject'] for m in self._messages()]!r})"

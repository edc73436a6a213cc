"""A small real SMTP server for the tests (RFC 5321 subset), on 127.0.0.1 only, in a background thread.

It speaks EHLO/HELO, MAIL, RCPT, DATA (with dot-unstuffing), RSET, NOOP and QUIT, keeps what it receives, and can be
told to refuse a recipient (any reply code) or to answer the next DATA commands with a temporary failure.
"""

from __future__ import annotations

import re
import socketserver
import threading
from dataclasses import dataclass, field
from types import TracebackType


@dataclass
class Received:
    """One message the server accepted."""

    mail_from: str
    recipients: list[str]
    data: bytes


@dataclass
class Script:
    """How the server misbehaves."""

    refuse: dict[str, str] = field(default_factory=dict)  # address -> reply line, e.g. "550 5.1.1 no such user"
    data_failures: int = 0  # the next n DATA commands get "451 4.3.0 try again later"
    close_on_connect: int = 0  # the next n connections are dropped at once (a crashing server)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[Received] = []
        self.script = Script()
        self.lock = threading.Lock()
        self.connections = 0


_ADDRESS = re.compile(r"<([^>]*)>")


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        with self.server.lock:
            self.server.connections += 1
            if self.server.script.close_on_connect > 0:
                self.server.script.close_on_connect -= 1
                return
        self.reply("220 127.0.0.1 renkou test SMTP")
        mail_from, recipients = "", []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb == "EHLO":
                self.reply("250-127.0.0.1")
                self.reply("250-8BITMIME")
                self.reply("250 SMTPUTF8")
            elif verb == "HELO":
                self.reply("250 127.0.0.1")
            elif verb == "MAIL":
                found = _ADDRESS.search(line)
                mail_from, recipients = (found.group(1) if found else ""), []
                self.reply("250 2.1.0 OK")
            elif verb == "RCPT":
                found = _ADDRESS.search(line)
                address = found.group(1) if found else ""
                refusal = self.server.script.refuse.get(address)
                if refusal:
                    self.reply(refusal)
                else:
                    recipients.append(address)
                    self.reply("250 2.1.5 OK")
            elif verb == "DATA":
                with self.server.lock:
                    failing = self.server.script.data_failures > 0
                    if failing:
                        self.server.script.data_failures -= 1
                if failing:
                    self.reply("451 4.3.0 try again later")
                    continue
                self.reply("354 end data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    chunk = self.rfile.readline()
                    if chunk in (b".\r\n", b".\n", b""):
                        break
                    lines.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                with self.server.lock:
                    self.server.received.append(Received(mail_from, recipients, b"".join(lines)))
                self.reply("250 2.0.0 queued")
            elif verb == "RSET":
                mail_from, recipients = "", []
                self.reply("250 2.0.0 OK")
            elif verb == "NOOP":
                self.reply("250 2.0.0 OK")
            elif verb == "QUIT":
                self.reply("221 2.0.0 bye")
                return
            else:
                self.reply("502 5.5.2 command not implemented")


class SmtpServer:
    """Start with ``with SmtpServer() as server:``; ``server.port``, ``server.received``, ``server.script``."""

    def __init__(self) -> None:
        self._server = _Server()
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def received(self) -> list[Received]:
        return self._server.received

    @property
    def script(self) -> Script:
        return self._server.script

    @property
    def connections(self) -> int:
        return self._server.connections

    def __enter__(self) -> SmtpServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

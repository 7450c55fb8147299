"""A loopback TCP relay to a server that can be frozen and thawed: frozen, its connections stay
open and not a byte passes either way, as with a server that stopped answering (a stopped
process, a frozen VM, a network partition that sends no reset) while its kernel still
acknowledges. New connections wait in the listen backlog, as they would there. `freeze_at(b"...")`
freezes it as those bytes reach it, before they pass: in the middle of a given statement."""

from __future__ import annotations

import contextlib
import socket
import threading


class Relay:
    def __init__(self, target_port: int) -> None:
        self._target = ("127.0.0.1", target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._flowing = threading.Event()
        self._flowing.set()
        self.frozen = threading.Event()
        self._trigger: bytes | None = None
        self._closed = False
        self._sockets: list[socket.socket] = []
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def freeze(self) -> None:
        self._flowing.clear()
        self.frozen.set()

    def freeze_at(self, marker: bytes) -> None:
        self._trigger = marker

    def thaw(self) -> None:
        self.frozen.clear()
        self._flowing.set()

    def close(self) -> None:
        self._closed = True
        self._flowing.set()  # what waits to pass sees it is closed
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        for sock in list(self._sockets):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in list(self._threads):
            thread.join(timeout=5)
        for sock in self._sockets:
            sock.close()

    def _pass(self) -> bool:
        self._flowing.wait()
        return not self._closed

    def _accept(self) -> None:
        while self._pass():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if not self._pass():
                client.close()
                return
            server = socket.create_connection(self._target)
            self._sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                thread = threading.Thread(target=self._pump, args=(source, sink), daemon=True)
                self._threads.append(thread)
                thread.start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        """Passes bytes one way until that side ends; its end is passed on too, once thawed."""
        try:
            while self._pass():
                data = source.recv(65536)
                if self._trigger is not None and self._trigger in data:
                    self._trigger = None
                    self.freeze()  # what arrived waits for the thaw, with everything else
                if not data or not self._pass():
                    break
                sink.sendall(data)
        except OSError:
            pass
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)

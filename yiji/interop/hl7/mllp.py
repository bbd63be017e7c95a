"""MLLP (Minimal Lower Layer Protocol) framing over TCP: <VT> message <FS><CR>.

The server is asyncio, so one process holds many HIS connections; each message is applied in
a worker thread (the ORM is synchronous) and its ACK written only after it was committed.
Messages on one connection are handled one after another, in the order they were sent."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable

from django.db import connection

from yiji.interop.hl7 import codec

START, END = b"\x0b", b"\x1c\r"
MAX_MESSAGE = 16 * 1024 * 1024

log = logging.getLogger(__name__)


def frame(payload: bytes) -> bytes:
    return START + payload + END


async def read_frame(reader: asyncio.StreamReader) -> bytes | None:
    """The next framed message, or None when the peer closed the connection."""
    try:
        data = await reader.readuntil(END)
    except asyncio.IncompleteReadError:
        return None
    except asyncio.LimitOverrunError:
        raise ValueError("message larger than the MLLP limit") from None
    start = data.find(START)
    if start < 0:
        return b""
    return data[start + 1 : -len(END)]


def _apply_in_thread(handle: Callable[[bytes, str], bytes], payload: bytes, peer: str) -> bytes:
    try:
        return handle(payload, peer)
    except Exception:  # the sender always gets an answer; AE lets it send the message again
        log.exception("HL7 message from %s failed before it was stored", peer)
        return codec.error_ack(payload, "内部错误，报文未应用，请重发。")
    finally:
        _drop_broken_connection()


def _drop_broken_connection() -> None:
    """A worker thread keeps its database connection from one message to the next (opening
    one cost a fifth of an order's time); after an error it is asked whether it still works,
    and one that does not (the database restarted) is closed, so the next message opens a
    new one."""
    if connection.connection is not None and connection.errors_occurred:
        if connection.is_usable():
            connection.errors_occurred = False
        else:
            connection.close()


async def serve_connection(
    handle: Callable[[bytes, str], bytes],
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
) -> None:
    peername = writer.get_extra_info("peername") or ("", 0)
    peer = f"{peername[0]}:{peername[1]}"
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    loop = asyncio.get_running_loop()
    try:
        while True:
            payload = await read_frame(reader)
            if payload is None:
                break
            if not payload.strip():
                continue
            ack = await loop.run_in_executor(None, _apply_in_thread, handle, payload, peer)
            writer.write(frame(ack))
            await writer.drain()
    except (ConnectionError, ValueError) as exc:
        log.warning("MLLP connection %s closed: %s", peer, exc)
    finally:
        writer.close()


async def start_server(handle, host: str, port: int) -> asyncio.Server:
    return await asyncio.start_server(
        lambda r, w: serve_connection(handle, r, w), host, port, limit=MAX_MESSAGE
    )


def send(host: str, port: int, payload: bytes, timeout: float = 10.0) -> bytes:
    """Send one framed message and wait for the framed answer (the outbound side)."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(frame(payload))
        buffer = b""
        while END not in buffer:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("the receiver closed the connection without an ACK")
            buffer += chunk
    start = buffer.find(START)
    return buffer[start + 1 : buffer.index(END)]

import asyncio
import threading

import pytest

from yiji.interop.accounts import interface_user
from yiji.interop.hl7 import inbound, mllp


@pytest.fixture(autouse=True)
def _on_a_monday_morning(frozen_clock):
    yield


@pytest.fixture
def hl7_actor(hospital):
    return interface_user("hl7")


class Listener:
    """`yiji hl7 serve`'s server in a background thread, on a free loopback port."""

    def __init__(self, actor):
        self.actor = actor
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server = self._run(
            mllp.start_server(
                lambda payload, peer: inbound.receive(actor, payload, peer), "127.0.0.1", 0
            )
        )
        self.port = self.server.sockets[0].getsockname()[1]

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(10)

    def stop(self):
        async def close():
            self.server.close()
            await self.server.wait_closed()

        self._run(close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture
def listener(hl7_actor, transactional_db):
    running = Listener(hl7_actor)
    yield running
    running.stop()

"""A TCP proxy that delays every chunk by a fixed time in each direction.

`python -m bench._delay_proxy TARGET_PORT DELAY_SECONDS` listens on
127.0.0.1 (port picked by the kernel), prints `listening PORT`, and forwards
each connection to 127.0.0.1:TARGET_PORT. Each direction is a queue of
(release time, chunk): a chunk read at t is written at t + delay, in order,
so a round trip costs 2 x delay however the bytes are split, as on a link
with that latency (and no bandwidth limit).

It runs in its own process (bench/loop_lag.py starts it), so its work and
its GIL never touch the loop being measured.
"""
from __future__ import annotations

import asyncio
import socket
import sys

CHUNK = 65536


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def release() -> None:
        try:
            while True:
                due, data = await queue.get()
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not data:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass

    sender = asyncio.create_task(release())
    try:
        while True:
            data = await reader.read(CHUNK)
            queue.put_nowait((loop.time() + delay, data))
            if not data:
                break
    except (ConnectionError, OSError):
        queue.put_nowait((loop.time() + delay, b""))
    await sender


async def _serve(target_port: int, delay: float) -> None:
    async def handle(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
        except OSError:
            client_writer.close()
            return
        for w in (client_writer, server_writer):
            sock = w.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            await asyncio.gather(_pipe(client_reader, server_writer, delay), _pipe(server_reader, client_writer, delay))
        finally:
            for w in (client_writer, server_writer):
                w.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(f"listening {port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print("usage: python -m bench._delay_proxy TARGET_PORT DELAY_SECONDS", file=sys.stderr)
        sys.exit(2)
    try:
        asyncio.run(_serve(int(sys.argv[1]), float(sys.argv[2])))
    except KeyboardInterrupt:
        pass

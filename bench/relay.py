#!/usr/bin/python3
"""relay.py: a TCP relay in front of a PostgreSQL server, for benchmarks and tests.

    relay.py --to HOST:PORT [--delay-ms 1] [--count FILE] [--port-file FILE]

Listens on a free loopback port (printed on the first line of standard
output, and written to --port-file), and forwards every connection to the
server, each direction delayed by --delay-ms (a network link's latency, for
`make bench`: a managed database is 1-2 ms away, loopback is not).

With --count, it reads the client's half of each connection as PostgreSQL's
frontend protocol and, when the connection closes, appends one line to
FILE: "queries=Q syncs=S", the simple-query messages and the extended
protocol's Sync messages it sent: each is one round trip.  Tests bound the
round trips a command makes with it.  Connections must not use TLS
(sslmode=disable): the relay reads the bytes.

It stops on SIGTERM or SIGINT, and by itself after --max-seconds (600).
"""
import argparse
import asyncio
import signal
import struct
import sys

SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104
PROTOCOL_3 = 196608


class Counter:
    """The frontend stream of one connection, parsed as it passes."""

    def __init__(self):
        self.buf = b""
        self.startup = True
        self.lost = False
        self.queries = 0
        self.syncs = 0

    def feed(self, data):
        if self.lost:
            return
        self.buf += data
        while True:
            if self.startup:
                if len(self.buf) < 8:
                    return
                n, code = struct.unpack("!II", self.buf[:8])
                if len(self.buf) < n:
                    return
                self.buf = self.buf[n:]
                if code == PROTOCOL_3:
                    self.startup = False
                elif code not in (SSL_REQUEST, GSSENC_REQUEST):
                    self.lost = True  # a cancel request, or something unknown
                    return
            else:
                if len(self.buf) < 5:
                    return
                kind = self.buf[0:1]
                (n,) = struct.unpack("!I", self.buf[1:5])
                if len(self.buf) < 1 + n:
                    return
                self.buf = self.buf[1 + n:]
                if kind == b"Q":
                    self.queries += 1
                elif kind == b"S":
                    self.syncs += 1


async def pump(reader, writer, delay, counter):
    """Copy reader to writer, each chunk delay seconds late, in order."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def later():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        writer.close()

    task = asyncio.ensure_future(later())
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            if counter:
                counter.feed(data)
            queue.put_nowait((loop.time() + delay, data))
    except (ConnectionError, OSError):
        pass
    queue.put_nowait((0, None))
    try:
        await task
    except (ConnectionError, OSError):
        pass


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--to", required=True)
    ap.add_argument("--delay-ms", type=float, default=1.0)
    ap.add_argument("--count")
    ap.add_argument("--port-file")
    ap.add_argument("--max-seconds", type=float, default=600)
    a = ap.parse_args()
    host, port = a.to.rsplit(":", 1)
    delay = a.delay_ms / 1000.0

    async def serve(creader, cwriter):
        try:
            sreader, swriter = await asyncio.open_connection(host, int(port))
        except OSError:
            cwriter.close()
            return
        counter = Counter() if a.count else None
        await asyncio.gather(pump(creader, swriter, delay, counter),
                             pump(sreader, cwriter, delay, None))
        if counter:
            with open(a.count, "a") as f:
                f.write("queries=%d syncs=%d\n" % (counter.queries, counter.syncs))

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    bound = server.sockets[0].getsockname()[1]
    print(bound, flush=True)
    if a.port_file:
        with open(a.port_file, "w") as f:
            f.write("%d\n" % bound)
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.cancel)
    try:
        await asyncio.wait_for(stop, a.max_seconds)
    except (asyncio.CancelledError, asyncio.TimeoutError):
        pass
    server.close()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    sys.exit(0)

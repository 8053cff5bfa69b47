"""Slack Web API calls over kept-alive connections against a new connection per call, at a realistic
round-trip time.

The fake Slack sits behind a TCP proxy that delays every chunk by half the round trip each way and
a new connection by one round trip (its TCP handshake; over TLS, as against slack.com, a new
connection costs one or two round trips more, so the gain measured here is a lower bound). The same
client (`bot.slack_client.make_client`) posts messages sequentially and from 8 threads, alternating
between the process's `urllib` opener with the kept-alive handler and urllib's default opener.

    python -m benchmarks.slack_connections [--rtt-ms 25] [--calls 200] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.request import build_opener, install_opener

from bot.sandbox.fake_slack import FakeSlack
from bot.slack_client import KeptAliveHandler, KeptConnections, keep_connections_alive, make_client

RESULTS = Path(__file__).parent / "results" / "slack_connections.json"


class LatencyProxy:
    """Forwards TCP from a local port to `target`, adding `rtt` per new connection and per exchange."""

    def __init__(self, target: tuple[str, int], rtt: float) -> None:
        self.target, self.rtt = target, rtt
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            client, _ = self.listener.accept()
            threading.Thread(target=self._connect, args=(client,), daemon=True).start()

    def _connect(self, client: socket.socket) -> None:
        time.sleep(self.rtt)  # the handshake's round trip
        upstream = socket.create_connection(self.target)
        for a, b in ((client, upstream), (upstream, client)):
            a.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                time.sleep(self.rtt / 2)
                sink.sendall(chunk)
        except OSError:
            pass
        for s in (source, sink):
            s.close()


def series(url: str, calls: int, threads: int) -> list[float]:
    """Milliseconds per `chat.postMessage`, `calls` of them from `threads` threads."""
    client = make_client("xoxb-bench", url)

    def one(i: int) -> float:
        started = time.perf_counter()
        client.chat_postMessage(channel="C0BENCH", text=f"message {i}")
        return (time.perf_counter() - started) * 1000

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, range(calls)))


def summary(values: list[float]) -> dict[str, float]:
    """p50 and p99 in milliseconds."""
    ordered = sorted(values)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rtt-ms", type=float, default=25.0)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    openers = {"kept": build_opener(KeptAliveHandler(KeptConnections())), "new": build_opener()}
    figures: dict[str, dict[str, list[float]]] = {name: {"1": [], "8": []} for name in openers}
    keep_connections_alive()  # make_client's own install, done now so the loop below decides
    with FakeSlack() as fake:
        fake.add_channel("C0BENCH", "bench")
        proxy = LatencyProxy(("127.0.0.1", int(fake.url.rsplit(":", 1)[1].strip("/"))), args.rtt_ms / 1000)
        url = f"http://127.0.0.1:{proxy.port}/api/"
        for _ in range(args.rounds):
            for name, opener in openers.items():
                for threads in (1, 8):
                    install_opener(opener)
                    figures[name][str(threads)] += series(url, args.calls, threads)
    result = {
        "rtt_ms": args.rtt_ms,
        "calls_per_series": args.calls * args.rounds,
        **{
            f"{name}_{threads}_threads": summary(v)
            for name, by in figures.items()
            for threads, v in by.items()
        },
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

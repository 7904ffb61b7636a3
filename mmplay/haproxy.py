"""The HAProxy configuration in front of N Streamlit workers (no balancer of our own).

Streamlit keeps a session's state (models, uploads, downloads) in the process holding its websocket,
so every request of a browser must reach the same worker: HAProxy inserts a cookie naming the worker
(``MMPLAYWORKER=w1``; not source-IP hashing — a classroom behind one NAT has one IP), and passes it on
to the worker (no ``indirect``), which is how a worker knows a session was moved to it. A worker that
fails its health check (``GET /_stcore/health`` every second, down after 2 misses) leaves the rotation,
and a request whose cookie names it is sent to another (``option redispatch``). Websockets pass through
(HTTP mode upgrades them; ``timeout tunnel`` keeps them open for a lesson).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

COOKIE = "MMPLAYWORKER"


@dataclass(frozen=True)
class Worker:
    name: str  # w1, w2, … (the cookie's value)
    host: str
    port: int


def config_text(workers: Sequence[Worker], bind: str, port: int) -> str:
    """The whole ``haproxy.cfg`` for ``workers`` behind ``bind:port``."""
    servers = "\n".join(
        f"    server {w.name} {w.host}:{w.port} cookie {w.name} check inter 1s fall 2 rise 2" for w in workers
    )
    return f"""global
    maxconn 4096

defaults
    mode http
    option redispatch
    retries 2
    timeout connect 5s
    timeout client 1h
    timeout server 1h
    timeout tunnel 8h

frontend classroom
    bind {bind}:{port}
    default_backend workers

backend workers
    balance roundrobin
    cookie {COOKIE} insert nocache httponly
    option httpchk GET /_stcore/health
    http-check expect status 200
{servers}
"""

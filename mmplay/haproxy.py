"""The HAProxy configuration in front of N Streamlit workers (no balancer of our own).

Streamlit keeps a session's state (models, uploads, downloads) in the process holding its websocket,
so every request of a browser must reach the same worker: HAProxy inserts a cookie naming the worker
(``MMPLAYWORKER=w1``; not source-IP hashing — a classroom behind one NAT has one IP), and passes it on
to the worker (no ``indirect``), which is how a worker knows a session was moved to it. A worker that
fails its health check (``GET /_stcore/health`` every second, down after 2 misses) leaves the rotation,
and a request whose cookie names it is sent to another (``option redispatch``). Websockets pass through
(HTTP mode upgrades them; ``timeout tunnel`` keeps them open for a lesson).

The browser's reconnect probes (``/_stcore/health`` and ``/_stcore/host-config``, polled while the
websocket is down) go to a backend without the cookie: they are the same on every worker, and
answered through the sticky backend after a worker died they would re-stamp the cookie with the new
worker before the websocket reconnects — and the new worker could not tell the session was moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

COOKIE = "MMPLAYWORKER"
PROBES = ("/_stcore/health", "/_stcore/host-config")  # stateless: any worker answers them


@dataclass(frozen=True)
class Worker:
    name: str  # w1, w2, … (the cookie's value)
    host: str
    port: int


def config_text(workers: Sequence[Worker], bind: str, port: int) -> str:
    """The whole ``haproxy.cfg`` for ``workers`` behind ``bind:port``."""
    check = "check inter 1s fall 2 rise 2"
    servers = "\n".join(f"    server {w.name} {w.host}:{w.port} cookie {w.name} {check}" for w in workers)
    probe_servers = "\n".join(f"    server {w.name} {w.host}:{w.port} {check}" for w in workers)
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
    acl probe path {" ".join(PROBES)}
    use_backend probes if probe
    default_backend workers

backend probes
    balance roundrobin
    option httpchk GET /_stcore/health
    http-check expect status 200
{probe_servers}

backend workers
    balance roundrobin
    cookie {COOKIE} insert nocache httponly
    option httpchk GET /_stcore/health
    http-check expect status 200
{servers}
"""

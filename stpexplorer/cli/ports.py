"""TCP ports: is one free, refuse a taken one with a message naming it, wait for a server."""

from __future__ import annotations

import errno
import os
import socket
import time
import urllib.error
import urllib.request

__all__ = ["DEFAULT_IP", "PortInUseError", "check_port", "free_port", "port_available", "wait_for_http"]

DEFAULT_IP = "127.0.0.1"


class PortInUseError(RuntimeError):
    """Raised by :func:`check_port` when the port cannot be bound."""


def port_available(port: int, ip: str = DEFAULT_IP) -> bool:
    """True when a TCP server could bind ``ip:port`` right now.

    Uses SO_REUSEADDR like tornado does, so ports in TIME_WAIT count as free.
    """
    try:
        infos = socket.getaddrinfo(ip or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        return False
    for family, socktype, proto, _, addr in infos:
        with socket.socket(family, socktype, proto) as sock:
            if os.name != "nt":
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(addr)
            except OSError as exc:
                if exc.errno == errno.EADDRNOTAVAIL and family == socket.AF_INET6:
                    continue  # no IPv6 on this machine: tornado skips it too
                return False
    return True


def check_port(port: int, ip: str = DEFAULT_IP) -> None:
    """Raise :class:`PortInUseError` (message names the port) when it cannot be bound."""
    if not 0 < port < 65536:
        raise PortInUseError(f"port {port} is not a valid TCP port (1-65535)")
    if not port_available(port, ip):
        raise PortInUseError(
            f"port {port} on {ip} is already in use (or not allowed); "
            f"stop the program using it or choose another one with --port"
        )


def free_port(ip: str = DEFAULT_IP) -> int:
    """A currently free TCP port on ``ip`` (for tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((ip, 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, timeout: float = 60.0, interval: float = 0.25) -> int:
    """Poll ``url`` until it answers (any HTTP status below 500); returns the status.

    Raises TimeoutError when nothing answered within ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=max(1.0, interval * 4)) as resp:
                return resp.status
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return exc.code
            last = exc
        except (urllib.error.URLError, OSError) as exc:
            last = exc
        time.sleep(interval)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f}s (last error: {last})")

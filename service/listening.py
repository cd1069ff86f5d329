"""The socket `serve` listens on, bound before anything says where it listens."""

import errno
import socket

from service.cli_errors import PortTaken


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port and listening, or PortTaken saying why it cannot be."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError):
        raise PortTaken(f"{host!r} is no address to listen on (PARTNERSHIP_HOST)") from None
    sock = socket.socket(family, kind, proto)
    try:
        # As uvicorn does: a restart may reuse a port whose old connections are closing. It
        # does not let two servers listen on one port.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as error:
        sock.close()
        raise PortTaken(_why(error, host, port)) from None
    return sock


def _why(error: OSError, host: str, port: int) -> str:
    if error.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is taken"
    if error.errno == errno.EACCES:
        return f"port {port} on {host} may not be used by this user"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"{host} is not an address of this machine (PARTNERSHIP_HOST)"
    return f"cannot listen on port {port} on {host}: {error.strerror or error}"

"""A warm process that forks chapter kernels, so each kernel skips ~0.9 s of imports.

`make book` starts one per build (`python -m pipeline.forkserver LISTEN_FD PARENT_FD`). It
imports ipykernel and the third-party libraries every chapter uses, then waits. For each
connection on the listening Unix socket it reads a JSON request {"argv", "env", "cwd"}, forks,
and answers with the new process id. The child becomes exactly what `python -m
ipykernel_launcher ARGV` started in `cwd` with `env` would be, only already warm: its own
process group, the request's environment and working directory, stdin from /dev/null.

Nothing of the book (`analyses`) is imported here: a chapter imports it fresh in its kernel,
so what a chapter reads is still recorded and the data tables are loaded anew. The server
stops when the build closes its end of PARENT_FD, or dies.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import select
import signal
import socket
import sys
import traceback
from pathlib import Path

# What every chapter imports anyway; imported once here instead of once per kernel.
WARM_MODULES = ("ipykernel.kernelapp", "numpy", "pandas", "altair")


def serve(listener: socket.socket, parent_fd: int) -> None:
    """Fork a kernel for each request until the build goes away."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped by the system, never zombies
    while True:
        ready, _, _ = select.select([listener, parent_fd], [], [])
        if parent_fd in ready:
            return
        connection, _ = listener.accept()
        with connection:
            request = json.loads(read_all(connection))
            pid = os.fork()
            if pid == 0:
                listener.close()
                connection.close()
                os.close(parent_fd)
                _become_kernel(request)
            try:
                os.setpgid(pid, pid)  # also done by the child: whichever runs first wins the race
            except OSError:
                pass
            connection.sendall(str(pid).encode("ascii"))


def read_all(connection: socket.socket) -> bytes:
    """Everything the other end sends until it shuts its side down."""
    chunks = []
    while chunk := connection.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _become_kernel(request: dict) -> None:
    """In the forked child: the state `python -m ipykernel_launcher` would start from, then run."""
    code = 0
    try:
        os.setpgid(0, 0)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = [importlib.util.find_spec("ipykernel_launcher").origin, *request["argv"]]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:  # a kernel that cannot start must not fall back into the server loop
        traceback.print_exc()
        code = 1
    finally:
        os._exit(code)


def main(argv: list[str]) -> None:
    listen_fd, parent_fd = int(argv[0]), int(argv[1])
    # As ipykernel_launcher does: the working directory is not importable while loading.
    if sys.path and Path(sys.path[0] or ".").resolve() == Path.cwd().resolve():
        del sys.path[0]
    for module in WARM_MODULES:
        importlib.import_module(module)
    listener = socket.socket(fileno=listen_fd)
    serve(listener, parent_fd)


if __name__ == "__main__":
    main(sys.argv[1:])
    os._exit(0)  # nothing to flush: skip tearing the imported libraries down (~0.3 s)

"""Kernels for executing chapters: IPC sockets, and forked warm from a fork server during builds.

`IPCKernelManager` (papermill's kernel manager class in pipeline.build) talks to its kernel
over local IPC sockets rather than loopback TCP ports, each kernel in its own folder. While
`forkserver()` is open, its kernels are forked from `pipeline.forkserver`, which has already
imported ipykernel and the libraries every chapter uses; outside it (or for another kernel
command) they are started as usual with `python -m ipykernel_launcher`. Either way each chapter
gets a kernel of its own, started once.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import default

from pipeline.forkserver import read_all
from pipeline.notebooks import ROOT

FORKSERVER_ENV = "BOOK_KERNEL_FORKSERVER"  # the fork server's socket, while one runs
RECORD_OPENED = ["import pipeline.opened", "pipeline.opened.install()"]  # run by the kernel before any cell


@contextmanager
def forkserver():
    """Run the fork server while the block runs; processes forked inside inherit its address."""
    folder = Path(tempfile.mkdtemp(prefix="book-forkserver-"))
    address = folder / "socket"
    # Bound here, before the server starts: early requests wait in the queue, never fail.
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(address))
    listener.listen(16)
    watched, held = os.pipe()  # the server stops when the write end closes
    server = subprocess.Popen([sys.executable, "-m", "pipeline.forkserver", str(listener.fileno()), str(watched)],
                              pass_fds=(listener.fileno(), watched), cwd=ROOT, start_new_session=True)
    listener.close()
    os.close(watched)
    os.environ[FORKSERVER_ENV] = str(address)
    try:
        yield
    finally:
        os.environ.pop(FORKSERVER_ENV, None)
        os.close(held)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(folder, ignore_errors=True)


def _ask_fork(address: str, request: dict) -> int:
    """The process id of a kernel the fork server started for `request`."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.connect(address)
        connection.sendall(json.dumps(request).encode("utf-8"))
        connection.shutdown(socket.SHUT_WR)
        answer = read_all(connection)
    if not answer:
        raise RuntimeError(f"the kernel fork server at {address} did not answer")
    return int(answer)


class ForkedKernel:
    """What LocalProvisioner expects of a Popen object, for a kernel the fork server started.

    The fork server, its parent, reaps it: its exit status is not known here, and a kernel
    that has gone reports 0.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            time.sleep(0.01)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkingProvisioner(LocalProvisioner):
    """LocalProvisioner that asks the fork server, when one runs, for `python -m ipykernel_launcher`."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        address = os.environ.get(FORKSERVER_ENV)
        if not address or cmd[0] != sys.executable or cmd[1:3] != ["-m", "ipykernel_launcher"]:
            return await super().launch_kernel(cmd, **kwargs)
        env = {k: v for k, v in (kwargs.get("env") or os.environ).items() if k != FORKSERVER_ENV}
        cwd = str(kwargs.get("cwd") or os.getcwd())
        try:
            # Blocks until the server has forked (it may still be importing at the start of a build).
            pid = _ask_fork(address, {"argv": cmd[3:], "env": env, "cwd": cwd})
        except (OSError, RuntimeError, ValueError) as err:
            print(f"  kernel fork server unavailable ({err}); starting a fresh kernel", file=sys.stderr)
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernel(pid)
        self.pid = self.pgid = pid  # the server gives each kernel a process group of its own
        self.cwd = cwd
        return self.connection_info


class IPCKernelManager(AsyncKernelManager):
    """Local IPC sockets, each kernel in its own folder so parallel chapters never collide."""

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"

    @default("ip")
    def _default_ip(self) -> str:
        return str(Path(tempfile.mkdtemp(prefix="book-kernel-")) / "kernel")

    def format_kernel_cmd(self, extra_arguments=None):
        """The kernel's command: quiet (its shutdown messages are not the reader's concern), and
        recording every book file it opens from before the first cell (pipeline.opened)."""
        return [*super().format_kernel_cmd(extra_arguments), "--IPKernelApp.log_level=CRITICAL",
                f"--IPKernelApp.exec_lines={RECORD_OPENED!r}"]

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = ForkingProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                                                  parent=self)
        return await super()._async_pre_start_kernel(**kw)

    async def cleanup_resources(self, restart: bool = False) -> None:
        """Remove the kernel's socket folder too, once the kernel is gone for good."""
        await super().cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(Path(self.ip).parent, ignore_errors=True)

"""Kernel manager for executing chapters: IPC sockets instead of loopback TCP ports."""

import shutil
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import default


class IPCKernelManager(AsyncKernelManager):
    """Local IPC sockets, each kernel in its own folder so parallel chapters never collide."""

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"

    @default("ip")
    def _default_ip(self) -> str:
        return str(Path(tempfile.mkdtemp(prefix="book-kernel-")) / "kernel")

    def format_kernel_cmd(self, extra_arguments=None):
        """The kernel's command, quiet: its shutdown messages are not the reader's concern."""
        return [*super().format_kernel_cmd(extra_arguments), "--IPKernelApp.log_level=CRITICAL"]

    async def cleanup_resources(self, restart: bool = False) -> None:
        """Remove the kernel's socket folder too, once the kernel is gone for good."""
        await super().cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(Path(self.ip).parent, ignore_errors=True)

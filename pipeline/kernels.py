"""Kernel manager for executing chapters: IPC sockets instead of loopback TCP ports."""

from jupyter_client.manager import AsyncKernelManager
from traitlets import default


class IPCKernelManager(AsyncKernelManager):
    """Local IPC transport: no ports to collide between parallel chapters, no TCP warning."""

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"

"""Kernels the course starts itself (tests, the static book, benchmarks): over IPC where it can.

Jupyter servers the tests start use `server_kernels.ServerIPCKernelManager`, kept apart so that
only a server imports jupyter_server.

With jupyter_client's default TCP transport, a kernel picks free ports and binds them later, so
two kernels started at once can pick the same port and one dies ("Address already in use").
Unix sockets named after a unique, absolute path cannot collide.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import nbformat
from jupyter_client import AsyncKernelManager, KernelManager
from nbclient import NotebookClient
from traitlets import CaselessStrEnum, HasTraits, default

# Windows has no Unix sockets for ZeroMQ: there the default transport stays.
TRANSPORT = "ipc" if os.name == "posix" else "tcp"


class OverIPC(HasTraits):
    """Mixed into a kernel manager: Unix sockets at a unique absolute path.

    jupyter_client's own default path for them is relative to the working folder, which a kernel
    and its client need not share, and the same for every kernel.
    """

    transport = CaselessStrEnum(["tcp", "ipc"], default_value=TRANSPORT, config=True)

    @default("ip")
    def _ip_default(self) -> str:
        if self.transport != "ipc":
            return super()._ip_default()
        return os.path.join(tempfile.gettempdir(), f"fi-kernel-{uuid.uuid4().hex[:12]}")


class IPCKernelManager(OverIPC, KernelManager):
    """The kernel manager nbval starts its kernels with (see the project's conftest.py)."""


class AsyncIPCKernelManager(OverIPC, AsyncKernelManager):
    """The kernel manager of nbclient runs: the static book, exercise builds, tests, benchmarks."""


def notebook_client(
    notebook: nbformat.NotebookNode, folder: Path, timeout: int = 120, **options
) -> NotebookClient:
    """Return an nbclient client that runs notebook in folder on a fresh python3 kernel over IPC."""
    return NotebookClient(
        notebook,
        timeout=timeout,
        # After a cell's reply, its outputs may still be on their way: a quiz sends hundreds of widget
        # messages, and on a busy machine they took more than nbclient's 4 s and were dropped in
        # silence. Wait longer, and fail rather than lose an output.
        iopub_timeout=60,
        raise_on_iopub_timeout=True,
        kernel_name="python3",
        kernel_manager_class=AsyncIPCKernelManager,
        resources={"metadata": {"path": str(folder)}},
        **options,
    )

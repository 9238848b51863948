"""The kernel manager of the JupyterLab and Voila servers the tests start: a server's own, over IPC."""

from __future__ import annotations

from jupyter_server.services.kernels.kernelmanager import ServerKernelManager

from .kernels import OverIPC


class ServerIPCKernelManager(OverIPC, ServerKernelManager):
    """A Jupyter server's kernel manager (it tracks each kernel's activity and state) over IPC."""

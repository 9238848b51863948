"""Kernels the course starts never race for ports: eight started at once all run."""

from __future__ import annotations

import asyncio
import json
import os

import nbformat
from course_root import ROOT

from fourislands.kernels import notebook_client

KERNELS = 8


def test_eight_kernels_started_at_once_all_run():
    notebooks = [
        nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell("import os, json\nprint(json.dumps(os.getpid()))")]
        )
        for _ in range(KERNELS)
    ]
    clients = [notebook_client(notebook, ROOT, timeout=120) for notebook in notebooks]
    assert {client.kernel_manager_class(kernel_name="python3").transport for client in clients} == {"ipc"}

    async def run_all():
        return await asyncio.gather(*(client.async_execute() for client in clients), return_exceptions=True)

    failures = [error for error in asyncio.run(run_all()) if isinstance(error, BaseException)]
    assert failures == []
    pids = {json.loads(notebook.cells[0].outputs[0]["text"]) for notebook in notebooks}
    assert len(pids) == KERNELS


def test_the_test_servers_kernel_manager_is_a_server_manager_over_unique_sockets():
    from jupyter_server.services.kernels.kernelmanager import ServerKernelManager

    from fourislands.server_kernels import ServerIPCKernelManager

    # A server tracks each kernel's state (busy, idle) only through a ServerKernelManager.
    assert issubclass(ServerIPCKernelManager, ServerKernelManager)
    managers = [ServerIPCKernelManager(kernel_name="python3") for _ in range(3)]
    assert {manager.transport for manager in managers} == {"ipc"}
    paths = [manager.ip for manager in managers]
    assert len(set(paths)) == 3 and all(os.path.isabs(path) for path in paths)

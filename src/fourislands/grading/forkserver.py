"""The fork server: a fresh interpreter that imports once, then forks one walled-off child per submission.

It starts with exec (inside bubblewrap when the grader can sandbox), holds nothing of the grader's:
only imported modules and the parsed course data. For each submission the grader sends a start
request with two pipe ends; the server forks a keeper that, in sandbox mode, enters new user,
mount, PID, network, IPC and host-name namespaces, mounts a fresh size-capped tmpfs as the
student's home (its temporary folder inside), hides /proc and the server's own scratch folder,
and forks an init (PID 1 of the new namespace) whose child
runs the submission: a new session, rlimits, no capabilities, and a seccomp filter that allows
threads but no new process. The student's code cannot see the server, the grader, other
submissions or anything but the read-only interpreter, packages and its own copy of the data.

Run as `python -I -m fourislands.grading.forkserver --control-fd N [--isolate]`.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import resource
import select
import shutil
import signal
import socket
import sys
import tempfile
import threading
from pathlib import Path

from . import isolation

STUDENT_HOME = "/home/student"
SERVER_SCRATCH = "/run/grader"  # the server's own writable folder (matplotlib's cache), hidden from children
SHM_BYTES = 1 << 20
WORK_ENV = "FOURISLANDS_GRADER_WORK"
MATPLOTLIB_SEED_ENV = "FOURISLANDS_MATPLOTLIB_SEED"
JOB_FD, REPORT_FD = 3, 4


def _preload() -> None:
    """Import what submissions use and parse the course data once, for every child to inherit."""
    seed, config = os.environ.get(MATPLOTLIB_SEED_ENV), os.environ.get("MPLCONFIGDIR")
    if seed and config and Path(seed).is_dir():
        Path(config).mkdir(parents=True, exist_ok=True)
        for font_list in Path(seed).glob("fontlist-*.json"):
            shutil.copy(font_list, config)  # no font scan (which runs fc-list) in the server
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401
    import numpy  # noqa: F401
    import pandas  # noqa: F401
    from IPython.core import interactiveshell  # noqa: F401  (the magics' shell, made on demand)

    from .. import exercises, fingerprint  # noqa: F401
    from ..data import load, table_names
    from . import runner  # noqa: F401

    for name in table_names():
        load(name)  # keyed by content: a child's own copy of the same file hits this cache


def _walled_off(disk_bytes: int) -> None:
    """Enter new namespaces with a private home and /dev/shm, and /proc and the server's scratch hidden."""
    uid, gid = os.getuid(), os.getgid()
    isolation.unshare(isolation.SUBMISSION_NAMESPACES)
    isolation.map_ids(uid, gid)
    isolation.private_mounts()
    isolation.mount_tmpfs(STUDENT_HOME, disk_bytes, mode="0700")
    if os.path.isdir("/dev/shm"):
        isolation.mount_tmpfs("/dev/shm", SHM_BYTES)
    isolation.mount_tmpfs("/proc", 4096, read_only=True)  # the server's processes stay out of view
    if os.path.isdir(SERVER_SCRATCH):
        isolation.mount_tmpfs(SERVER_SCRATCH, 4096, read_only=True)


def _exit_code(status: int) -> int:
    """Return a child's wait status as an exit code, 128 + the signal for a killed child."""
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code & 0xFF


def _run_submission(workdir: str, request: dict) -> None:
    """Become the process that runs the submission: limits, no privileges, no new processes."""
    os.setsid()
    home = Path(workdir)
    shutil.copytree(Path(os.environ["FOURISLANDS_HOME"]) / "data", home / "course" / "data")
    (home / "tmp").mkdir(exist_ok=True)
    os.chdir(home)
    os.environ.update(
        HOME=str(home),
        FOURISLANDS_HOME=str(home / "course"),
        FOURISLANDS_PROGRESS=str(home / "progress.json"),
        TMPDIR=str(home / "tmp"),  # inside the home, so under its size cap
    )
    tempfile.tempdir = None  # forget the server's choice of temporary folder
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.closerange(5, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    megabyte = 1 << 20
    limits = {
        resource.RLIMIT_AS: request["memory_mb"] * megabyte,
        resource.RLIMIT_FSIZE: request["file_mb"] * megabyte,
        resource.RLIMIT_CPU: int(request["cpu_seconds"]),
        resource.RLIMIT_NOFILE: 256,
        resource.RLIMIT_CORE: 0,
    }
    for kind, value in limits.items():
        resource.setrlimit(kind, (value, value))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized write fails instead of killing
    if sys.platform == "linux":
        isolation.not_dumpable()
        isolation.drop_privileges()
        isolation.forbid_new_processes()
    from .runner import serve

    serve(JOB_FD, REPORT_FD)


def _init(request: dict) -> None:
    """Be PID 1 of the submission's namespaces: start the runner, wait for it, end with its code."""
    isolation.die_with_parent(signal.SIGKILL)
    isolation.not_dumpable()
    runner = os.fork()
    if runner == 0:
        _run_submission(STUDENT_HOME, request)
    os.close(JOB_FD)  # only the runner holds the pipes: when it closes them, the grader sees it
    os.close(REPORT_FD)
    while True:
        pid, status = os.wait()
        if pid == runner:
            os._exit(_exit_code(status))  # PID 1 ending takes every process of the namespace with it


def _keeper(request: dict, job_fd: int, report_fd: int, workdir: str | None) -> None:
    """The forked child for one submission; never returns."""
    code = 70
    try:
        server = os.getppid()
        isolation.die_with_parent(signal.SIGKILL)
        if os.getppid() != server:
            os._exit(code)
        for number in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT):
            signal.signal(number, signal.SIG_DFL)
        signal.set_wakeup_fd(-1)
        # Out of the way first: the pipe ends may already sit on 3 and 4, the other way round.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 100) for fd in (job_fd, report_fd)]
        for fd, place in zip(high, (JOB_FD, REPORT_FD), strict=True):
            os.dup2(fd, place)
        os.closerange(REPORT_FD + 1, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
        if not request["isolate"]:
            _run_submission(workdir, request)
        _walled_off(request["disk_mb"] << 20)
        init = os.fork()
        if init == 0:
            _init(request)
        os.close(JOB_FD)
        os.close(REPORT_FD)
        _, status = os.waitpid(init, 0)
        code = _exit_code(status)
    except BaseException as error:  # nothing may escape a forked child: report and end
        print(f"fork server child: {type(error).__name__}: {error}", file=sys.__stderr__)
    finally:
        os._exit(code)


def _probe(disk_bytes: int) -> str | None:
    """Return why submissions cannot be walled off here, or None when they can."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            _walled_off(disk_bytes)
            child = os.fork()
            if child == 0:
                os._exit(0 if os.getpid() == 1 else 3)
            _, status = os.waitpid(child, 0)
            os._exit(_exit_code(status))
        except BaseException as error:
            os.write(write_end, f"{type(error).__name__}: {error}".encode()[:500])
            os._exit(1)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as handle:
        reason = handle.read().decode(errors="replace")
    _, status = os.waitpid(pid, 0)
    if _exit_code(status) == 0:
        return None
    return reason or f"the test child ended with code {_exit_code(status)}"


class Server:
    """The loop: start and kill children on request, report each child's end."""

    def __init__(self, control: socket.socket, isolate: bool) -> None:
        self.control, self.isolate = control, isolate
        self.children: dict[int, str] = {}  # keeper pid -> job id
        self.workdirs: dict[int, str] = {}

    def send(self, message: dict) -> None:
        self.control.send(json.dumps(message).encode())

    def start(self, request: dict, fds: list[int]) -> None:
        job = str(request["job"])
        if len(fds) != 2:
            for fd in fds:
                os.close(fd)
            self.send({"event": "ended", "job": job, "code": 70})
            return
        request = {**request, "isolate": self.isolate}
        workdir = (
            None if self.isolate else tempfile.mkdtemp(prefix="submission-", dir=os.environ.get(WORK_ENV))
        )
        pid = os.fork()
        if pid == 0:
            self.control.close()
            _keeper(request, fds[0], fds[1], workdir)
        for fd in fds:
            os.close(fd)
        self.children[pid] = job
        if workdir:
            self.workdirs[pid] = workdir
        self.send({"event": "started", "job": job})

    def kill(self, job: str) -> None:
        for pid, running in self.children.items():
            if running == job:
                os.kill(pid, signal.SIGKILL)

    def reap(self) -> None:
        while self.children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                return
            job = self.children.pop(pid, None)
            if pid in self.workdirs:
                shutil.rmtree(self.workdirs.pop(pid), ignore_errors=True)
            if job is not None:
                self.send({"event": "ended", "job": job, "code": _exit_code(status)})

    def serve(self) -> None:
        wake_read, wake_write = os.pipe()
        os.set_blocking(wake_write, False)
        signal.set_wakeup_fd(wake_write)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        while True:
            ready, _, _ = select.select([self.control, wake_read], [], [], 1.0)
            if wake_read in ready:
                os.read(wake_read, 4096)
            self.reap()
            if self.control not in ready:
                continue
            data, fds, _flags, _address = socket.recv_fds(self.control, 65536, 4)
            if not data:
                break
            request = json.loads(data)
            if request["op"] == "start":
                self.start(request, fds)
            elif request["op"] == "kill":
                self.kill(str(request["job"]))
            elif request["op"] == "stop":
                break
        for pid in list(self.children):
            os.kill(pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--control-fd", type=int, required=True)
    parser.add_argument("--isolate", action="store_true")
    parser.add_argument("--disk-mb", type=int, default=16)
    args = parser.parse_args()
    isolation.die_with_parent(signal.SIGKILL)
    control = socket.socket(fileno=args.control_fd)
    _preload()
    problem = None
    if threading.active_count() != 1:
        problem = "the fork server started threads while importing, so it cannot fork safely"
    elif args.isolate:
        problem = _probe(args.disk_mb << 20)
    server = Server(control, isolate=args.isolate and problem is None)
    server.send({"event": "ready", "isolated": server.isolate, "problem": problem})
    server.serve()


if __name__ == "__main__":
    main()

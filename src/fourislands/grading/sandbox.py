"""Start the fork server, inside bubblewrap where it can run, and talk to it (the grader's side)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .forkserver import SERVER_SCRATCH
from .limits import Limits

SANDBOX_MODES = ("auto", "required", "off")
READY_SECONDS = 120.0  # importing pandas and matplotlib on a cold, busy machine
SANDBOX_USER = 65534  # "nobody" inside the sandbox, whoever runs the grader
SYSTEM_FOLDERS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime")
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


class SandboxUnavailable(RuntimeError):
    """The sandbox was required and cannot run here; the message says why."""


@dataclass
class Job:
    """One submission's run as the fork server sees it: started, and how it ended."""

    server: int  # which server process ran it: a lost server ends only its own jobs
    started: threading.Event = field(default_factory=threading.Event)
    ended: threading.Event = field(default_factory=threading.Event)
    code: int | None = None  # the child's exit code, 128 + signal if killed; None if the server was lost

    def end(self, code: int | None = None) -> None:
        self.code = code
        self.started.set()
        self.ended.set()


def _bwrap_command(workspace: Path, control_fd: int, disk_mb: int) -> list[str]:
    """Return the bubblewrap command that starts the fork server walled off from the machine."""
    import fourislands

    command = ["bwrap", "--unshare-all", "--uid", str(SANDBOX_USER), "--gid", str(SANDBOX_USER)]
    command += ["--die-with-parent", "--new-session", "--hostname", "grader"]
    for folder in SYSTEM_FOLDERS:
        if os.path.islink(folder):
            command += ["--symlink", os.readlink(folder), folder]
        elif os.path.isdir(folder):
            command += ["--ro-bind", folder, folder]
    for file in SYSTEM_FILES:
        command += ["--ro-bind-try", file, file]
    # The interpreter and its packages, read-only; the course's own package where it lives (an
    # editable install points into the checkout: only the package folder is shown, not solutions/).
    shown = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix), sys.prefix}
    package = str(Path(fourislands.__file__).resolve().parent)
    if not any(package.startswith(prefix + os.sep) for prefix in shown):
        shown.add(package)
    for path in sorted(shown):
        if not path.startswith("/usr/"):
            command += ["--ro-bind", path, path]
    command += ["--ro-bind", str(workspace / "course"), "/course"]
    command += ["--ro-bind-try", str(workspace / "matplotlib-seed"), "/opt/matplotlib-seed"]
    # No tmpfs on /tmp: a course checked out under /tmp (as CI does) would vanish under it. /tmp is
    # a read-only folder; a submission's temporary files go to TMPDIR, inside its own home.
    command += ["--dir", "/tmp", "--dir", "/home/student", "--tmpfs", SERVER_SCRATCH]
    command += ["--proc", "/proc", "--dev", "/dev", "--remount-ro", "/dev", "--remount-ro", "/"]
    command += ["--chdir", "/home/student", "--clearenv"]
    environment = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": "/home/student",
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": f"{SERVER_SCRATCH}/matplotlib",
        "TMPDIR": SERVER_SCRATCH,
        "FOURISLANDS_MATPLOTLIB_SEED": "/opt/matplotlib-seed",
        "FOURISLANDS_HOME": "/course",
        "FOURISLANDS_GRADING": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        **dict.fromkeys(THREAD_VARIABLES, "1"),
    }
    for name, value in environment.items():
        command += ["--setenv", name, value]
    server = [sys.executable, "-I", "-m", "fourislands.grading.forkserver", "--control-fd", str(control_fd)]
    return command + ["--", *server, "--isolate", "--disk-mb", str(disk_mb)]


def _plain_command(workspace: Path, control_fd: int) -> tuple[list[str], dict[str, str]]:
    """Return the command and environment of a fork server with no sandbox around it."""
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(workspace / "home"),
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": str(workspace / "matplotlib"),
        "FOURISLANDS_MATPLOTLIB_SEED": str(workspace / "matplotlib-seed"),
        "FOURISLANDS_HOME": str(workspace / "course"),
        "FOURISLANDS_GRADING": "1",
        "FOURISLANDS_GRADER_WORK": str(workspace / "work"),
        "PYTHONDONTWRITEBYTECODE": "1",
        **dict.fromkeys(THREAD_VARIABLES, "1"),
    }
    (workspace / "home").mkdir(exist_ok=True)
    (workspace / "work").mkdir(exist_ok=True)
    server = [sys.executable, "-I", "-m", "fourislands.grading.forkserver", "--control-fd", str(control_fd)]
    return server, environment


def bubblewrap_problem() -> str | None:
    """Return why bubblewrap cannot be used on this machine at all, or None if it may."""
    if not sys.platform.startswith("linux"):
        return f"bubblewrap exists only on Linux, and this is {sys.platform}"
    if shutil.which("bwrap") is None:
        return "bubblewrap is not installed (Debian and Ubuntu: apt-get install bubblewrap)"
    return None


class ForkServer:
    """The grader's handle on the fork server: start it, run jobs through it, stop it."""

    def __init__(self, workspace: Path, sandbox: str, limits: Limits) -> None:
        if sandbox not in SANDBOX_MODES:
            raise ValueError(f"--sandbox must be one of {', '.join(SANDBOX_MODES)}, not {sandbox!r}")
        self.workspace, self.mode, self.limits = workspace, sandbox, limits
        self.isolated = False
        self.problem: str | None = None
        self.process: subprocess.Popen | None = None
        self.control: socket.socket | None = None
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()
        self.restarting = threading.Lock()
        self.generation = 0

    # -- starting and stopping ----------------------------------------------------------------

    def start(self) -> None:
        """Start the server: sandboxed if it can be (or must be), else plain; raise SandboxUnavailable."""
        problem = None if self.mode == "off" else bubblewrap_problem()
        if self.mode != "off" and problem is None:
            problem = self._launch(sandboxed=True)
            if problem is None:
                self.isolated = True
                return
            self.stop()
        if self.mode == "required":
            raise SandboxUnavailable(f"submissions cannot be sandboxed here: {problem}")
        self.problem = problem or "the sandbox was turned off (--sandbox off)"
        failure = self._launch(sandboxed=False)
        if failure is not None:
            raise RuntimeError(f"the grader could not start its worker process: {failure}")

    def _launch(self, sandboxed: bool) -> str | None:
        """Start a server process and wait until it is ready; return a problem, or None."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.generation += 1
        log = (self.workspace / f"server-{self.generation}.log").open("wb")
        if sandboxed:
            command, environment = _bwrap_command(self.workspace, theirs.fileno(), self.limits.disk_mb), None
        else:
            command, environment = _plain_command(self.workspace, theirs.fileno())
        try:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
                pass_fds=[theirs.fileno()],
                env=environment if environment is not None else {"PATH": os.environ.get("PATH", "/usr/bin")},
                start_new_session=True,
            )
        except OSError as error:
            return f"{command[0]} could not start ({error.strerror or error})"
        finally:
            theirs.close()
            log.close()
        self.control = ours
        ours.settimeout(READY_SECONDS)
        try:
            ready = json.loads(ours.recv(65536) or b"null")
        except (OSError, ValueError):
            ready = None
        ours.settimeout(None)
        if not isinstance(ready, dict) or ready.get("event") != "ready":
            return self._failure_text()
        if sandboxed and not ready.get("isolated"):
            return f"the sandbox cannot wall submissions off from each other here ({ready.get('problem')})"
        threading.Thread(target=self._listen, args=(ours, self.generation), daemon=True).start()
        return None

    def _failure_text(self) -> str:
        log = self.workspace / f"server-{self.generation}.log"
        text = log.read_text(errors="replace").strip().splitlines()
        return text[-1][:300] if text else "the worker process ended before it was ready"

    def stop(self) -> None:
        """Stop the server and every child it has (bubblewrap's PID namespace takes them all)."""
        if self.control is not None:
            with contextlib.suppress(OSError):
                self.control.send(json.dumps({"op": "stop"}).encode())
            self.control.close()
            self.control = None
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None
        with self.lock:
            for job in self.jobs.values():
                if job.server == self.generation:
                    job.end()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None and self.control is not None

    def restart(self, lost: int) -> None:
        """Start a new server after server number `lost` went away (the jobs it held end as lost)."""
        with self.restarting:
            if self.generation != lost and self.alive():
                return  # another job's thread has restarted it already
            self.stop()
            problem = self._launch(sandboxed=self.isolated)
            if problem is not None:
                raise RuntimeError(f"the grader's worker process could not be restarted: {problem}")

    # -- jobs ---------------------------------------------------------------------------------

    def _listen(self, control: socket.socket, generation: int) -> None:
        """Route the server's messages to the jobs they are about; end its jobs if it goes away."""
        while True:
            try:
                data = control.recv(65536)
            except OSError:
                data = b""
            if not data:
                break
            message = json.loads(data)
            job = self.jobs.get(str(message.get("job")))
            if job is None:
                continue
            if message["event"] == "started":
                job.started.set()
            elif message["event"] == "ended":
                job.end(message.get("code"))
        with self.lock:
            for job in self.jobs.values():
                if job.server == generation:
                    job.end()

    def run(self, name: str, job_fd: int, report_fd: int) -> Job:
        """Ask the server to start a walled-off child for job name with these two pipe ends."""
        request = {
            "op": "start",
            "job": name,
            "disk_mb": self.limits.disk_mb,
            "memory_mb": self.limits.memory_mb,
            "file_mb": self.limits.file_mb,
            "cpu_seconds": int(self.limits.total_seconds + self.limits.cell_seconds + 5),
        }
        with self.lock:
            job = self.jobs[name] = Job(server=self.generation)
            control = self.control
        try:
            socket.send_fds(control, [json.dumps(request).encode()], [job_fd, report_fd])
        except (OSError, AttributeError):  # the server is gone: the job ends as lost
            job.end()
        return job

    def kill(self, name: str) -> None:
        with contextlib.suppress(OSError, AttributeError):
            self.control.send(json.dumps({"op": "kill", "job": name}).encode())

    def forget(self, name: str) -> None:
        with self.lock:
            self.jobs.pop(name, None)

"""JupyterHub for a class on one machine: local Unix students, the course read-only, work kept in their homes.

`make hub` starts it (as root: it runs each student's server as that student). docs/jupyterhub.md says
how to add students and what one machine serves. Settings that differ between machines come from
the environment:

- FOURISLANDS_HUB_URL   where the hub listens (default http://127.0.0.1:8000, this machine only)
- FOURISLANDS_HUB_GROUP the Unix group whose members may log in (default fourislands)
- FOURISLANDS_HUB_STATE the hub's database, cookie secret and proxy pid (default /var/lib/fourislands-hub)
"""

import os
import pwd
import stat
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub defines it while it reads this file)

# etc/jupyterhub/jupyterhub_config.py -> the course folder is two folders up.
COURSE = Path(__file__).resolve().parents[2]
# The hub runs from the course's environment (.venv/ by `make hub`): students get the same Python,
# the same packages and the JupyterLab settings `make install` put there.
BIN = Path(sys.prefix) / "bin"
WORKSPACE = "fourislands-work"  # in each student's home: their copies of the lessons and exercises
START_PAGE = "/lab/tree/notebooks/00-start-here.ipynb"  # as `make lab`: the start notebook, in JupyterLab
STATE = Path(os.environ.get("FOURISLANDS_HUB_STATE", "/var/lib/fourislands-hub"))
GROUP = os.environ.get("FOURISLANDS_HUB_GROUP", "fourislands")
HIDDEN_FROM_STUDENTS = COURSE / "solutions"  # the grader's hidden tests and the model answers


def shut_to_others(path: Path) -> list[Path]:
    """Return the folders on the way to path (path included) that users other than the owner cannot enter."""
    shut = []
    for folder in [*reversed(path.parents), path]:
        if folder.is_dir() and not folder.stat().st_mode & stat.S_IXOTH:
            shut.append(folder)
    return shut


def refuse(reason: str) -> None:
    """Stop the hub before it starts, saying why and what to do: a half-working class is worse."""
    print(f"jupyterhub_config.py: {reason}", file=sys.stderr)
    raise SystemExit(1)


# Students' servers run this Python and read this course as themselves, not as root: every folder on
# the way must let them through (a Python installed under /root, pyenv's default, does not).
needed = [COURSE, Path(sys.prefix), Path(sys.base_prefix), Path(os.path.realpath(sys.executable))]
shut = sorted({folder for path in needed for folder in shut_to_others(path)})
if shut:
    refuse(
        "students could not run the course's Python or read the course: "
        + ", ".join(f"{folder} (mode {stat.S_IMODE(folder.stat().st_mode):o})" for folder in shut)
        + " let only their owner in. Install the course and its Python where everyone may read them "
        "(for example /opt/fourislands, with the system's python3), or let others through with "
        f"`chmod o+x {' '.join(map(str, shut))}` (o+x lets a user pass a folder, not list it)."
    )
# A student who can read solutions/ has every hidden test and model answer: `make hub` closes it.
if HIDDEN_FROM_STUDENTS.is_dir() and HIDDEN_FROM_STUDENTS.stat().st_mode & (stat.S_IROTH | stat.S_IXOTH):
    refuse(f"{HIDDEN_FROM_STUDENTS} is readable by every student: run `chmod o-rwx {HIDDEN_FROM_STUDENTS}`.")

# The hub's own files: its database and cookie secret let whoever reads them act as any student.
STATE.mkdir(mode=0o700, parents=True, exist_ok=True)
STATE.chmod(0o700)
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")

# The public address. This machine only by default: on a classroom network, put it behind TLS
# (passwords travel in the login form) and set FOURISLANDS_HUB_URL.
c.JupyterHub.bind_url = os.environ.get("FOURISLANDS_HUB_URL", "http://127.0.0.1:8000")
# The proxy is npm's configurable-http-proxy, pinned in package.json and installed by `npm ci`.
c.ConfigurableHTTPProxy.command = [str(COURSE / "node_modules" / ".bin" / "configurable-http-proxy")]

# Students log in with their Unix user name and password (PAM): it works offline, and the admin
# adds a student with useradd and chpasswd (docs/jupyterhub.md). Only members of GROUP may log in,
# so the machine's other accounts (root, services) never get a server.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {GROUP}

# Each student's server is a local process running as that student, in their home.
c.JupyterHub.spawner_class = "localprocess"
# binder/fourislands-start (the course image's too) makes or tops up ~/fourislands-work as the
# student, then starts the server: the copies are theirs, and a copy they changed is never replaced.
c.Spawner.cmd = [
    "/bin/bash",
    str(COURSE / "binder" / "fourislands-start"),
    str(BIN / "jupyterhub-singleuser"),
]
c.Spawner.args = [
    # What `make lab` hides in the file browser (the course's machinery) is hidden here too.
    f"--config={COURSE / 'etc' / 'jupyter_server_config.json'}",
    # A student who leaves for an hour frees the machine: first their kernels, then their server
    # (their files stay; logging in again starts a new one). LocalProcessSpawner enforces no limits.
    "--MappingKernelManager.cull_idle_timeout=3600",
    "--MappingKernelManager.cull_interval=300",
    "--ServerApp.shutdown_no_activity_timeout=3600",
    # Students cannot install into the course's Python, and the class may be offline: JupyterLab's
    # extension manager only lists what is installed, instead of offering installs from PyPI.
    "--LabApp.extension_manager=readonly",
    # nbgrader, in .venv/ for the course's tests, stays out of each student's server: `make install`
    # turns its server extensions off (etc/jupyter_server_config.d/nbgrader.off.json) and its menus.
]
c.Spawner.notebook_dir = f"~/{WORKSPACE}"
c.Spawner.default_url = START_PAGE
c.Spawner.environment = {
    # The course's Python first: a terminal's `python` and `jupyter` are the ones the lessons use.
    "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin",
    "FOURISLANDS_WORKSPACE": f"~/{WORKSPACE}",
}
# A class logs in at once: on two cores, 40 servers starting together take longer than the default 60/30 s.
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300


def make_home_private(spawner) -> None:
    """Make the student's home theirs alone (mode 700) before their server starts.

    Progress (~/.fourislands/progress.json) and work (~/fourislands-work) live there. Debian's
    useradd makes homes readable by everyone (umask 022) unless told otherwise: one student could
    then read another's answers.
    """
    user = pwd.getpwnam(spawner.user.name)
    home = Path(user.pw_dir)
    if not home.is_dir():
        raise RuntimeError(f"{spawner.user.name} has no home folder {home}: create it with `useradd -m`")
    if home.stat().st_uid != user.pw_uid:
        raise RuntimeError(f"{home} belongs to another user than {spawner.user.name}: not starting there")
    mode = stat.S_IMODE(home.stat().st_mode)
    if mode & 0o077:
        home.chmod(0o700)
        spawner.log.info("made %s private (mode %o, was %o)", home, 0o700, mode)


c.Spawner.pre_spawn_hook = make_home_private

"""Linux calls that wall one submission off: namespaces, private mounts, no privileges, no new processes."""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import platform
import struct
import sys

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
CLONE_THREAD = 0x00010000
# Everything a submission could share with another: users, mounts, processes, network, IPC, host name.
SUBMISSION_NAMESPACES = (
    CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
)

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18

PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_SECCOMP, PR_SET_NO_NEW_PRIVS = 1, 4, 22, 38
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
SECCOMP_MODE_FILTER = 2
LINUX_CAPABILITY_VERSION_3 = 0x20080522

# System call numbers the process filter needs, per architecture (from the kernel's unistd tables).
SYSCALLS = {
    "x86_64": {
        "audit_arch": 0xC000003E,
        "capset": 126,
        "clone": 56,
        "fork": 57,
        "vfork": 58,
        "clone3": 435,
        "unshare": 272,
        "setns": 308,
        "ptrace": 101,
    },
    "aarch64": {
        "audit_arch": 0xC00000B7,
        "capset": 91,
        "clone": 220,
        "clone3": 435,
        "unshare": 97,
        "setns": 268,
        "ptrace": 117,
    },
}
X32_SYSCALL_BIT = 0x40000000

_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def _checked(result: int, what: str) -> None:
    """Raise OSError naming the call when a libc call failed."""
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def _syscalls() -> dict | None:
    """Return the system call numbers of this machine, or None where the filter is not supported."""
    if sys.platform != "linux":
        return None
    return SYSCALLS.get(platform.machine())


def unshare(flags: int) -> None:
    """Move this process into new namespaces (the PID namespace applies to its children)."""
    _checked(_libc.unshare(ctypes.c_int(flags)), "unshare")


def map_ids(uid: int, gid: int) -> None:
    """Map this user and group to themselves in the new user namespace (the only ids in it)."""
    with open("/proc/self/setgroups", "w") as handle:
        handle.write("deny")
    with open("/proc/self/uid_map", "w") as handle:
        handle.write(f"{uid} {uid} 1")
    with open("/proc/self/gid_map", "w") as handle:
        handle.write(f"{gid} {gid} 1")


def mount(source: str | None, target: str, kind: str | None, flags: int, options: str | None = None) -> None:
    """Call mount(2), raising OSError with the target named."""
    encoded = [None if v is None else v.encode() for v in (source, target, kind, options)]
    _libc.mount.argtypes = [
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_ulong,
        ctypes.c_char_p,
    ]
    _checked(_libc.mount(encoded[0], encoded[1], encoded[2], flags, encoded[3]), f"mount {target}")


def private_mounts() -> None:
    """Stop mounts made here from reaching the namespace this one was copied from."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)


def mount_tmpfs(target: str, size_bytes: int, read_only: bool = False, mode: str = "0755") -> None:
    """Mount a new, size-capped tmpfs (a file system of its own, shared with nobody) on target."""
    flags = MS_NOSUID | MS_NODEV | (MS_RDONLY | MS_NOEXEC if read_only else 0)
    mount("tmpfs", target, "tmpfs", flags, f"size={max(size_bytes, 4096)},mode={mode}")


def bind(source: str, target: str) -> None:
    """Bind-mount source on target."""
    mount(source, target, None, MS_BIND)


def die_with_parent(signal_number: int) -> None:
    """Ask the kernel to send signal_number to this process when its parent ends."""
    if sys.platform == "linux":
        _checked(_libc.prctl(PR_SET_PDEATHSIG, signal_number, 0, 0, 0), "prctl(PDEATHSIG)")


def not_dumpable() -> None:
    """Make this process impossible to trace or to read through /proc by another of the same user."""
    if sys.platform == "linux":
        _checked(_libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "prctl(DUMPABLE)")


def drop_privileges() -> None:
    """Give up every capability (those a user namespace grants too) and any way to regain them."""
    if sys.platform != "linux":
        return
    _checked(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    calls = _syscalls()
    if calls is None:
        return
    header = struct.pack("Ii", LINUX_CAPABILITY_VERSION_3, 0)
    data = bytes(24)  # two {effective, permitted, inheritable} sets of 32 bits, all empty
    _checked(_libc.syscall(calls["capset"], header, data), "capset")


def _filter_program(calls: dict) -> bytes:
    """Return a classic BPF seccomp program: threads yes; new processes, namespaces and ptrace no."""
    load_word, jump_equal, jump_set, jump_greater_equal, ret = 0x20, 0x15, 0x45, 0x35, 0x06
    allow, kill = 0x7FFF0000, 0x80000000

    def refuse(code: int) -> int:
        return 0x00050000 | code

    # (code, jump-if-true label, jump-if-false label, k); labels resolve to relative offsets below.
    program = [
        (load_word, None, None, 4),  # seccomp_data.arch
        (jump_equal, "next", "kill", calls["audit_arch"]),
        (load_word, None, None, 0),  # seccomp_data.nr
        (jump_greater_equal, "eperm", "next", X32_SYSCALL_BIT),
        (jump_equal, "clone", "next", calls["clone"]),
        (jump_equal, "enosys", "next", calls["clone3"]),  # libc then falls back to clone, checked below
    ]
    program += [(jump_equal, "eperm", "next", calls[name]) for name in ("fork", "vfork") if name in calls]
    program += [(jump_equal, "eperm", "next", calls[name]) for name in ("unshare", "setns", "ptrace")]
    program += [(ret, None, None, allow)]
    labels = {
        "clone": len(program),
        "allow": len(program) + 2,
        "eperm": len(program) + 3,
        "enosys": len(program) + 4,
        "kill": len(program) + 5,
    }
    program += [
        (load_word, None, None, 16),  # low 32 bits of the first argument: clone's flags
        (jump_set, "allow", "eperm", CLONE_THREAD),
        (ret, None, None, allow),
        (ret, None, None, refuse(errno.EPERM)),
        (ret, None, None, refuse(errno.ENOSYS)),
        (ret, None, None, kill),
    ]
    encoded = b""
    for position, (code, if_true, if_false, k) in enumerate(program):

        def offset(label, position=position):
            return 0 if label in (None, "next") else labels[label] - position - 1

        encoded += struct.pack("HBBI", code, offset(if_true), offset(if_false), k)
    return encoded


def forbid_new_processes() -> bool:
    """Stop this process and its threads from starting processes or namespaces; False if unsupported."""
    calls = _syscalls()
    if calls is None:
        return False
    program = _filter_program(calls)
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = struct.pack("HxxxxxxP", len(program) // 8, ctypes.addressof(buffer))
    _checked(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")
    _checked(_libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.c_char_p(fprog), 0, 0), "seccomp")
    return True

"""CPU time of a process tree from /proc: what a server (gunicorn's master and workers,
or PostgreSQL's postmaster and backends) spent, whoever asked it for work.

A child that has exited and been waited for is counted in its parent's `cutime` and
`cstime`, so a worker restarted or a backend closed between two readings is not lost;
a live child is counted by its own `utime` and `stime`. Each child is counted one way
or the other at any reading, never both, so the difference of two readings is the
tree's CPU time in between (children of children are counted the same way).
"""

import os
from pathlib import Path

TICK_S = 1 / os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name; None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def children(pid: int) -> list[int]:
    """Direct children of `pid`, from every one of its threads."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return found
    for task in tasks:
        try:
            listed = Path(f"/proc/{pid}/task/{task}/children").read_text()
            found += [int(child) for child in listed.split()]
        except FileNotFoundError:
            continue
    return found


def tree_cpu_s(root: int) -> float:
    """CPU seconds (user + system) used so far by `root` and all its descendants, those
    already exited and waited for included."""
    fields = _stat(root)
    if fields is None:
        return 0.0
    # utime, stime, cutime, cstime: fields 14-17 of stat(5), 11-14 after the name.
    total = sum(int(value) for value in fields[11:15]) * TICK_S
    for child in children(root):
        total += tree_cpu_s(child)
    return total


def tree_pids(root: int) -> list[int]:
    """`root` and every descendant alive now."""
    pids, queue = [], [root]
    while queue:
        pid = queue.pop()
        pids.append(pid)
        queue += children(pid)
    return pids


def pin(root: int, cpus: set[int]) -> int:
    """Pin a running process tree (every thread) to `cpus`; processes it forks later
    inherit the affinity. Returns the number of threads pinned."""
    pinned = 0
    for pid in tree_pids(root):
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except FileNotFoundError:
            continue
        for task in tasks:
            try:
                os.sched_setaffinity(int(task), cpus)
                pinned += 1
            except (ProcessLookupError, PermissionError):
                continue
    return pinned


def busy_s_per_cpu() -> dict[int, float]:
    """{cpu: seconds it has been busy since boot, whoever ran}: set against a tree's own
    time, what is left on a pinned core is other people's work."""
    busy = {}
    for line in Path("/proc/stat").read_text().splitlines():
        name, *ticks = line.split()
        if not name.startswith("cpu") or name == "cpu":
            continue
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(t) for t in ticks[:8])
        busy[int(name[3:])] = (user + nice + system + irq + softirq + steal) * TICK_S
    return busy

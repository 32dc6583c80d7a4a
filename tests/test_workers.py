"""The crawl's worker processes (`crawler.workers`): tasks answered each to its own caller, a task's exception
raised where it was awaited, a dead worker's tasks failed and the worker replaced, and a prompt end."""

from __future__ import annotations

import asyncio
import gc
import logging
import operator
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.heap import YOUNG_THRESHOLD
from crawler.workers import WorkerLost, Workers, usable_cores

ROOT = Path(__file__).resolve().parent.parent


def test_tasks_in_flight_at_once_are_answered_each_to_its_caller() -> None:
    async def main() -> tuple[list[int], set[int]]:
        workers = Workers(2, time_limit=60)
        try:
            sums = await asyncio.gather(*(workers.run(operator.add, n, 1000) for n in range(200)))
            pids = set(await asyncio.gather(*(workers.run(os.getpid) for _ in range(20))))
            return sums, pids
        finally:
            workers.close()

    sums, pids = asyncio.run(main())
    assert sums == [n + 1000 for n in range(200)]
    assert len(pids) == 2 and os.getpid() not in pids  # both workers took tasks, none ran in this process


def test_an_exception_in_a_task_is_raised_where_it_is_awaited_and_the_worker_goes_on() -> None:
    async def main() -> int:
        workers = Workers(1, time_limit=60)
        try:
            with pytest.raises(ValueError, match="invalid literal"):
                await workers.run(int, "不是数字")
            return await workers.run(int, "42")
        finally:
            workers.close()

    assert asyncio.run(main()) == 42


def test_a_worker_that_dies_fails_its_task_and_the_next_task_gets_a_new_worker(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def main() -> tuple[int, int]:
        workers = Workers(1, time_limit=60)
        try:
            first = await workers.run(os.getpid)
            with pytest.raises(WorkerLost, match=f"worker process {first} ended \\(exit code 3\\)"):
                await workers.run(os._exit, 3)
            return first, await workers.run(os.getpid)
        finally:
            workers.close()

    first, second = asyncio.run(main())
    assert second != first
    assert f"extraction worker process {first} ended: starting another" in caplog.text


def test_closing_ends_the_workers_at_once() -> None:
    async def main() -> tuple[float, list[int | None]]:
        workers = Workers(2, time_limit=60)
        await asyncio.gather(*(workers.run(os.getpid) for _ in range(4)))
        processes = [worker.process for worker in workers._workers]
        started = time.monotonic()
        workers.close()  # as the crawl closes them: from its event loop, which waits meanwhile
        return time.monotonic() - started, [process.exitcode for process in processes]

    seconds, exit_codes = asyncio.run(main())
    assert seconds < 2  # they read the end of their socket: not killed after EXIT_WAIT
    assert exit_codes == [0, 0]


def test_a_worker_says_when_it_has_started_and_tasks_sent_before_wait_for_it() -> None:
    async def main() -> tuple[bool, int, bool]:
        workers = Workers(1, time_limit=60, imports=("crawler.extract.page",))
        try:
            at_once = workers.ready  # a spawned Python takes a while to import
            early = asyncio.ensure_future(workers.run(operator.mul, 6, 7))
            deadline = time.monotonic() + 60
            while not workers.ready and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            return at_once, await early, workers.ready
        finally:
            workers.close()

    assert asyncio.run(main()) == (False, 42, True)


def test_a_worker_keeps_its_imports_out_of_the_garbage_collectors_walks() -> None:
    async def main() -> tuple[int, tuple[int, int, int]]:
        workers = Workers(1, time_limit=60, imports=("crawler.extract.page",))
        try:
            return await workers.run(gc.get_freeze_count), await workers.run(gc.get_threshold)
        finally:
            workers.close()

    frozen, thresholds = asyncio.run(main())
    assert frozen > 10_000  # Scrapy's, lxml's and the extraction's modules (crawler.heap.settle_start_up)
    assert thresholds[0] == YOUNG_THRESHOLD


def test_a_worker_that_cannot_start_is_not_started_again(caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> bool:
        workers = Workers(1, time_limit=60, imports=("finnews_no_such_module",))
        try:
            deadline = time.monotonic() + 60
            while not workers._workers[0].lost and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            with pytest.raises(WorkerLost, match="no worker process could start"):
                await workers.run(os.getpid)
            return workers.ready
        finally:
            workers.close()

    assert asyncio.run(main()) is False
    assert "ended (exit code 1) before it started: not started again" in caplog.text


KILLED_CRAWL = """
import asyncio, os, signal, time
from crawler.workers import Workers

async def main():
    workers = Workers(1, time_limit=60)
    print(await workers.run(os.getpid), flush=True)
    asyncio.ensure_future(workers.run(time.sleep, 0.2))
    await asyncio.sleep(0.1)  # the task sent
    time.sleep(1)  # its answer arrives and is not read: the kill resets the socket
    os.kill(os.getpid(), signal.SIGKILL)  # as `kill -9` ends a crawl: no close, no atexit

if __name__ == "__main__":
    asyncio.run(main())
"""


def test_a_worker_ends_quietly_when_the_crawls_process_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "killed_crawl.py"
    script.write_text(KILLED_CRAWL)
    run = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == -signal.SIGKILL
    worker = Path(f"/proc/{int(run.stdout)}")
    deadline = time.monotonic() + 10
    while worker.exists() and "zombie" not in (worker / "status").read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not worker.exists() or "zombie" in (worker / "status").read_text()
    assert "Traceback" not in run.stderr  # the reset socket ends it, unremarked


def test_a_task_over_the_time_limit_costs_itself_and_the_tasks_behind_it_go_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def main() -> tuple[list[object], int]:
        workers = Workers(1, time_limit=1)
        try:
            first = await workers.run(os.getpid)
            hung = asyncio.ensure_future(workers.run(time.sleep, 30))  # a page that would hang the extraction
            behind = [asyncio.ensure_future(workers.run(operator.add, n, 1)) for n in range(3)]
            outcomes = await asyncio.gather(hung, *behind, return_exceptions=True)
            assert await workers.run(os.getpid) != first  # its replacement
            return outcomes, first
        finally:
            workers.close()

    started = time.monotonic()
    (hung, *behind), first = asyncio.run(main())
    assert time.monotonic() - started < 20
    assert (
        isinstance(hung, WorkerLost) and str(hung) == f"extraction worker process {first} ended (took over 1 s: killed)"
    )
    assert behind == [1, 2, 3]
    assert f"extraction worker process {first} ran a task for 1 s: killed" in caplog.text


@pytest.mark.parametrize(
    ("limits", "expected"),
    [
        ({}, None),  # no quota anywhere: the cores it may run on
        ({"docker": "max 100000", "docker/abc": "max 100000"}, None),
        ({"docker": "50000 100000", "docker/abc": "max 100000"}, 0.5),  # a group above its own: `--cpus=0.5`
        ({"docker": "400000 100000", "docker/abc": "100000 100000"}, 1.0),  # the least of them
    ],
)
def test_the_cores_a_crawl_may_use_are_those_its_cgroups_cpu_quota_allows(
    tmp_path: Path, limits: dict[str, str], expected: float | None
) -> None:
    (tmp_path / "proc/self").mkdir(parents=True)
    (tmp_path / "proc/self/cgroup").write_text("0::/docker/abc\n")
    for group, line in limits.items():
        (tmp_path / "sys/fs/cgroup" / group).mkdir(parents=True, exist_ok=True)
        (tmp_path / "sys/fs/cgroup" / group / "cpu.max").write_text(line + "\n")
    affinity = len(os.sched_getaffinity(0))
    assert usable_cores(tmp_path) == (affinity if expected is None else min(affinity, expected))


@pytest.mark.parametrize(
    ("controllers", "limits", "expected"),
    [
        ("cpu,cpuacct", {}, None),
        ("cpu,cpuacct", {"docker": ("-1", "100000"), "docker/abc": ("-1", "100000")}, None),  # no quota: -1
        ("cpu,cpuacct", {"docker/abc": ("150000", "100000")}, 1.5),  # `docker run --cpus=1.5` on a cgroup v1 host
        ("cpu", {"": ("50000", "100000")}, 0.5),  # inside the container: its own group mounted as the top
        ("memory", {"docker/abc": ("50000", "100000")}, None),  # another controller's files: not a CPU quota
    ],
)
def test_the_cores_a_crawl_may_use_under_cgroup_v1_are_those_its_cfs_quota_allows(
    tmp_path: Path, controllers: str, limits: dict[str, tuple[str, str]], expected: float | None
) -> None:
    (tmp_path / "proc/self").mkdir(parents=True)
    (tmp_path / "proc/self/cgroup").write_text(f"5:memory:/docker/abc\n4:{controllers}:/docker/abc\n0::/\n")
    for group, (quota, period) in limits.items():
        folder = tmp_path / "sys/fs/cgroup" / controllers / group
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "cpu.cfs_quota_us").write_text(quota + "\n")
        (folder / "cpu.cfs_period_us").write_text(period + "\n")
    affinity = len(os.sched_getaffinity(0))
    assert usable_cores(tmp_path) == (affinity if expected is None else min(affinity, expected))


def test_workers_closed_while_they_start_log_no_error(caplog: pytest.LogCaptureFixture) -> None:
    """A crawl that ends at once (a finished JOBDIR, nothing to fetch) closes its worker while it still imports: the
    worker then ends as asked, which is no loss to log as one."""

    async def main() -> None:
        workers = Workers(1, time_limit=60)
        await asyncio.sleep(0.05)  # its connection made, its imports under way
        workers.close()
        await asyncio.sleep(0.3)  # what the worker's end wakes on the loop

    with caplog.at_level(logging.WARNING, logger="crawler.workers"):
        asyncio.run(main())
    assert [record.getMessage() for record in caplog.records] == []

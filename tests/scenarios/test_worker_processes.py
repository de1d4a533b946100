"""The worker pool of the long jobs (``bcenter.modules.processes.pooled``): results in order, a task's error raised
in the caller, and a worker that dies fails the job at once instead of leaving it waiting forever (the month, the
close and the bills would otherwise hang with a lost task — seen when a worker was killed by hand)."""
from __future__ import annotations

import multiprocessing
import os

import pytest

from bcenter.modules.processes import WorkerDied, pooled


def square(n: int) -> int:
    return n * n


def fail_on_three(n: int) -> int:
    if n == 3:
        raise ValueError("задача 3 не удалась")
    return n


def die_on_three(n: int) -> int:
    if n == 3:
        os._exit(9)  # as the out-of-memory killer would end it: no exception, no cleanup
    return n


def test_results_come_in_task_order():
    assert list(pooled(square, range(20), workers=2, chunksize=3)) == [n * n for n in range(20)]
    assert list(pooled(square, range(20), workers=2)) == [n * n for n in range(20)]


def test_an_error_in_a_task_is_raised_in_the_caller():
    with pytest.raises(ValueError, match="задача 3"):
        list(pooled(fail_on_three, range(6), workers=2))
    assert not multiprocessing.active_children()


@pytest.mark.parametrize("chunksize", [1, 2])
def test_a_worker_that_dies_fails_the_job_instead_of_hanging(chunksize):
    with pytest.raises(WorkerDied, match="рабочий процесс завершился аварийно"):
        list(pooled(die_on_three, range(6), workers=2, chunksize=chunksize))
    assert not multiprocessing.active_children()


def test_a_consumer_that_stops_early_leaves_no_worker_behind():
    results = pooled(square, range(50), workers=2)
    assert next(results) == 0
    results.close()
    assert not multiprocessing.active_children()


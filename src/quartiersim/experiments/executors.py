"""Where runs run: local worker processes, or the workers of a Dask distributed cluster.

Both executors take the same picklable tasks and yield results as they finish, in whatever
order; the coordinating process stores them. Results cannot depend on the executor, because a
run's seed is part of its task (see :mod:`quartiersim.experiments.identity`).
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing
import multiprocessing.context
import os
import queue
import re
import signal
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any, Protocol

from quartiersim.errors import SweepStopped, UsageError, WorkerDied
from quartiersim.experiments.cluster import TLSFiles, security_for
from quartiersim.experiments.provenance import differences, same_code, this_code


def available_cores() -> int:
    """Cores this process may use (respects CPU affinity, e.g. in containers)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Executor(Protocol):
    """Runs tasks somewhere and yields their results as they finish."""

    slots: int
    description: str

    def check_code(self, code: dict[str, Any], allow_mixed: bool) -> None:
        """Refuse (:class:`UsageError`) workers that run other code than ``code``, unless
        ``allow_mixed``."""

    def map_unordered(
        self,
        fn: Callable[[Any], Any],
        tasks: Iterable[Any],
        *,
        on_lost: Callable[[Any, str], Any] | None = None,
        log: Callable[[str], None] | None = None,
    ) -> Generator[Any, None, None]: ...

    def close(self) -> None: ...


# ---------------------------------------------------------------------------------------------
# Local processes
# ---------------------------------------------------------------------------------------------


def _watch_coordinator(lifeline: Connection) -> None:
    # A worker whose coordinating process was killed (SIGKILL cannot be caught, so nobody
    # shuts the pool down) would otherwise run on as an orphan, holding a core (and, under a
    # fork server, keeping the server alive too). Only the coordinator holds the other end of
    # the lifeline and never writes to it: the read ends when the coordinator ends.
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv_bytes()
    os._exit(1)


def _worker_init(lifeline: Connection) -> None:
    # Ctrl-C reaches the whole process group; the coordinator alone decides what to do with it,
    # so the workers do not print a traceback each.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_coordinator, args=(lifeline,), daemon=True).start()


def _context() -> multiprocessing.context.BaseContext:
    """Start workers from a fork server that has imported the model once: starting a worker
    then takes milliseconds instead of a full interpreter start and import per worker. Where
    there is no fork server (Windows), every worker starts fresh (spawn)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(
        ["quartiersim.experiments.runner", "quartiersim.experiments.executors"]
    )
    return ctx


MAX_ATTEMPTS = 3
"""How often a task is started on a worker that then dies, before its runs count as failed
(a run that kills every worker it runs on — out of memory — must not loop forever)."""


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "ended"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _size(task: Any) -> str:
    n = len(task) if isinstance(task, list) else 1
    return f"{n} run{'s' if n != 1 else ''}"


def _worker_main(conn: Connection, lifeline: Connection) -> None:
    """A local worker: run the tasks it is sent, one at a time, until told to stop."""
    _worker_init(lifeline)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        fn, task = message
        try:
            reply = ("done", fn(task))
        except Exception as e:  # raised again in the coordinating process
            reply = ("error", e)
        try:
            conn.send(reply)
        except Exception:  # the error itself cannot be pickled: send its traceback
            conn.send(("error", RuntimeError(traceback.format_exc())))


class _Worker:
    # The context is a fork server's or spawn's (see _context); both start Processes.
    def __init__(self, ctx: Any, lifeline: Connection) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, lifeline), daemon=True)
        self.process.start()
        child.close()
        self.task: tuple[Any, int] | None = None  # the task it runs, and the how-many-th try

    def give(self, fn: Callable[[Any], Any], task: tuple[Any, int]) -> bool:
        """Send ``task``; False when the worker is gone already (it is then ended for sure,
        and its death is noticed like any other)."""
        try:
            self.conn.send((fn, task[0]))
        except OSError:  # the pipe broke: the worker died between two tasks
            self.broken = True
            self.process.kill()
            return False
        self.task = task
        return True

    broken = False


class LocalExecutor:
    """Runs tasks in worker processes on this machine (in this process when ``processes`` is
    1). Workers start from a fork server (see :func:`_context`), never by forking this
    process, which may hold threads (progress bar, Dask client).

    A worker that dies (killed, out of memory) is replaced, and its task runs again on another
    worker, at most :data:`MAX_ATTEMPTS` times in all; tasks are handed out one at a time as
    workers become free, so a sweep of any length needs no more memory than its running tasks.
    """

    def __init__(self, processes: int | None = None) -> None:
        self.processes = processes or available_cores()
        self.slots = self.processes
        self.description = (
            "1 process" if self.processes == 1 else f"{self.processes} processes"
        ) + " on this machine"

    def check_code(self, code: dict[str, Any], allow_mixed: bool) -> None:
        """Local workers run this installation's code: nothing to check before starting."""

    def map_unordered(
        self,
        fn: Callable[[Any], Any],
        tasks: Iterable[Any],
        *,
        on_lost: Callable[[Any, str], Any] | None = None,
        log: Callable[[str], None] | None = None,
    ) -> Generator[Any, None, None]:
        """``fn(task)`` for every task, as results come in. A task whose workers kept dying is
        handed to ``on_lost(task, reason)`` for a result to yield instead (without it,
        :class:`WorkerDied` is raised)."""
        tasks = iter(tasks)
        first = list(itertools.islice(tasks, 2))
        if self.processes == 1 or len(first) <= 1:
            for task in itertools.chain(first, tasks):
                yield fn(task)
            return
        yield from self._pool(fn, itertools.chain(first, tasks), on_lost, log or _log)

    def _pool(
        self,
        fn: Callable[[Any], Any],
        tasks: Iterator[Any],
        on_lost: Callable[[Any, str], Any] | None,
        log: Callable[[str], None],
    ) -> Generator[Any, None, None]:
        ctx = _context()
        lifeline, keep_alive = ctx.Pipe(duplex=False)
        workers: list[_Worker] = []
        again: deque[tuple[Any, int]] = deque()
        exhausted = False
        finished = False

        def next_task() -> tuple[Any, int] | None:
            nonlocal exhausted
            if again:
                return again.popleft()
            if not exhausted:
                try:
                    return next(tasks), 1
                except StopIteration:
                    exhausted = True
            return None

        try:
            while True:
                for worker in [w for w in workers if w.task is None and not w.broken]:
                    if (task := next_task()) is None:
                        break
                    if not worker.give(fn, task):
                        again.appendleft(task)
                while len(workers) < self.processes and (task := next_task()) is not None:
                    worker = _Worker(ctx, lifeline)
                    workers.append(worker)
                    if not worker.give(fn, task):
                        again.appendleft(task)
                busy = [w for w in workers if w.task is not None]
                if not busy and not any(w.broken for w in workers):
                    break  # nothing runs, nothing waits for a replacement: all done
                ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in workers]))
                for worker in busy:
                    if worker.conn not in ready:
                        continue
                    try:
                        status, value = worker.conn.recv()
                    except (EOFError, OSError):
                        continue  # it died while answering: handled below
                    worker.task = None
                    if status == "error":
                        raise value
                    # Keep the worker busy while the result is stored.
                    if (task := next_task()) is not None and not worker.give(fn, task):
                        again.appendleft(task)
                    yield value
                for worker in [w for w in workers if w.process.sentinel in ready]:
                    worker.process.join(timeout=5)
                    if worker.process.is_alive():
                        continue
                    workers.remove(worker)
                    worker.conn.close()
                    how = _describe_exit(worker.process.exitcode)
                    if worker.task is None:
                        log(f"a worker process ({how}) ended between runs; a new one starts")
                        continue
                    task, attempt = worker.task
                    if attempt < MAX_ATTEMPTS:
                        again.append((task, attempt + 1))
                        log(
                            f"worker process {worker.process.pid} died ({how}) while running "
                            f"{_size(task)}; a new worker runs them again"
                        )
                        continue
                    reason = (
                        f"the worker process died {attempt} times while running it "
                        f"(last: {how}; out of memory?)"
                    )
                    if on_lost is None:
                        raise WorkerDied(reason)
                    yield on_lost(task, reason)
            finished = True
        finally:
            for worker in workers:
                if finished:
                    with contextlib.suppress(OSError):
                        worker.conn.send(None)
                else:  # interrupted or failed: do not wait for runs nobody will store
                    worker.process.terminate()
            for worker in workers:
                worker.process.join(timeout=10)
                if worker.process.is_alive():
                    worker.process.kill()
                    worker.process.join(timeout=5)
                worker.conn.close()
            keep_alive.close()
            lifeline.close()

    def close(self) -> None:
        pass


# ---------------------------------------------------------------------------------------------
# Dask distributed
# ---------------------------------------------------------------------------------------------

_ADDRESS = re.compile(r"^(?:(tcp|tls|ws|wss|ucx)://)?[^\s/:]+:\d+$")


POLL_SECONDS = 1.0
"""How often the coordinator looks at the Dask cluster's state while it waits for results."""
ENDED = ("finished", "error", "cancelled")


def _worker_code() -> dict[str, Any]:
    """The code record of a Dask worker (run there by ``client.run``)."""
    return this_code()


class DaskExecutor:
    """Runs tasks on the workers of a Dask distributed scheduler at ``address``
    (``tcp://HOST:PORT``, or ``tls://HOST:PORT`` with the cluster's certificate in ``tls``; see
    :mod:`quartiersim.experiments.cluster`). Needs the ``cluster`` extra (``dask``,
    ``distributed``) here and the same QuartierSim code on every worker (checked:
    :meth:`check_code`).

    Tasks are sent a few at a time as workers become free. A task whose worker dies is run
    again by Dask on another worker (up to Dask's ``allowed-failures``); losing the scheduler
    ends the sweep with :class:`~quartiersim.errors.SweepStopped`; while the cluster has no
    workers for ``timeout`` seconds, a message says so.
    """

    def __init__(self, address: str, timeout: float = 30.0, tls: TLSFiles | None = None) -> None:
        if not _ADDRESS.match(address):
            raise UsageError(
                f"--scheduler {address!r}: expected a scheduler address like tcp://HOST:PORT "
                "or tls://HOST:PORT"
            )
        try:
            import distributed
        except ImportError:
            raise UsageError(
                "--scheduler needs Dask distributed, which is not installed: "
                "pip install 'quartiersim[cluster]'"
            ) from None
        from quartiersim import __version__

        security = security_for(address, tls)
        # distributed logs connection chatter and, when the scheduler goes away, whole
        # tracebacks (some of its loggers have levels of their own); the command line says
        # itself what happened, in one line.
        for name in ["distributed", *logging.root.manager.loggerDict]:
            if name.split(".")[0] == "distributed":
                logging.getLogger(name).setLevel(logging.CRITICAL)
        self._distributed = distributed
        self.address = address
        self.timeout = timeout
        try:
            self.client = distributed.Client(
                address, timeout=timeout, set_as_default=False, security=security
            )
        except (OSError, TimeoutError) as e:
            raise UsageError(f"cannot reach the Dask scheduler at {address}: {e}") from None
        try:
            self.client.wait_for_workers(1, timeout=timeout)
            self._worker_codes = self.client.run(_worker_code)
        except TimeoutError:
            self.close()
            raise UsageError(
                f"the Dask scheduler at {address} has no workers after {timeout:g} s; start "
                f"some with `dask worker {address}`"
            ) from None
        except Exception as e:  # a worker cannot even import quartiersim
            self.close()
            raise UsageError(
                f"the Dask workers at {address} cannot run QuartierSim ({type(e).__name__}: "
                f"{e}); install quartiersim {__version__} on every worker"
            ) from None
        self.slots = self._threads()
        workers = len(self.client.scheduler_info()["workers"])
        self.description = (
            f"the Dask cluster at {address} ({workers} workers, {self.slots} threads)"
        )

    def _threads(self) -> int:
        info = self.client.scheduler_info()
        return max(1, sum(w.get("nthreads", 1) for w in info["workers"].values()))

    def check_code(self, code: dict[str, Any], allow_mixed: bool) -> None:
        """Refuse a cluster whose workers run other code (model source or library versions)
        than ``code``, naming the worker and what differs; with ``allow_mixed`` only warn."""
        for worker, theirs in self._worker_codes.items():
            if same_code(theirs, code):
                continue
            what = "; ".join(differences(theirs, code, ("on the worker", "here")))
            if allow_mixed:
                _log(f"note: Dask worker {worker} runs other code ({what}); --allow-mixed")
                continue
            self.close()
            raise UsageError(
                f"Dask worker {worker} runs other code than this machine ({what}); install the "
                "same QuartierSim and libraries on every worker, or pass --allow-mixed to mix "
                "their runs with these (the report then says so)"
            )

    def _connected(self) -> bool:
        return self.client.status == "running"

    def _lost(self) -> SweepStopped:
        return SweepStopped(f"lost the connection to the Dask scheduler at {self.address}")

    def map_unordered(
        self,
        fn: Callable[[Any], Any],
        tasks: Iterable[Any],
        *,
        on_lost: Callable[[Any, str], Any] | None = None,
        log: Callable[[str], None] | None = None,
    ) -> Generator[Any, None, None]:
        """``fn(task)`` for every task, as results come in (see the class docstring)."""
        log = log or _log
        distributed = self._distributed
        done: queue.Queue[Any] = queue.Queue()
        running: dict[Any, Any] = {}
        tasks = iter(tasks)
        exhausted = False
        no_workers_since: float | None = None
        warned = False
        try:
            while True:
                window = 2 * self._threads() + 2  # enough to keep every thread busy
                while not exhausted and len(running) < window:
                    try:
                        task = next(tasks)
                    except StopIteration:
                        exhausted = True
                        break
                    future = self.client.submit(fn, task, pure=False)
                    running[future] = task
                    future.add_done_callback(done.put)
                if not running:
                    return
                # A finished task wakes us up; the state is read from the futures themselves
                # (a finished result on a worker that dies becomes pending again).
                with contextlib.suppress(queue.Empty):
                    done.get(timeout=POLL_SECONDS)
                if not self._connected():
                    raise self._lost()
                workers = len(self.client.scheduler_info()["workers"])
                now = time.monotonic()
                if workers:
                    if warned:
                        log(f"the Dask cluster has workers again ({workers}); the sweep goes on")
                    no_workers_since, warned = None, False
                elif no_workers_since is None:
                    no_workers_since = now
                elif not warned and now - no_workers_since >= self.timeout:
                    log(
                        f"no Dask workers at {self.address} for {self.timeout:g} s: the sweep "
                        f"waits for workers (start some with `dask worker {self.address}`); "
                        "Ctrl-C stops it, and the same command resumes it later"
                    )
                    warned = True
                for future in [f for f in running if f.status in ENDED]:
                    task = running.pop(future)
                    if future.status == "finished":
                        result = future.result()
                        future.release()  # the result lives here now; the cluster may drop it
                        yield result
                    elif future.status == "error":
                        error = future.exception()
                        future.release()
                        if not isinstance(error, distributed.KilledWorker):
                            raise error
                        reason = f"Dask lost the worker running it several times ({error})"
                        if on_lost is None:
                            raise WorkerDied(reason)
                        yield on_lost(task, reason)
                    else:  # cancelled: only the loss of the scheduler does that to our tasks
                        raise self._lost()
        finally:
            if running and self._connected():
                with contextlib.suppress(Exception):
                    self.client.cancel(list(running))

    def close(self) -> None:
        client = getattr(self, "client", None)
        if client is not None:
            with contextlib.suppress(Exception):
                client.close(timeout=5)


def make_executor(
    processes: int | None = None,
    scheduler: str | None = None,
    timeout: float = 30.0,
    tls: TLSFiles | None = None,
) -> Executor:
    """The executor the command line asked for: a Dask cluster, or local processes."""
    if scheduler:
        return DaskExecutor(scheduler, timeout=timeout, tls=tls)
    if tls is not None and tls.given():
        raise UsageError("--tls-ca-file, --tls-cert and --tls-key go with --scheduler tls://...")
    return LocalExecutor(processes)

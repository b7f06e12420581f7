"""Where runs run: local worker processes, or the workers of a Dask distributed cluster.

Both executors take the same picklable tasks and yield results as they finish, in whatever
order; the coordinating process stores them. Results cannot depend on the executor, because a
run's seed is part of its task (see :mod:`quartiersim.experiments.identity`).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import multiprocessing.context
import os
import re
import signal
import threading
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from typing import Any, Protocol

from quartiersim.errors import UsageError, WorkerDied
from quartiersim.experiments.cluster import TLSFiles, security_for


def available_cores() -> int:
    """Cores this process may use (respects CPU affinity, e.g. in containers)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class Executor(Protocol):
    """Runs tasks somewhere and yields their results as they finish."""

    slots: int
    description: str

    def map_unordered(
        self, fn: Callable[[Any], Any], tasks: Iterable[Any]
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
    ctx.set_forkserver_preload(["quartiersim.experiments.runner"])
    return ctx


class LocalExecutor:
    """Runs tasks in worker processes on this machine (in this process when ``processes`` is
    1). Workers start from a fork server (see :func:`_context`), never by forking this
    process, which may hold threads (progress bar, Dask client)."""

    def __init__(self, processes: int | None = None) -> None:
        self.processes = processes or available_cores()
        self.slots = self.processes
        self.description = (
            "1 process" if self.processes == 1 else f"{self.processes} processes"
        ) + " on this machine"

    def map_unordered(
        self, fn: Callable[[Any], Any], tasks: Iterable[Any]
    ) -> Generator[Any, None, None]:
        tasks = list(tasks)
        if self.processes == 1 or len(tasks) <= 1:
            for task in tasks:
                yield fn(task)
            return
        ctx = _context()
        lifeline, keep_alive = ctx.Pipe(duplex=False)
        pool = ProcessPoolExecutor(
            max_workers=min(self.processes, len(tasks)),
            mp_context=ctx,
            initializer=_worker_init,
            initargs=(lifeline,),
        )
        finished = False
        try:
            futures = [pool.submit(fn, task) for task in tasks]
            for future in as_completed(futures):
                try:
                    yield future.result()
                except BrokenProcessPool:
                    raise WorkerDied(
                        "a worker process died without finishing its runs (killed, or out of "
                        "memory?)"
                    ) from None
            finished = True
        finally:
            if finished:
                pool.shutdown(wait=True)
            else:  # interrupted or failed: do not wait for runs nobody will store
                pool.shutdown(wait=False, cancel_futures=True)
                terminate = getattr(pool, "terminate_workers", None)  # Python >= 3.14
                if terminate is not None:
                    terminate()
                else:
                    for process in list((getattr(pool, "_processes", None) or {}).values()):
                        process.terminate()
            keep_alive.close()
            lifeline.close()

    def close(self) -> None:
        pass


# ---------------------------------------------------------------------------------------------
# Dask distributed
# ---------------------------------------------------------------------------------------------

_ADDRESS = re.compile(r"^(?:(tcp|tls|ws|wss|ucx)://)?[^\s/:]+:\d+$")


def _worker_version() -> str:
    import quartiersim

    return quartiersim.__version__


class DaskExecutor:
    """Runs tasks on the workers of a Dask distributed scheduler at ``address``
    (``tcp://HOST:PORT``, or ``tls://HOST:PORT`` with the cluster's certificate in ``tls``; see
    :mod:`quartiersim.experiments.cluster`). Needs the ``cluster`` extra (``dask``,
    ``distributed``) here and QuartierSim of the same version on every worker."""

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
        # distributed logs connection chatter at INFO/WARNING; the command line reports itself.
        logging.getLogger("distributed").setLevel(logging.ERROR)
        self._distributed = distributed
        try:
            self.client = distributed.Client(
                address, timeout=timeout, set_as_default=False, security=security
            )
        except (OSError, TimeoutError) as e:
            raise UsageError(f"cannot reach the Dask scheduler at {address}: {e}") from None
        try:
            self.client.wait_for_workers(1, timeout=timeout)
            versions = self.client.run(_worker_version)
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
        wrong = {w: v for w, v in versions.items() if v != __version__}
        if wrong:
            self.close()
            worker, version = next(iter(wrong.items()))
            raise UsageError(
                f"Dask worker {worker} has quartiersim {version}, this is {__version__}: "
                "install the same version everywhere"
            )
        info = self.client.scheduler_info()
        self.slots = max(1, sum(w.get("nthreads", 1) for w in info["workers"].values()))
        self.description = (
            f"the Dask cluster at {address} ({len(info['workers'])} workers, {self.slots} threads)"
        )

    def map_unordered(
        self, fn: Callable[[Any], Any], tasks: Iterable[Any]
    ) -> Generator[Any, None, None]:
        futures = [self.client.submit(fn, task, pure=False) for task in tasks]
        try:
            # The loop is passed explicitly: this client is not the process-wide default.
            for future in self._distributed.as_completed(futures, loop=self.client.loop):
                yield future.result()
        finally:
            pending = [f for f in futures if not f.done()]
            if pending:
                self.client.cancel(pending)

    def close(self) -> None:
        client = getattr(self, "client", None)
        if client is not None:
            client.close()


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

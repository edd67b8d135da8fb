"""Where the independent tasks of a scan run: in this process, a local process pool, or a Dask cluster.

Every scan maps one picklable task per mass through a :class:`ScanExecutor`; the executor yields each
result as soon as it is ready, and :func:`nuportal.scan.runner.run_mass_scan` appends it to the resume
file at once. The numbers do not depend on the executor: each task draws its own random stream from
(seed, mass) (:func:`mass_stream`), and the results are sorted by mass before anything is written.

Executors
---------
``InProcess``
    One task after the other, in this process (``--workers 1``, the default).
``LocalPool``
    A pool of ``workers`` processes kept for the life of this process (workers keep their oscillation
    and flux tables across the scans of a reproduction). A worker that dies (killed, out of memory)
    breaks the pool: a new pool is started and the unfinished tasks are submitted again, at most
    ``retries`` times.
``DaskExecutor``
    ``dask.distributed``: a scheduler address (``--scheduler tcp://host:8786``), a cluster file
    (``--dask-cluster FILE.yaml``, a dask-jobqueue spec, e.g. SLURM; see ``docs/cluster.md``), or a
    ``LocalCluster`` with ``workers`` processes. Tasks are submitted with ``retries``; the scheduler
    itself moves the tasks of a worker that dies to the others.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import numpy as np

from nuportal import _yaml
from nuportal.errors import NuportalInputError

__all__ = ["DaskExecutor", "EXECUTORS", "InProcess", "LocalPool", "ScanExecutor", "current_executor",
           "default_workers", "load_cluster_spec", "make_executor", "mass_stream", "use_executor"]

log = logging.getLogger(__name__)

EXECUTORS = ("local", "dask")
#: cluster kinds of a ``--dask-cluster`` file -> (module, class)
CLUSTER_KINDS = {
    "local": ("distributed", "LocalCluster"),
    "slurm": ("dask_jobqueue", "SLURMCluster"),
    "pbs": ("dask_jobqueue", "PBSCluster"),
    "sge": ("dask_jobqueue", "SGECluster"),
    "lsf": ("dask_jobqueue", "LSFCluster"),
    "htcondor": ("dask_jobqueue", "HTCondorCluster"),
}


def default_workers() -> int:
    """Worker processes a reproduction uses by default: min(2, CPUs) (the demo's 2-core budget)."""
    return max(1, min(2, os.cpu_count() or 1))


def mass_stream(seed: int, mass: float, *tags: int) -> np.random.Generator:
    """The random stream of one mass point: ``SeedSequence([seed, round(m/eV), *tags])``.

    Keyed on the mass value (in eV), not on its index in the grid, so that a mass gives the same events
    whatever grid it is part of, in whichever process and order it runs; ``tags`` separate the
    independent samples of one mass (mode, portal, statistics-doubling pass).
    """
    entropy = [int(seed), int(round(float(mass) * 1e9)), *(int(t) for t in tags)]
    if min(entropy) < 0:
        raise NuportalInputError(f"--seed = {seed} is outside the allowed range [0, inf)")
    return np.random.default_rng(np.random.SeedSequence(entropy))


class ScanExecutor:
    """Runs ``fn(item)`` for many items; :meth:`run` yields ``(index, result)`` as each one finishes."""

    name = "base"

    def run(self, fn: Callable[[Any], Any], items: list) -> Iterator[tuple[int, Any]]:
        raise NotImplementedError

    def map(self, fn: Callable[[Any], Any], items: Iterable) -> list:
        """Results in the order of ``items``."""
        items = list(items)
        out: list = [None] * len(items)
        for k, res in self.run(fn, items):
            out[k] = res
        return out

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release workers (no-op by default)."""


class InProcess(ScanExecutor):
    """Tasks one after the other in this process."""

    name = "in-process"

    def run(self, fn, items):
        for k, item in enumerate(items):
            yield k, fn(item)


_POOLS: dict[int, ProcessPoolExecutor] = {}


def shared_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool of ``workers`` processes kept for the life of this process (a broken one is
    replaced)."""
    pool = _POOLS.get(workers)
    if pool is None or getattr(pool, "_broken", False):
        pool = ProcessPoolExecutor(max_workers=workers)
        _POOLS[workers] = pool
    return pool


def discard_pool(workers: int) -> None:
    """Shut down and forget the shared pool (after an error, an interruption or a dead worker)."""
    pool = _POOLS.pop(workers, None)
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


class LocalPool(ScanExecutor):
    """A shared local process pool; the tasks of a dead worker are resubmitted on a fresh pool."""

    name = "local-pool"

    def __init__(self, workers: int, retries: int = 2):
        if workers < 1:
            raise NuportalInputError(f"--workers = {workers} is outside the allowed range [1, inf)")
        self.workers, self.retries = int(workers), int(retries)

    def run(self, fn, items):
        todo = dict(enumerate(items))
        for attempt in range(self.retries + 1):
            pool = shared_pool(self.workers)
            futures = {pool.submit(fn, item): k for k, item in todo.items()}
            try:
                for fut in as_completed(futures):
                    k = futures[fut]
                    res = fut.result()
                    del todo[k]
                    yield k, res
                return
            except BrokenProcessPool:
                discard_pool(self.workers)
                if attempt == self.retries:
                    raise
                log.warning("a worker process died; resubmitting %d unfinished task(s) on a new pool "
                            "(retry %d of %d)", len(todo), attempt + 1, self.retries)
            except BaseException:
                for fut in futures:
                    fut.cancel()
                discard_pool(self.workers)
                raise


class DaskExecutor(ScanExecutor):
    """Tasks on a ``dask.distributed`` cluster; results stream back as each finishes."""

    name = "dask"

    def __init__(self, client, retries: int = 2, owned=()):
        self.client, self.retries, self._owned = client, int(retries), list(owned)

    @classmethod
    def connect(cls, scheduler: str | None = None, cluster_file=None, workers: int = 1,
                retries: int = 2) -> DaskExecutor:
        """A client to ``scheduler``, to the cluster a ``cluster_file`` describes, or to a new
        ``LocalCluster`` of ``workers`` single-threaded processes."""
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - distributed is a dependency
            raise NuportalInputError("--executor dask needs the package 'distributed'") from None
        # distributed logs every start and stop at INFO: keep them for -v (root logger at INFO) only
        quiet = logging.getLogger().getEffectiveLevel() > logging.INFO
        logging.getLogger("distributed").setLevel(logging.WARNING if quiet else logging.INFO)
        if scheduler and cluster_file:
            raise NuportalInputError("give --scheduler or --dask-cluster, not both")
        if scheduler:
            try:
                client = Client(scheduler, timeout="20s")
            except OSError as exc:
                raise NuportalInputError(f"--scheduler {scheduler!r}: cannot connect ({exc})") from None
            return cls(client, retries, owned=[client])
        if cluster_file:
            cluster = _start_cluster(load_cluster_spec(cluster_file))
            client = Client(cluster)
            return cls(client, retries, owned=[client, cluster])
        if workers < 1:
            raise NuportalInputError(f"--workers = {workers} is outside the allowed range [1, inf)")
        cluster = LocalCluster(n_workers=int(workers), threads_per_worker=1, processes=True,
                               dashboard_address=":0")  # a free port: runs side by side never clash
        client = Client(cluster)
        return cls(client, retries, owned=[client, cluster])

    def run(self, fn, items):
        from distributed import as_completed as dask_completed

        futures = {self.client.submit(fn, item, retries=self.retries, pure=False): k
                   for k, item in enumerate(items)}
        try:
            for fut in dask_completed(list(futures)):
                yield futures[fut], fut.result()
        except BaseException:
            self.client.cancel(list(futures))
            raise

    def close(self):
        for obj in reversed(self._owned):
            with contextlib.suppress(Exception):
                obj.close()
        self._owned = []


def load_cluster_spec(path) -> dict:
    """Read a ``--dask-cluster`` YAML file: ``kind`` (local, slurm, pbs, sge, lsf, htcondor), ``jobs``
    (or ``workers`` for local) and the keyword arguments of the cluster class."""
    import yaml

    path = Path(path)
    try:
        spec = _yaml.safe_load(path.read_text())
    except OSError as exc:
        raise NuportalInputError(f"cannot read --dask-cluster {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise NuportalInputError(f"--dask-cluster {path} is not valid YAML: {exc}") from None
    if not isinstance(spec, dict) or spec.get("kind") not in CLUSTER_KINDS:
        kind = spec.get("kind") if isinstance(spec, dict) else None
        raise NuportalInputError(f"--dask-cluster {path}: kind = {kind!r} is not one of "
                                 f"{', '.join(CLUSTER_KINDS)}")
    jobs = spec.get("jobs", spec.get("workers", 1))
    if not isinstance(jobs, int) or isinstance(jobs, bool) or not 1 <= jobs <= 10_000:
        raise NuportalInputError(f"--dask-cluster {path}: jobs = {jobs!r} is outside the allowed range "
                                 "[1, 10000]")
    return spec


def _start_cluster(spec: dict):
    import importlib

    module, cls = CLUSTER_KINDS[spec["kind"]]
    kwargs = {k: v for k, v in spec.items() if k not in ("kind", "jobs", "workers")}
    try:
        cluster_cls = getattr(importlib.import_module(module), cls)
    except ImportError:
        raise NuportalInputError(f"--dask-cluster kind {spec['kind']!r} needs the package "
                                 f"{module.replace('_', '-')}") from None
    if spec["kind"] == "local":
        kwargs.setdefault("threads_per_worker", 1)
        kwargs.setdefault("dashboard_address", ":0")
        return cluster_cls(n_workers=spec.get("workers", spec.get("jobs", 1)), **kwargs)
    try:
        cluster = cluster_cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise NuportalInputError(f"--dask-cluster: {cls} rejects the settings: {exc}") from None
    cluster.scale(jobs=spec.get("jobs", 1))
    return cluster


_CURRENT: list[ScanExecutor] = []


def current_executor() -> ScanExecutor | None:
    """The executor installed by :func:`use_executor` (None: scans choose from ``workers``)."""
    return _CURRENT[-1] if _CURRENT else None


@contextlib.contextmanager
def use_executor(executor: ScanExecutor | None):
    """Run every scan inside the block on ``executor`` (closed at the end); None changes nothing."""
    if executor is None:
        yield None
        return
    _CURRENT.append(executor)
    try:
        yield executor
    finally:
        _CURRENT.pop()
        executor.close()


def make_executor(kind: str = "local", workers: int = 1, scheduler: str | None = None,
                  cluster_file=None) -> ScanExecutor:
    """The executor of the CLI options ``--executor``, ``--workers``, ``--scheduler``, ``--dask-cluster``."""
    if kind not in EXECUTORS:
        raise NuportalInputError(f"--executor {kind!r} is not one of {', '.join(EXECUTORS)}")
    if workers < 1:
        raise NuportalInputError(f"--workers = {workers} is outside the allowed range [1, inf)")
    if kind == "local":
        if scheduler or cluster_file:
            raise NuportalInputError("--scheduler and --dask-cluster need --executor dask")
        return InProcess() if workers == 1 else LocalPool(workers)
    return DaskExecutor.connect(scheduler, cluster_file, workers)


def executor_for(workers: int) -> ScanExecutor:
    """The installed executor, else in-process (``workers == 1``) or the shared local pool."""
    ex = current_executor()
    if ex is not None:
        return ex
    return InProcess() if workers <= 1 else LocalPool(workers)

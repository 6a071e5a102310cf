"""The worker: Huey consumer threads for jobs, the outbox pump and a periodic sweep."""

from __future__ import annotations

import logging
import signal
import threading

from service.core.db import unit_of_work
from service.core.runtime import Runtime
from service.jobs import service as jobs
from service.jobs import workdir
from service.jobs.queue import huey_app
from service.outbox.pump import OutboxPump
from service.worker.scheduled import run_scheduled
from service.worker.wiring import install

log = logging.getLogger("kho.worker")


class Sweeper(threading.Thread):
    def __init__(self, rt: Runtime, interval: float = 60.0) -> None:
        super().__init__(name="kho-sweep", daemon=True)
        self.interval = interval
        self.rt = rt
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                with unit_of_work(self.rt.sessionmaker) as session:
                    jobs.sweep(session)
                run_scheduled(self.rt)
            except Exception:  # noqa: BLE001 - keep sweeping
                log.exception("sweep failed")
            self.stopping.wait(self.interval)


class Worker:
    """Everything a worker runs, startable inside the API process (`kho run`) or on its own (`kho worker`)."""

    def __init__(self, rt: Runtime, threads: int | None = None, *, own_signals: bool = True) -> None:
        # Inside `kho run` the web server owns SIGINT/SIGTERM (graceful shutdown); Huey's consumer would
        # otherwise replace its handlers when it starts.
        self.own_signals = own_signals
        self.rt = rt
        install()
        self.consumer = huey_app(self.rt).huey.create_consumer(
            workers=threads or self.rt.settings.jobs.worker_threads, worker_type="thread", periodic=False,
            check_worker_health=True)
        self.pump = OutboxPump(self.rt)
        self.sweeper = Sweeper(self.rt, self.rt.settings.jobs.sweep_interval_seconds)

    def start(self) -> None:
        # Work folders of runs a killed worker left behind (their lock is free); live ones are kept.
        workdir.remove_stale(self.rt.settings.tmp_dir)
        saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        self.consumer.start()
        if not self.own_signals and threading.current_thread() is threading.main_thread():
            for sig, handler in saved.items():
                signal.signal(sig, handler)
        self.pump.start()
        self.sweeper.start()
        log.info("worker started")

    def stop(self) -> None:
        self.pump.stopping.set()
        self.sweeper.stopping.set()
        self.consumer.stop(graceful=True)

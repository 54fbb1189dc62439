"""Gunicorn settings the launcher's command line does not carry."""
from prometheus_client import multiprocess


def child_exit(server, worker):
    # a dead worker's livesum gauges (its pool) must stop counting
    multiprocess.mark_process_dead(worker.pid)

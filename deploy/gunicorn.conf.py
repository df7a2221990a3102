"""Gunicorn settings of a web machine: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`.

Why gunicorn: Aiguillage is a synchronous Django application whose requests are short
and bound by the database and by Python (search ranking); pre-forked sync workers use
every core, a worker that dies or hangs is replaced by the arbiter, and workers are
recycled after a number of requests so that no slow leak builds up. Every value can be
overridden by the environment variables named below (docs/deploy.md).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Two processes per core: while one waits on PostgreSQL the other computes.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
worker_class = "sync"
# A request longer than this is a bug or an attack: the worker is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = 5000
max_requests_jitter = 500
# Heartbeat files in memory: a slow disk cannot make the arbiter kill healthy workers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# The reverse proxy on the same machine (or the one named here) sets X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# Paths without their query string: a search can carry a commune, never a log line.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
proc_name = "aiguillage-web"
# systemd (or the container runtime) manages the processes through signals; a control socket
# in the home directory would also clash between two servers on one machine.
control_socket_disable = True

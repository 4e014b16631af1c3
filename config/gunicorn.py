"""gunicorn settings for the image and docker-compose.yml:
`gunicorn -c config/gunicorn.py config.wsgi:application`.

The access log masks personal-link tokens in every field (request line, path, query, referer):
see core/logs.py.
"""

import os

from gunicorn.glogging import Logger

from core.logs import mask_tokens


def default_workers() -> int:
    """gunicorn's advice, 2 × cores + 1 sync workers: a page is mostly Python (CPU), and while
    one worker waits for PostgreSQL another has the core. Cores this process may run on (a
    container's cpuset), not the host's."""
    return 2 * len(os.sched_getaffinity(0)) + 1


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or default_workers())
# threads > 1 (gthread) keep a worker busy while another request waits for the database
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
accesslog = "-"


class MaskingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {k: mask_tokens(v) if isinstance(v, str) else v for k, v in atoms.items()}


logger_class = MaskingLogger

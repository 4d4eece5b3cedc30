"""gunicorn settings for `make run` (and production): several sync workers, logs on stdout.

Environment: HRTELE_HOST (default 127.0.0.1), PORT (set by honcho, default 5000),
WEB_CONCURRENCY (number of worker processes, default: cores + 1, at least 2).
"""

import os

bind = f"{os.environ.get('HRTELE_HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or max(2, (os.cpu_count() or 1) + 1))
worker_class = "sync"
timeout = 60
graceful_timeout = 20
accesslog = os.environ.get("HRTELE_ACCESS_LOG", "-") or None
errorlog = "-"
# Requests behind a reverse proxy: only the proxy's address may set X-Forwarded-*; the app
# itself trusts PROXY_FIX_X_FOR hops (werkzeug ProxyFix), see README « Production ».
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

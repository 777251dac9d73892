"""moto's own server (moto.server.main) without three per-request costs, for the benchmark only.

moto 5.2 lists its package directory (about 180 stat calls) and walks the response class with inspect.getmembers
on every request; both answers never change while the server runs, so they are computed once. werkzeug's access
log line per request is turned off. Nothing else is touched: the same Flask app, the same backends, the same
responses. Arguments are moto.server's own (-H, -p).
"""
import functools
import logging
import sys

import moto.backends as backends
import moto.core.responses as responses

_MODULES = frozenset(backends.list_of_moto_modules())
backends.list_of_moto_modules = lambda: _MODULES
responses.method_names_from_class = functools.lru_cache(maxsize=None)(responses.method_names_from_class)
logging.getLogger("werkzeug").setLevel(logging.WARNING)

from moto.server import main  # noqa: E402  (imported after the patches so the app sees them)

sys.exit(main())

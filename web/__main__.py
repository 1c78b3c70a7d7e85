"""Serve the search page: `python -m web --index DIR_OR_URL [--host 127.0.0.1] [--port 5000] [--workers N]`.

`--workers N` (default: one per core) runs the production server, gunicorn with N worker processes
(web/serve.py); `--workers 0` runs werkzeug's threaded server in this one process, for development and
tests. Debug is off either way; --port 0 takes a free port. The first line on stdout starts with
"Serving on http://HOST:PORT", which scripts and tests read to find the server.
"""

from __future__ import annotations

import argparse
import logging
import socket
import sys

from werkzeug.serving import make_server

from web import create_app
from web.serve import default_workers, serve
from web.settings import SETTINGS


def _help(name: str) -> str:
    return next(setting.help for setting in SETTINGS if setting.name == name).replace("%", "%%")


def serve_in_this_process(config: dict, host: str, port: int) -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the access log has the line, with its time
    server = make_server(host, port, create_app(config), threaded=True)
    print(f"Serving on http://{host}:{server.server_port} in one process", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _check_free(host: str, port: int) -> None:
    """Exit with a message saying how to pick another port when `port` is taken (both servers would only
    print a trace or retry)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            sys.exit(
                f"Port {port} is in use ({error.strerror}): cannot serve on {host}:{port}; pick another port "
                "with --port (`make run PORT=8000`), or 0 for any free port"
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m web", description="Serve the Indonesian news search.")
    parser.add_argument("--index", required=True, help=_help("INDEX"))
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=5000, help="port to listen on; 0 picks a free one")
    parser.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help="gunicorn worker processes (default: one per core, here %(default)s); 0 serves in this one "
        "process with werkzeug's development server",
    )
    parser.add_argument("--cache-size", type=int, help=_help("CACHE_SIZE"))
    args = parser.parse_args(argv)
    if args.workers < 0:
        parser.error("--workers must be 0 or more")
    config = {"INDEX": args.index}
    if args.cache_size is not None:
        config["CACHE_SIZE"] = args.cache_size
    _check_free(args.host, args.port)
    if args.workers:
        serve(config, args.host, args.port, args.workers)
    else:
        serve_in_this_process(config, args.host, args.port)


if __name__ == "__main__":
    main()

"""Serve the search page: `python -m web --index DIR_OR_URL [--host 127.0.0.1] [--port 5000]`.

A threaded werkzeug server with debug off; --port 0 takes a free port. The first line on stdout is
"Serving on http://HOST:PORT", which scripts and tests read to find the server.
"""

from __future__ import annotations

import argparse

from werkzeug.serving import make_server

from web import create_app
from web.settings import SETTINGS


def _help(name: str) -> str:
    return next(setting.help for setting in SETTINGS if setting.name == name).replace("%", "%%")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m web", description="Serve the Indonesian news search.")
    parser.add_argument("--index", required=True, help=_help("INDEX"))
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=5000, help="port to listen on; 0 picks a free one")
    args = parser.parse_args(argv)

    app = create_app({"INDEX": args.index})
    try:
        server = make_server(args.host, args.port, app, threaded=True)
    except SystemExit:  # werkzeug printed why it cannot listen (a port in use, mostly) and exits
        parser.exit(
            1,
            f"cannot serve on {args.host}:{args.port}: pick another port with --port "
            f"(`make run PORT=8000`), or 0 for any free port\n",
        )
    print(f"Serving on http://{args.host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()

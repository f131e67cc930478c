"""The local Cognito: moto's server with the project's extensions.

    python server.py [--host 127.0.0.1] [--port 9229]

Besides moto's own API it answers:
    GET  /_local/outbox  every message Cognito would have sent, newest last
    POST /_local/pools   {"clientSecret": bool, "explicitAuthFlows": [...], "allowSignUp": bool,
                          "admin": {"username", "email", "password"}}
                         creates a pool like the deployed one and returns its ids
"""

import argparse
import json
import logging
import os
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))

import extensions  # noqa: E402
import outbox  # noqa: E402
import seed  # noqa: E402
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app  # noqa: E402
from werkzeug.serving import run_simple  # noqa: E402
from werkzeug.wrappers import Request, Response  # noqa: E402


def local_routes(moto_app, endpoint: str):
    """WSGI middleware: the project's /_local routes in front of moto."""

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith("/_local/"):
            return moto_app(environ, start_response)
        request = Request(environ)
        if path == "/_local/outbox" and request.method == "GET":
            response = Response(json.dumps(outbox.messages()), mimetype="application/json")
        elif path == "/_local/pools" and request.method == "POST":
            options = request.get_json(force=True, silent=True) or {}
            ids = seed.create_pool(
                endpoint,
                client_secret=bool(options.get("clientSecret")),
                auth_flows=options.get("explicitAuthFlows"),
                admin=options.get("admin"),
                allow_sign_up=bool(options.get("allowSignUp")),
            )
            response = Response(json.dumps(ids), status=201, mimetype="application/json")
        else:
            response = Response(json.dumps({"message": "not found"}), status=404, mimetype="application/json")
        return response(environ, start_response)

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9229)
    args = parser.parse_args()
    os.environ.setdefault("MOTO_PORT", str(args.port))
    extensions.install()
    # One line per request drowns the outbox lines people look for.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    moto_app = DomainDispatcherApplication(create_backend_app)
    app = local_routes(moto_app, f"http://{args.host}:{args.port}")
    print(f"local Cognito listening on http://{args.host}:{args.port}", flush=True)
    run_simple(args.host, args.port, app, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()

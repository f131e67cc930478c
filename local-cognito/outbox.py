"""Every message Cognito would have sent, kept in memory and printed."""

import datetime
import threading

_lock = threading.Lock()
_messages: list[dict] = []


def record(*, pool_id: str, username: str, destination: str, kind: str, code: str) -> None:
    """Keeps a message and prints it, so that a person running the stack sees it."""
    message = {
        "userPoolId": pool_id,
        "username": username,
        "destination": destination,
        "kind": kind,
        "code": code,
        "at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds"),
    }
    with _lock:
        _messages.append(message)
    print(f"[outbox] {kind} for {username} to {destination}: {code}", flush=True)


def messages() -> list[dict]:
    """All messages, newest last."""
    with _lock:
        return list(_messages)

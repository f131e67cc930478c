import os
import sys
import pathlib
import urllib.request

import boto3
import pytest

sys.path.insert(0, str(pathlib.Path(__file__).parent))

HOW_TO_START = (
    "LOCAL_COGNITO_URL is not set or does not answer. Run these tests with `make test`, "
    "which starts the local Cognito, or start it yourself with "
    "`.venv/bin/python local-cognito/server.py --port 9229` and set LOCAL_COGNITO_URL=http://127.0.0.1:9229"
)


@pytest.fixture(scope="session")
def endpoint() -> str:
    url = os.environ.get("LOCAL_COGNITO_URL")
    if not url:
        pytest.fail(HOW_TO_START, pytrace=False)
    try:
        urllib.request.urlopen(f"{url}/_local/outbox", timeout=5).read()
    except OSError as error:
        pytest.fail(f"{HOW_TO_START} ({error})", pytrace=False)
    return url


@pytest.fixture(scope="session")
def cognito(endpoint):
    return boto3.client(
        "cognito-idp",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )

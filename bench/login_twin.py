"""The Python twin of the login function, for the benchmark: boto3 client
created at init, the same AdminInitiateAuth per event, served through the
Lambda Runtime API as a custom runtime (the same loop the Rust runtime runs).

SECRET_HASH as the Rust function sends it; no validation, no error mapping: a lower
bound for Python. A failure is reported to the Runtime API, as Lambda's runtimes do."""

import base64
import hashlib
import hmac
import json
import os
import urllib.request

import boto3

API = f"http://{os.environ['AWS_LAMBDA_RUNTIME_API']}/2018-06-01/runtime/invocation"
cognito = boto3.client(
    "cognito-idp",
    region_name=os.environ["AWS_REGION"],
    endpoint_url=os.environ.get("COGNITO_ENDPOINT_URL"),
)
POOL_ID = os.environ["COGNITO_USER_POOL_ID"]
CLIENT_ID = os.environ["COGNITO_CLIENT_ID"]
CLIENT_SECRET = os.environ.get("COGNITO_CLIENT_SECRET")


def secret_hash(username: str) -> str:
    digest = hmac.new(CLIENT_SECRET.encode(), (username + CLIENT_ID).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def handle(event: dict) -> dict:
    body = json.loads(event.get("body") or "{}")
    parameters = {"USERNAME": body["username"], "PASSWORD": body["password"]}
    if CLIENT_SECRET:
        parameters["SECRET_HASH"] = secret_hash(body["username"])
    result = cognito.admin_initiate_auth(
        UserPoolId=POOL_ID,
        ClientId=CLIENT_ID,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters=parameters,
    )
    return {"statusCode": 200, "body": json.dumps({"tokens": result.get("AuthenticationResult")})}


while True:
    with urllib.request.urlopen(f"{API}/next") as response:
        request_id = response.headers["Lambda-Runtime-Aws-Request-Id"]
        event = json.loads(response.read())
    try:
        answer, outcome = json.dumps(handle(event)).encode(), "response"
    except Exception as error:  # noqa: BLE001 - any failure is the invocation's error
        answer, outcome = json.dumps({"errorType": type(error).__name__, "errorMessage": str(error)}).encode(), "error"
    urllib.request.urlopen(urllib.request.Request(f"{API}/{request_id}/{outcome}", data=answer, method="POST")).read()

"""The Python twin of the login function, for the benchmark: boto3 client
created at init, the same AdminInitiateAuth per event, served through the
Lambda Runtime API as a custom runtime (the same loop the Rust runtime runs).

No SECRET_HASH, no validation, no error mapping: a lower bound for Python."""

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


def handle(event: dict) -> dict:
    body = json.loads(event.get("body") or "{}")
    result = cognito.admin_initiate_auth(
        UserPoolId=POOL_ID,
        ClientId=CLIENT_ID,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": body["username"], "PASSWORD": body["password"]},
    )
    return {"statusCode": 200, "body": json.dumps({"tokens": result.get("AuthenticationResult")})}


while True:
    with urllib.request.urlopen(f"{API}/next") as response:
        request_id = response.headers["Lambda-Runtime-Aws-Request-Id"]
        event = json.loads(response.read())
    answer = json.dumps(handle(event)).encode()
    urllib.request.urlopen(urllib.request.Request(f"{API}/{request_id}/response", data=answer, method="POST")).read()

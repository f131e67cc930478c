"""Creates a user pool like the deployed one, through the emulator's own API."""

import json
import pathlib

import boto3

POOL_DEFINITION = json.loads((pathlib.Path(__file__).parent / "pool.json").read_text())
REGION = "us-east-1"


def create_pool(
    endpoint: str,
    *,
    client_secret: bool,
    auth_flows: list[str] | None,
    admin: dict | None,
    allow_sign_up: bool = False,
) -> dict:
    """Pool, app client, groups and (optionally) a confirmed admin user. Returns the ids.

    allow_sign_up lets users sign themselves up, which the deployed pool does not."""
    cognito = boto3.client(
        "cognito-idp",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    pool_settings = dict(POOL_DEFINITION["pool"])
    if allow_sign_up:
        pool_settings["AdminCreateUserConfig"] = {"AllowAdminCreateUserOnly": False}
    pool_id = cognito.create_user_pool(**pool_settings)["UserPool"]["Id"]
    client_settings = dict(POOL_DEFINITION["client"], UserPoolId=pool_id, GenerateSecret=client_secret)
    if auth_flows is not None:
        client_settings["ExplicitAuthFlows"] = auth_flows
    client = cognito.create_user_pool_client(**client_settings)["UserPoolClient"]
    for group in POOL_DEFINITION["groups"]:
        cognito.create_group(UserPoolId=pool_id, **group)
    if admin:
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=admin["username"],
            UserAttributes=[
                {"Name": "email", "Value": admin["email"]},
                {"Name": "email_verified", "Value": "true"},
            ],
            MessageAction="SUPPRESS",
        )
        cognito.admin_set_user_password(
            UserPoolId=pool_id, Username=admin["username"], Password=admin["password"], Permanent=True
        )
        cognito.admin_add_user_to_group(
            UserPoolId=pool_id, Username=admin["username"], GroupName=POOL_DEFINITION["groups"][0]["GroupName"]
        )
    ids = {"region": REGION, "userPoolId": pool_id, "clientId": client["ClientId"]}
    if client_secret:
        ids["clientSecret"] = client["ClientSecret"]
    return ids

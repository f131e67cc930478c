"""Makes moto 5.2.5's Cognito behave like Cognito where the API depends on it.

Each patch names the Cognito behaviour it copies; test_extensions.py pins each
one by calling the emulator directly. moto is pinned in requirements.txt
because these patches lean on its internals.
"""

import base64
import hashlib
import hmac
import json
import secrets
import string
import time

from moto.core.exceptions import JsonRESTError
from moto.cognitoidp import models, responses
from moto.cognitoidp.exceptions import (
    CodeMismatchException,
    ExpiredCodeException,
    InvalidParameterException,
    NotAuthorizedError,
    UserNotConfirmedException,
)
from moto.cognitoidp.models import CognitoIdpBackend, CognitoIdpUserPoolAttribute, UserStatus

import outbox

# Cognito: attribute verification codes are valid for 24 hours.
CODE_VALIDITY_SECONDS = 24 * 60 * 60

# Cognito's defaults when a client declares no ExplicitAuthFlows.
DEFAULT_AUTH_FLOWS = ["ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]

# Which ExplicitAuthFlows entry (new name, legacy name) admits an AuthFlow.
FLOW_PERMISSIONS = {
    "ADMIN_USER_PASSWORD_AUTH": ("ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"),
    "ADMIN_NO_SRP_AUTH": ("ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"),
    "USER_PASSWORD_AUTH": ("ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"),
    "REFRESH_TOKEN_AUTH": ("ALLOW_REFRESH_TOKEN_AUTH",),
    "REFRESH_TOKEN": ("ALLOW_REFRESH_TOKEN_AUTH",),
}

# (pool id, username, attribute name) -> (code, issued at)
_attribute_codes: dict[tuple[str, str, str], tuple[str, float]] = {}


class InvalidPasswordException(JsonRESTError):
    def __init__(self, reason: str) -> None:
        super().__init__("InvalidPasswordException", f"Password did not conform with policy: {reason}")


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    digest = hmac.new(client_secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _check_secret_hash(client, username: str, given: str | None) -> None:
    """Cognito: a client with a secret needs SECRET_HASH on every user-password call."""
    if not client.generate_secret:
        return
    if not given:
        raise NotAuthorizedError(f"Client {client.id} is configured for secret but secret was not received")
    if not hmac.compare_digest(given, secret_hash(username, client.id, client.secret)):
        raise NotAuthorizedError(f"Unable to verify secret hash for client {client.id}")


def _check_auth_flow_enabled(client, auth_flow: str) -> None:
    """Cognito: an AuthFlow works only when the client's ExplicitAuthFlows allow it."""
    enabled = client.extended_config.get("ExplicitAuthFlows") or DEFAULT_AUTH_FLOWS
    if not any(flow in enabled for flow in FLOW_PERMISSIONS.get(auth_flow, ())):
        raise InvalidParameterException("Auth flow not enabled for this client")


def _validate_password(self, user_pool_id: str, password: str) -> None:
    """Cognito's password policy check, with Cognito's messages."""
    pool = self.describe_user_pool(user_pool_id)
    policy = pool.extended_config.get("Policies", {}).get("PasswordPolicy", {})
    if len(password) < policy.get("MinimumLength", 8):
        raise InvalidPasswordException("Password not long enough")
    if policy.get("RequireUppercase", True) and not any(c.isupper() for c in password):
        raise InvalidPasswordException("Password must have uppercase characters")
    if policy.get("RequireLowercase", True) and not any(c.islower() for c in password):
        raise InvalidPasswordException("Password must have lowercase characters")
    if policy.get("RequireNumbers", True) and not any(c.isdigit() for c in password):
        raise InvalidPasswordException("Password must have numeric characters")
    if policy.get("RequireSymbols", True) and not any(c in string.punctuation for c in password):
        raise InvalidPasswordException("Password must have symbol characters")


def _generated_temporary_password() -> str:
    """16 characters with four of each class: passes any policy this project declares."""
    pools = [string.ascii_uppercase, string.ascii_lowercase, string.digits, "^$*.!@#%&"]
    chars = [secrets.choice(pool) for pool in pools for _ in range(4)]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def _unknown_attributes(pool, attributes: list[dict]) -> list[str]:
    known = set(CognitoIdpUserPoolAttribute.STANDARD_SCHEMA) | set(pool.schema_attributes)
    return [a["Name"] for a in attributes or [] if a["Name"] not in known]


def _attribute_mask(destination: str) -> str:
    """Cognito masks delivery destinations: jane@example.com -> j***@e***."""
    local, _, domain = destination.partition("@")
    return f"{local[:1]}***@{domain[:1]}***" if domain else f"***{destination[-4:]}"


_original_admin_create_user = CognitoIdpBackend.admin_create_user


def admin_create_user(self, user_pool_id, username, message_action, temporary_password, attributes):
    """Cognito: rejects attributes the pool lacks and weak temporary passwords,
    generates a temporary password when none is given, and sends the invitation."""
    pool = self.describe_user_pool(user_pool_id)
    unknown = _unknown_attributes(pool, attributes)
    if unknown:
        raise InvalidParameterException(
            "Attributes did not conform to the schema: "
            + "\n".join(f"{name}: Attribute does not exist in the schema." for name in unknown)
        )
    if temporary_password:
        self._validate_password(user_pool_id, temporary_password)
    else:
        temporary_password = _generated_temporary_password()
    user = _original_admin_create_user(
        self, user_pool_id, username, message_action, temporary_password, attributes
    )
    email = user.attribute_lookup.get("email")
    if message_action != "SUPPRESS" and email:
        outbox.record(
            pool_id=user_pool_id,
            username=user.username,
            destination=email,
            kind="invitation",
            code=temporary_password,
        )
    return user


_original_admin_initiate_auth = CognitoIdpBackend.admin_initiate_auth


def admin_initiate_auth(self, user_pool_id, client_id, auth_flow, auth_parameters):
    """Cognito: enforces ExplicitAuthFlows and SECRET_HASH, refuses UNCONFIRMED
    users, and describes NEW_PASSWORD_REQUIRED in ChallengeParameters."""
    auth_parameters = auth_parameters or {}
    pool = self.describe_user_pool(user_pool_id)
    client = pool.clients.get(client_id)
    if client is not None:
        _check_auth_flow_enabled(client, auth_flow)
        if auth_flow in ("ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"):
            username = auth_parameters.get("USERNAME", "")
            _check_secret_hash(client, username, auth_parameters.get("SECRET_HASH"))
            user = pool._get_user(username)
            if (
                user is not None
                and user.status == UserStatus.UNCONFIRMED
                and user.password == auth_parameters.get("PASSWORD")
            ):
                raise UserNotConfirmedException("User is not confirmed.")
    result = _original_admin_initiate_auth(self, user_pool_id, client_id, auth_flow, auth_parameters)
    if result and result.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
        user = pool._get_user(auth_parameters.get("USERNAME", ""))
        result["ChallengeParameters"] = _new_password_challenge_parameters(pool, user)
    return result


def _new_password_challenge_parameters(pool, user) -> dict[str, str]:
    """As Cognito sends them: JSON strings, required attributes prefixed."""
    attributes = {k: v for k, v in user.attribute_lookup.items() if k != "sub"}
    required = [
        f"userAttributes.{name}"
        for name, attribute in pool.schema_attributes.items()
        if attribute.required and name not in attributes
    ]
    return {
        "USER_ID_FOR_SRP": user.username,
        "requiredAttributes": json.dumps(required),
        "userAttributes": json.dumps(attributes),
    }


_original_respond_to_auth_challenge = CognitoIdpBackend.respond_to_auth_challenge


def respond_to_auth_challenge(self, session, client_id, challenge_name, challenge_responses):
    """Cognito: an unknown session is NotAuthorizedException; SECRET_HASH is
    required for secret clients; `userAttributes.*` responses set attributes."""
    challenge_responses = challenge_responses or {}
    if challenge_name != "PASSWORD_VERIFIER":
        if session not in self.sessions:
            raise NotAuthorizedError("Invalid session for the user.")
        _, pool = self.sessions[session]
        client = pool.clients.get(client_id)
        username = challenge_responses.get("USERNAME", "")
        if client is not None:
            _check_secret_hash(client, username, challenge_responses.get("SECRET_HASH"))
        if challenge_name == "NEW_PASSWORD_REQUIRED":
            self._validate_password(pool.id, challenge_responses.get("NEW_PASSWORD") or "")
            user = pool._get_user(username)
            updates = [
                {"Name": key.removeprefix("userAttributes."), "Value": value}
                for key, value in challenge_responses.items()
                if key.startswith("userAttributes.")
            ]
            if user is not None and updates:
                unknown = _unknown_attributes(pool, updates)
                if unknown:
                    raise InvalidParameterException(
                        "Attributes did not conform to the schema: "
                        + "\n".join(f"{n}: Attribute does not exist in the schema." for n in unknown)
                    )
                user.update_attributes(updates)
    return _original_respond_to_auth_challenge(
        self, session, client_id, challenge_name, challenge_responses
    )


_original_sign_up = CognitoIdpBackend.sign_up


def sign_up(self, client_id, username, password, attributes):
    """Cognito: SignUp is refused when only administrators may create users."""
    for pool in self.user_pools.values():
        if client_id in pool.clients and pool.extended_config.get("AdminCreateUserConfig", {}).get(
            "AllowAdminCreateUserOnly"
        ):
            raise NotAuthorizedError("SignUp is not permitted for this user pool")
    return _original_sign_up(self, client_id, username, password, attributes)


def _user_by_access_token(access_token: str):
    """Finds (pool, user) for an access token in any account and region."""
    for account_backends in models.cognitoidp_backends.values():
        for region, backend in account_backends.items():
            if region == "global":
                continue
            for pool in backend.user_pools.values():
                if access_token in pool.access_tokens:
                    _, username = pool.access_tokens[access_token]
                    user = pool._get_user(username)
                    if user is None or not user.enabled or user.status != UserStatus.CONFIRMED:
                        raise NotAuthorizedError("Access Token has been revoked")
                    return pool, user
    raise NotAuthorizedError("Invalid Access Token")


def _verifiable_attribute(name: str) -> str:
    if name not in ("email", "phone_number"):
        raise InvalidParameterException(f"Cannot verify attribute {name}.")
    return name


def get_user_attribute_verification_code(self):
    """Cognito's GetUserAttributeVerificationCode: sends a code to the attribute."""
    pool, user = _user_by_access_token(self._get_param("AccessToken"))
    attribute = _verifiable_attribute(self._get_param("AttributeName"))
    destination = user.attribute_lookup.get(attribute)
    if not destination:
        raise InvalidParameterException(f"User has no attribute {attribute}.")
    code = f"{secrets.randbelow(10**6):06d}"
    _attribute_codes[(pool.id, user.username, attribute)] = (code, time.time())
    outbox.record(
        pool_id=pool.id,
        username=user.username,
        destination=destination,
        kind="attribute_verification",
        code=code,
    )
    return json.dumps(
        {
            "CodeDeliveryDetails": {
                "Destination": _attribute_mask(destination),
                "DeliveryMedium": "EMAIL" if attribute == "email" else "SMS",
                "AttributeName": attribute,
            }
        }
    )


def verify_user_attribute(self):
    """Cognito's VerifyUserAttribute: a right code marks the attribute verified."""
    pool, user = _user_by_access_token(self._get_param("AccessToken"))
    attribute = _verifiable_attribute(self._get_param("AttributeName"))
    key = (pool.id, user.username, attribute)
    code, issued_at = _attribute_codes.get(key, (None, 0.0))
    if code is None or not hmac.compare_digest(code, str(self._get_param("Code"))):
        raise CodeMismatchException("Invalid verification code provided, please try again.")
    if time.time() - issued_at > CODE_VALIDITY_SECONDS:
        raise ExpiredCodeException("Invalid code provided, please request a code again.")
    del _attribute_codes[key]
    user.update_attributes([{"Name": f"{attribute}_verified", "Value": "true"}])
    return "{}"


def install() -> None:
    """Applies every patch to moto's Cognito backend and response layer."""
    CognitoIdpBackend._validate_password = _validate_password
    CognitoIdpBackend.admin_create_user = admin_create_user
    CognitoIdpBackend.admin_initiate_auth = admin_initiate_auth
    CognitoIdpBackend.respond_to_auth_challenge = respond_to_auth_challenge
    CognitoIdpBackend.sign_up = sign_up
    responses.CognitoIdpResponse.get_user_attribute_verification_code = get_user_attribute_verification_code
    responses.CognitoIdpResponse.verify_user_attribute = verify_user_attribute

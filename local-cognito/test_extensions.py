"""Each extension of the local Cognito, driven directly, pinned to Cognito's documented behaviour."""

import json
import urllib.request
import uuid

import pytest
from botocore.exceptions import ClientError

import seed
from extensions import secret_hash

PASSWORD = "Corr3ct-Horse-Battery"


def error_of(call) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def new_pool(endpoint, client_secret=False, auth_flows=None, allow_sign_up=False):
    return seed.create_pool(endpoint, client_secret=client_secret, admin=None, auth_flows=auth_flows,
                            allow_sign_up=allow_sign_up)


def confirmed_user(cognito, pool_id) -> str:
    username = f"user-{uuid.uuid4()}"
    cognito.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)
    return username


def login(cognito, ids, username, password=PASSWORD, **extra):
    parameters = {"USERNAME": username, "PASSWORD": password, **extra}
    return cognito.admin_initiate_auth(UserPoolId=ids["userPoolId"], ClientId=ids["clientId"],
                                       AuthFlow="ADMIN_USER_PASSWORD_AUTH", AuthParameters=parameters)


def outbox(endpoint, username):
    with urllib.request.urlopen(f"{endpoint}/_local/outbox") as response:
        return [m for m in json.load(response) if m["username"] == username]


def test_verification_code_is_sent_and_a_right_code_verifies_the_email(endpoint, cognito):
    # GIVEN a confirmed user with an unverified email, logged in
    ids = new_pool(endpoint)
    username = confirmed_user(cognito, ids["userPoolId"])
    token = login(cognito, ids, username)["AuthenticationResult"]["AccessToken"]
    # WHEN a code is requested
    delivery = cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    # THEN Cognito-shaped delivery details come back and the code is in the outbox
    assert delivery["CodeDeliveryDetails"] == {"Destination": "u***@e***", "DeliveryMedium": "EMAIL",
                                               "AttributeName": "email"}
    [message] = outbox(endpoint, username)
    assert message["kind"] == "attribute_verification" and message["destination"] == f"{username}@example.com"
    # WHEN the right code is sent THEN email_verified becomes "true"
    cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=message["code"])
    attributes = {a["Name"]: a["Value"] for a in cognito.get_user(AccessToken=token)["UserAttributes"]}
    assert attributes["email_verified"] == "true"


def test_a_wrong_verification_code_is_a_code_mismatch(endpoint, cognito):
    ids = new_pool(endpoint)
    username = confirmed_user(cognito, ids["userPoolId"])
    token = login(cognito, ids, username)["AuthenticationResult"]["AccessToken"]
    cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    code, _ = error_of(lambda: cognito.verify_user_attribute(AccessToken=token, AttributeName="email",
                                                             Code="000000x"))
    assert code == "CodeMismatchException"


def test_verification_with_an_unknown_token_is_not_authorized(endpoint, cognito):
    code, _ = error_of(lambda: cognito.get_user_attribute_verification_code(AccessToken="forged",
                                                                           AttributeName="email"))
    assert code == "NotAuthorizedException"


def test_an_unconfirmed_user_cannot_log_in(endpoint, cognito):
    ids = new_pool(endpoint, allow_sign_up=True)
    username = f"user-{uuid.uuid4()}"
    cognito.sign_up(ClientId=ids["clientId"], Username=username, Password=PASSWORD,
                    UserAttributes=[{"Name": "email", "Value": "x@example.com"}])
    code, _ = error_of(lambda: login(cognito, ids, username))
    assert code == "UserNotConfirmedException"
    # A wrong password still says only that the credentials are wrong.
    code, _ = error_of(lambda: login(cognito, ids, username, password="Wrong-Passw0rd"))
    assert code == "NotAuthorizedException"


def test_sign_up_is_refused_when_only_administrators_create_users(endpoint, cognito):
    ids = new_pool(endpoint)
    code, message = error_of(lambda: cognito.sign_up(ClientId=ids["clientId"], Username="self", Password=PASSWORD))
    assert (code, message) == ("NotAuthorizedException", "SignUp is not permitted for this user pool")


def test_a_secret_client_needs_a_right_secret_hash(endpoint, cognito):
    ids = new_pool(endpoint, client_secret=True)
    username = confirmed_user(cognito, ids["userPoolId"])
    code, message = error_of(lambda: login(cognito, ids, username))
    assert code == "NotAuthorizedException" and "secret was not received" in message
    code, message = error_of(lambda: login(cognito, ids, username, SECRET_HASH="d3Jvbmc="))
    assert code == "NotAuthorizedException" and "Unable to verify secret hash" in message
    right = secret_hash(username, ids["clientId"], ids["clientSecret"])
    assert "AccessToken" in login(cognito, ids, username, SECRET_HASH=right)["AuthenticationResult"]


def test_a_secret_client_needs_a_secret_hash_to_answer_a_challenge(endpoint, cognito):
    ids = new_pool(endpoint, client_secret=True)
    username = f"user-{uuid.uuid4()}"
    cognito.admin_create_user(UserPoolId=ids["userPoolId"], Username=username, TemporaryPassword=PASSWORD,
                              MessageAction="SUPPRESS")
    right = secret_hash(username, ids["clientId"], ids["clientSecret"])
    session = login(cognito, ids, username, SECRET_HASH=right)["Session"]
    respond = lambda **extra: cognito.admin_respond_to_auth_challenge(  # noqa: E731
        UserPoolId=ids["userPoolId"], ClientId=ids["clientId"], ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=session, ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": "N3w-Password-Here", **extra})
    code, _ = error_of(respond)
    assert code == "NotAuthorizedException"
    assert "AccessToken" in respond(SECRET_HASH=right)["AuthenticationResult"]


def test_an_auth_flow_the_client_does_not_allow_is_refused(endpoint, cognito):
    ids = new_pool(endpoint, auth_flows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    username = confirmed_user(cognito, ids["userPoolId"])
    code, message = error_of(lambda: login(cognito, ids, username))
    assert (code, message) == ("InvalidParameterException", "Auth flow not enabled for this client")


def test_a_weak_temporary_password_is_refused_with_the_policy_reason(endpoint, cognito):
    ids = new_pool(endpoint)
    code, message = error_of(lambda: cognito.admin_create_user(
        UserPoolId=ids["userPoolId"], Username="weak", TemporaryPassword="short"))
    assert code == "InvalidPasswordException"
    assert message == "Password did not conform with policy: Password not long enough"


def test_an_attribute_the_pool_lacks_is_refused(endpoint, cognito):
    ids = new_pool(endpoint)
    code, message = error_of(lambda: cognito.admin_create_user(
        UserPoolId=ids["userPoolId"], Username="x", UserAttributes=[{"Name": "custom:shoe_size", "Value": "9"}]))
    assert code == "InvalidParameterException"
    assert "custom:shoe_size: Attribute does not exist in the schema." in message


def test_an_invitation_carries_a_generated_temporary_password(endpoint, cognito):
    ids = new_pool(endpoint)
    username = f"user-{uuid.uuid4()}"
    cognito.admin_create_user(UserPoolId=ids["userPoolId"], Username=username,
                              UserAttributes=[{"Name": "email", "Value": "new@example.com"}])
    [invitation] = outbox(endpoint, username)
    assert invitation["kind"] == "invitation" and invitation["destination"] == "new@example.com"
    challenge = login(cognito, ids, username, password=invitation["code"])
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"


def test_new_password_challenge_describes_the_user_as_cognito_does(endpoint, cognito):
    ids = new_pool(endpoint)
    username = f"user-{uuid.uuid4()}"
    cognito.admin_create_user(UserPoolId=ids["userPoolId"], Username=username, TemporaryPassword=PASSWORD,
                              MessageAction="SUPPRESS", UserAttributes=[{"Name": "birthdate", "Value": "1990-01-31"}])
    challenge = login(cognito, ids, username)
    parameters = challenge["ChallengeParameters"]
    assert parameters["USER_ID_FOR_SRP"] == username
    assert json.loads(parameters["requiredAttributes"]) == ["userAttributes.email"]
    assert json.loads(parameters["userAttributes"]) == {"birthdate": "1990-01-31"}
    # A required attribute can be given with the new password.
    cognito.admin_respond_to_auth_challenge(
        UserPoolId=ids["userPoolId"], ClientId=ids["clientId"], ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": "N3w-Password-Here",
                            "userAttributes.email": "given@example.com"})
    user = cognito.admin_get_user(UserPoolId=ids["userPoolId"], Username=username)
    assert {"Name": "email", "Value": "given@example.com"} in user["UserAttributes"]


def test_an_unknown_challenge_session_is_not_authorized(endpoint, cognito):
    ids = new_pool(endpoint)
    code, message = error_of(lambda: cognito.admin_respond_to_auth_challenge(
        UserPoolId=ids["userPoolId"], ClientId=ids["clientId"], ChallengeName="NEW_PASSWORD_REQUIRED",
        Session="made-up-session-value-that-is-long-enough", ChallengeResponses={"USERNAME": "x", "NEW_PASSWORD": "y"}))
    assert (code, message) == ("NotAuthorizedException", "Invalid session for the user.")


def test_a_weak_new_password_names_the_policy_rule(endpoint, cognito):
    ids = new_pool(endpoint)
    username = f"user-{uuid.uuid4()}"
    cognito.admin_create_user(UserPoolId=ids["userPoolId"], Username=username, TemporaryPassword=PASSWORD,
                              MessageAction="SUPPRESS")
    session = login(cognito, ids, username)["Session"]
    code, message = error_of(lambda: cognito.admin_respond_to_auth_challenge(
        UserPoolId=ids["userPoolId"], ClientId=ids["clientId"], ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=session, ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": "alllowercase1"}))
    assert (code, message) == ("InvalidPasswordException",
                               "Password did not conform with policy: Password must have uppercase characters")

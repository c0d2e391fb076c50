"""Drives awsso-emulator with botocore, a client nobody here wrote: a device-code sign-in
(the user opens verificationUriComplete), portal pagination with boto3 paginators, role
credentials, STS calls signed by botocore and verified by the emulator, refresh-token rotation
and logout. Prints one JSON summary line for the Rust test to compare.

Run by emulator/tests/emulator/interop.rs with AWS_ENDPOINT_URL set and a temporary HOME.
"""

import json
import sys
import time
import urllib.request

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

START_URL = "https://d-1234567890.awsapps.com/start"


def error_of(call):
    """Runs call, which must fail; returns (code, HTTP status, message)."""
    try:
        call()
    except ClientError as e:
        return (
            e.response["Error"]["Code"],
            e.response["ResponseMetadata"]["HTTPStatusCode"],
            e.response["Error"].get("Message", ""),
        )
    raise AssertionError("the call did not fail")


def main():
    session = boto3.session.Session(region_name="us-east-1")
    unsigned = Config(signature_version=UNSIGNED)
    oidc = session.client("sso-oidc", config=unsigned)
    sso = session.client("sso", config=unsigned)
    summary = {}

    # The emulator starts with fail_next [500, 503]: botocore retries both.
    reg = oidc.register_client(
        clientName="botocore-client-interop", clientType="public", scopes=["sso:account:access"]
    )
    summary["register_retries"] = reg["ResponseMetadata"]["RetryAttempts"]
    client = {"clientId": reg["clientId"], "clientSecret": reg["clientSecret"]}
    device = oidc.start_device_authorization(startUrl=START_URL, **client)
    summary["interval"] = device["interval"]
    summary["expires_in"] = device["expiresIn"]

    def create_token():
        return oidc.create_token(
            grantType="urn:ietf:params:oauth:grant-type:device_code",
            deviceCode=device["deviceCode"],
            **client,
        )

    try:
        create_token()
        raise AssertionError("the first poll must be pending")
    except oidc.exceptions.AuthorizationPendingException as e:
        summary["first_poll"] = e.response["Error"]["Code"]

    # The user opens the complete verification URI and approves.
    with urllib.request.urlopen(device["verificationUriComplete"]) as page:
        summary["verification_page"] = page.status

    deadline = time.time() + 20
    interval = device["interval"]
    while True:
        time.sleep(interval)
        try:
            token = create_token()
            break
        except oidc.exceptions.AuthorizationPendingException:
            pass
        except oidc.exceptions.SlowDownException:
            interval += 5
        if time.time() > deadline:
            raise AssertionError("no token before the deadline")
    summary["token_type"] = token["tokenType"]
    summary["has_refresh_token"] = "refreshToken" in token
    access = token["accessToken"]

    pages = list(sso.get_paginator("list_accounts").paginate(accessToken=access))
    summary["account_pages"] = [[a["accountId"] for a in p["accountList"]] for p in pages]
    small = sso.get_paginator("list_accounts").paginate(
        accessToken=access, PaginationConfig={"PageSize": 1}
    )
    summary["account_pages_of_one"] = len(list(small))
    summary["roles"] = {}
    for account in [a for p in summary["account_pages"] for a in p]:
        role_pages = sso.get_paginator("list_account_roles").paginate(
            accessToken=access, accountId=account
        )
        summary["roles"][account] = [r["roleName"] for p in role_pages for r in p["roleList"]]

    creds = sso.get_role_credentials(
        accessToken=access, accountId="111122223333", roleName="ReadOnlyAccess"
    )["roleCredentials"]
    summary["expiration_is_ms"] = creds["expiration"] > time.time() * 100
    summary["forbidden"] = error_of(
        lambda: sso.get_role_credentials(
            accessToken=access, accountId="444455556666", roleName="AdministratorAccess"
        )
    )

    def sts_with(key, secret, token):
        return session.client(
            "sts",
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            aws_session_token=token,
        )

    sts = sts_with(creds["accessKeyId"], creds["secretAccessKey"], creds["sessionToken"])
    identity = sts.get_caller_identity()
    summary["identity"] = {k: identity[k] for k in ("UserId", "Account", "Arn")}
    summary["wrong_secret"] = error_of(
        lambda: sts_with(
            creds["accessKeyId"], creds["secretAccessKey"] + "x", creds["sessionToken"]
        ).get_caller_identity()
    )
    summary["unknown_key"] = error_of(
        lambda: sts_with("AKIAUNKNOWNUNKNOWN00", "secret", None).get_caller_identity()
    )
    summary["static_user"] = sts_with(
        "AKIAEMULATORSTATIC01", "emulatorStaticSecretKey0000000000000001", None
    ).get_caller_identity()["Arn"]

    assumed = sts.assume_role(
        RoleArn="arn:aws:iam::777788889999:role/Deployer", RoleSessionName="interop"
    )
    chained = sts_with(
        assumed["Credentials"]["AccessKeyId"],
        assumed["Credentials"]["SecretAccessKey"],
        assumed["Credentials"]["SessionToken"],
    ).get_caller_identity()
    summary["assumed_arn"] = chained["Arn"]

    # Refresh rotates the refresh token; the spent one is refused.
    refreshed = oidc.create_token(
        grantType="refresh_token", refreshToken=token["refreshToken"], **client
    )
    summary["refresh_rotated"] = refreshed["refreshToken"] != token["refreshToken"]
    summary["refresh_reuse"] = error_of(
        lambda: oidc.create_token(
            grantType="refresh_token", refreshToken=token["refreshToken"], **client
        )
    )[:2]

    sso.logout(accessToken=refreshed["accessToken"])
    summary["after_logout"] = error_of(
        lambda: sso.list_accounts(accessToken=refreshed["accessToken"])
    )
    print(json.dumps(summary, sort_keys=True))


if __name__ == "__main__":
    sys.exit(main())

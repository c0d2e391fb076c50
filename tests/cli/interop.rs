//! End-to-end tests of interop.

#[allow(unused_imports)]
use crate::support::*;

// ----- get-caller-identity: the SSO token and role-credentials caches, both directions -----

use awsso_emulator::{Emulator, Options};

use crate::get_caller_identity::{
    dev_role_cache, setup, sso_json, token_path, write_token, START_URL,
};

/// Saves an SSO token for session `corp` with botocore's own `SSOTokenLoader` and
/// `JSONFileCache`, as the AWS CLI does after a login.
fn botocore_save_token(sandbox: &Sandbox, emu: &Emulator) {
    let script = r#"
import sys, datetime
from botocore.tokens import _sso_json_dumps
from botocore.utils import JSONFileCache, SSOTokenLoader
from dateutil.tz import tzutc
cache_dir, start_url, access_token = sys.argv[1:4]
expires = datetime.datetime.now(tzutc()) + datetime.timedelta(hours=8)
token = {"startUrl": start_url, "region": "us-east-1", "accessToken": access_token, "expiresAt": expires}
SSOTokenLoader(cache=JSONFileCache(cache_dir, dumps_func=_sso_json_dumps)).save_token(start_url, token, session_name="corp")
"#;
    let cache_dir = sandbox.sso_cache_dir().display().to_string();
    let access_token = emu.issue_token_for_tests();
    sandbox
        .run_program(
            &python(),
            &["-c", script, &cache_dir, START_URL, &access_token],
        )
        .assert(0, "", "");
    assert!(token_path(sandbox, "corp").exists());
}

/// AWS CLI v2's SSO path in botocore: the `sso` provider with `JSONFileCache(~/.aws/cli/cache)`
/// injected, as v2's `customizations/sso` does (AWS CLI v1 keeps SSO role credentials in
/// memory only), then STS GetCallerIdentity. Prints the identity as v2's json.
const BOTOCORE_V2_SSO: &str = r#"
import json, os, sys
import botocore.session
from botocore.utils import JSONFileCache
session = botocore.session.Session(profile=sys.argv[1])
provider = session.get_component("credential_provider").get_provider("sso")
provider.cache = JSONFileCache(os.path.expanduser(os.path.join("~", ".aws", "cli", "cache")))
identity = session.create_client("sts", region_name="us-east-1").get_caller_identity()
identity.pop("ResponseMetadata")
print(json.dumps(identity, indent=4))
"#;

#[test]
fn awsso_uses_the_token_and_role_credentials_botocore_cached() {
    let (emu, sandbox) = setup(Options::default());
    botocore_save_token(&sandbox, &emu);
    let expected = sso_json("AdministratorAccess");
    sandbox
        .run_program(&python(), &["-c", BOTOCORE_V2_SSO, "dev"])
        .assert(0, &expected, "");
    assert_eq!(
        emu.request_lines(),
        ["GET /federation/credentials", "POST /"]
    );
    let written_by_botocore = std::fs::read(dev_role_cache(&sandbox)).unwrap();
    // awsso writes the very same bytes for the same credentials.
    let parsed = awsso::cache::role::parse(&written_by_botocore).unwrap();
    assert_eq!(
        awsso::cache::role::sso_document(&parsed).as_bytes(),
        written_by_botocore.as_slice()
    );

    emu.clear_requests();
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "dev"])
        .assert(0, &expected, "");
    // No GetRoleCredentials: botocore's entry was found under the same key and used.
    assert_eq!(emu.request_lines(), ["POST /"]);
    assert_eq!(
        std::fs::read(dev_role_cache(&sandbox)).unwrap(),
        written_by_botocore
    );
}

#[test]
fn botocore_uses_the_role_credentials_awsso_cached() {
    let (emu, sandbox) = setup(Options::default());
    write_token(
        &sandbox,
        &emu,
        "corp",
        START_URL,
        chrono::TimeDelta::hours(8),
    );
    let expected = sso_json("AdministratorAccess");
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "dev"])
        .assert(0, &expected, "");
    let written_by_awsso = std::fs::read(dev_role_cache(&sandbox)).unwrap();

    emu.clear_requests();
    sandbox
        .run_program(&python(), &["-c", BOTOCORE_V2_SSO, "dev"])
        .assert(0, &expected, "");
    assert_eq!(emu.request_lines(), ["POST /"]);
    assert_eq!(
        std::fs::read(dev_role_cache(&sandbox)).unwrap(),
        written_by_awsso
    );
}

#[test]
fn awsso_uses_assumed_role_credentials_the_aws_cli_cached() {
    let (emu, mut sandbox) = setup(Options::default());
    // AWS CLI v1 insists on a region (v2 and awsso fall back to the global endpoint).
    sandbox.set_env("AWS_DEFAULT_REGION", "us-east-1");
    let out = sandbox.run_program(
        &aws_cli(),
        &["sts", "get-caller-identity", "--profile", "admin"],
    );
    out.assert_code(0);
    assert_eq!(emu.request_lines(), ["POST /", "POST /"]);
    emu.clear_requests();
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "admin"])
        .assert(0, &out.stdout, "");
    assert_eq!(emu.request_lines(), ["POST /"]);
}

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

// ---- sso login interop (login helper): botocore and awsso share one token cache. ----

mod login_cache {
    use std::time::Duration;

    use awsso::cache::sha1_hex;
    use awsso_emulator::{Emulator, Options};

    use crate::support::*;

    const CONFIG: &str = "[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnlyAccess
region = us-east-1

[sso-session corp]
sso_start_url = https://d-90670ca891.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access
";

    const START_URL: &str = "https://d-90670ca891.awsapps.com/start";

    fn sandbox(emu: &Emulator) -> Sandbox {
        let mut home = Sandbox::new();
        home.endpoints(emu.url());
        home.config(CONFIG);
        home
    }

    /// Runs a Python snippet with the test virtualenv in the sandbox's environment.
    fn run_python(home: &Sandbox, code: &str) -> Output {
        home.run_program(&python(), &["-c", code])
    }

    const CALLER_IDENTITY: &str = "
import boto3
identity = boto3.Session(profile_name='dev').client('sts').get_caller_identity()
print(identity['Account'])
print(identity['Arn'])
";

    fn assert_identity(out: &Output) {
        out.assert_code(0);
        let lines: Vec<&str> = out.stdout.lines().collect();
        assert_eq!(lines.len(), 2, "{}", out.stdout);
        assert_eq!(lines[0], "111122223333");
        assert!(
            lines[1].starts_with(
                "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_ReadOnlyAccess_"
            ) && lines[1].ends_with("/jane@example.com"),
            "{}",
            lines[1]
        );
    }

    #[test]
    fn botocore_uses_the_token_awsso_wrote() {
        let emu = Emulator::start(Options::default().auto_approve(true));
        let home = sandbox(&emu);
        home.run(&["sso", "login", "--profile", "dev", "--use-device-code"])
            .assert(
                0,
                &format!("Successfully logged into Start URL: {START_URL}\n"),
                "",
            );
        let token_path = home
            .sso_cache_dir()
            .join(format!("{}.json", sha1_hex(b"corp")));
        let written = std::fs::read(&token_path).unwrap();
        emu.clear_requests();
        assert_identity(&run_python(&home, CALLER_IDENTITY));
        // botocore found the token fresh: no refresh, no login, just the role credentials.
        let lines = emu.request_lines();
        assert_eq!(lines[0], "GET /federation/credentials", "{lines:?}");
        assert!(!lines.iter().any(|l| l == "POST /token"), "{lines:?}");
        assert_eq!(std::fs::read(&token_path).unwrap(), written);
    }

    #[test]
    fn botocore_refreshes_a_token_awsso_wrote_and_awsso_reads_the_result() {
        // Ten-minute tokens: botocore refreshes inside its 15-minute window.
        let emu = Emulator::start(
            Options::default()
                .auto_approve(true)
                .token_ttl(Duration::from_secs(600)),
        );
        let home = sandbox(&emu);
        home.run(&["sso", "login", "--profile", "dev", "--use-device-code"])
            .assert_code(0);
        let token_path = home
            .sso_cache_dir()
            .join(format!("{}.json", sha1_hex(b"corp")));
        let ours: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&token_path).unwrap()).unwrap();
        emu.clear_requests();
        assert_identity(&run_python(&home, CALLER_IDENTITY));
        assert_eq!(emu.request_lines()[0], "POST /token");
        let theirs: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&token_path).unwrap()).unwrap();
        assert_ne!(theirs["accessToken"], ours["accessToken"]);
        assert_eq!(theirs["clientId"], ours["clientId"]);
        // botocore wrote the file back in the layout awsso writes.
        let text = std::fs::read_to_string(&token_path).unwrap();
        assert_eq!(awsso::cache::python_json(&theirs), text);
        // And awsso takes botocore's token, refreshing it again (still under 15 minutes).
        emu.clear_requests();
        home.run(&["sso", "login", "--profile", "dev", "--if-needed"])
            .assert(0, "", "");
        let body: serde_json::Value = serde_json::from_str(&emu.requests()[0].body).unwrap();
        assert_eq!(body["refreshToken"], theirs["refreshToken"]);
    }

    /// botocore's own device-code login, saved with botocore's token loader and JSON
    /// dumper (testing-notes.md), so the file is exactly what the AWS CLI writes.
    const BOTOCORE_LOGIN: &str = r#"
import datetime, os, urllib.request
import botocore.session
from botocore import UNSIGNED
from botocore.config import Config
from botocore.tokens import _sso_json_dumps
from botocore.utils import JSONFileCache, SSOTokenLoader

session = botocore.session.Session()
oidc = session.create_client('sso-oidc', region_name='us-east-1', config=Config(signature_version=UNSIGNED))
client = oidc.register_client(clientName='botocore-client-corp', clientType='public', scopes=['sso:account:access'])
auth = oidc.start_device_authorization(clientId=client['clientId'], clientSecret=client['clientSecret'], startUrl='https://d-90670ca891.awsapps.com/start')
urllib.request.urlopen(auth['verificationUriComplete']).read()
token = oidc.create_token(grantType='urn:ietf:params:oauth:grant-type:device_code', clientId=client['clientId'], clientSecret=client['clientSecret'], deviceCode=auth['deviceCode'])
now = datetime.datetime.now(datetime.timezone.utc)
cache = JSONFileCache(os.path.expanduser('~/.aws/sso/cache'), dumps_func=_sso_json_dumps)
SSOTokenLoader(cache=cache).save_token('https://d-90670ca891.awsapps.com/start', {
    'startUrl': 'https://d-90670ca891.awsapps.com/start',
    'region': 'us-east-1',
    'accessToken': token['accessToken'],
    'expiresAt': now + datetime.timedelta(seconds=token['expiresIn']),
    'clientId': client['clientId'],
    'clientSecret': client['clientSecret'],
    'registrationExpiresAt': datetime.datetime.fromtimestamp(client['clientSecretExpiresAt'], datetime.timezone.utc),
    'refreshToken': token['refreshToken'],
}, session_name='corp')
"#;

    #[test]
    fn awsso_uses_the_token_botocore_wrote() {
        let emu = Emulator::start(Options::default());
        let home = sandbox(&emu);
        let out = run_python(&home, BOTOCORE_LOGIN);
        out.assert(0, "", "");
        let token_path = home
            .sso_cache_dir()
            .join(format!("{}.json", sha1_hex(b"corp")));
        let written = std::fs::read(&token_path).unwrap();
        emu.clear_requests();
        home.run(&["sso", "login", "--profile", "dev", "--if-needed"])
            .assert(0, "", "");
        assert!(emu.request_lines().is_empty(), "no network call");
        assert_eq!(std::fs::read(&token_path).unwrap(), written);
    }
}

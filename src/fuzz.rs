//! The entry points shared by the fuzz targets (`fuzz/fuzz_targets/`, one `fuzz_target!`
//! each, run by `scripts/fuzz`) and by the test that replays every input they ever crashed
//! on (`fuzz/regressions/<target>/`, `tests/cli/fuzz_regressions.rs`): one function per
//! parser of bytes from outside awsso, taking the raw bytes.
//!
//! Each entry point returns normally for any input; a panic (an `assert!` of the parser's
//! invariants, or a bug) is a finding. Inputs that are not UTF-8 are skipped where the real
//! reader refuses them before parsing (config files). The module calls into every floor
//! below it, so it sits on the top floor beside `lib` (docs/architecture.md).

use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::cache::role::{self, AssumedRoleUser, CachedCredentials};
use crate::cache::token::{CachedToken, ClientRegistration};
use crate::chain::process;
use crate::cli::OutputFormat;
use crate::config::edit::{self, SectionRef, Updates};
use crate::config::{self, parse as ini, AwsConfig};
use crate::http::{self, HttpResponse};
use crate::login::callback::{self, Callback, RequestLine};
use crate::oidc::{self, DeviceAuthorization, RegisteredClient, TokenResponse};
use crate::output::jmespath::{lexer, parser, Expression};
use crate::output::Formatter;
use crate::portal::{self, model, AccountInfo, RoleInfo};
use crate::secret::Secret;
use crate::sts;
use crate::timestamp::Timestamp;

/// An entry point: the raw bytes of one input.
pub type Entry = fn(&[u8]);

/// Every target: its name (the directory names under `fuzz/corpus/` and
/// `fuzz/regressions/`, the binary names in `fuzz/Cargo.toml`) and its entry point.
pub const TARGETS: &[(&str, Entry)] = &[
    ("config", config_files),
    ("config_edit", config_edit),
    ("token_cache", token_cache),
    ("role_cache", role_cache),
    ("oidc_json", oidc_json),
    ("portal_json", portal_json),
    ("sts_xml", sts_xml),
    ("credential_process", credential_process),
    ("jmespath_lexer", jmespath_lexer),
    ("jmespath_parser", jmespath_parser),
    ("jmespath_interpreter", jmespath_interpreter),
    ("pkce_callback", pkce_callback),
];

/// The clock of every entry point that turns a lifetime into a time (2026-01-01T00:00:00Z).
const NOW: Duration = Duration::from_secs(1_767_225_600);

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + NOW
}

/// A 200 answer with these bytes as its body.
fn answer(status: u16, body: &[u8]) -> HttpResponse {
    HttpResponse {
        status,
        headers: Default::default(),
        body: body.to_vec(),
        retries_exhausted: None,
    }
}

/// The config and credentials files: the literal parse, botocore's profile map, and the
/// credentials merge agree on whether the text parses.
pub fn config_files(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let raw = ini::parse(text);
    let mut merged = AwsConfig::from_config_text(text);
    assert_eq!(raw.is_ok(), merged.is_ok());
    if let Ok(config) = &mut merged {
        assert!(config.merge_credentials_text(text).is_ok());
        for props in config.profiles.values().chain(config.sso_sessions.values()) {
            for key in props.keys() {
                let _ = config::get(props, key);
            }
        }
    }
    if let Err(e) = raw {
        let _ = e.to_string();
    }
}

/// The config writer: an edit of a config that parses still parses, and the values it
/// set read back (docs/compatibility.md, "Config writes"). The edit is what `configure sso`
/// writes (profile `dev`, sso-session `my-sso`), plus a change to the first profile and
/// the first sso-session the file already has.
pub fn config_edit(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(before) = AwsConfig::from_config_text(text) else {
        return;
    };
    let mut updates: Vec<(SectionRef, Updates<'_>)> = vec![
        (
            SectionRef::sso_session("my-sso"),
            vec![
                (
                    "sso_start_url",
                    Some("https://d-1234567890.awsapps.com/start"),
                ),
                ("sso_region", Some("us-east-1")),
                ("sso_registration_scopes", Some("sso:account:access")),
            ],
        ),
        (
            SectionRef::profile("dev"),
            vec![
                ("sso_session", Some("my-sso")),
                ("sso_account_id", Some("111122223333")),
                ("sso_role_name", Some("ReadOnly")),
                ("region", Some("eu-west-1")),
                ("output", Some("json")),
            ],
        ),
    ];
    let first_profile = before.profiles.keys().find(|name| *name != "dev");
    if let Some(name) = first_profile {
        updates.push((
            SectionRef::profile(name.clone()),
            vec![("region", Some("ap-south-1")), ("output", None)],
        ));
    }
    let first_session = before.sso_sessions.keys().find(|name| *name != "my-sso");
    if let Some(name) = first_session {
        updates.push((
            SectionRef::sso_session(name.clone()),
            vec![("sso_region", Some("ca-central-1"))],
        ));
    }
    // A refusal is allowed (the writer refuses what it cannot write safely); a result
    // must parse and say what was written.
    let Ok(after) = edit::update_text_all(text, &updates) else {
        return;
    };
    let parsed = match AwsConfig::from_config_text(&after) {
        Ok(parsed) => parsed,
        Err(e) => panic!("the edit broke the config ({e}):\n{after}"),
    };
    for (section, values) in &updates {
        let props = match section.kind {
            edit::SectionKind::Profile => parsed.profile(&section.name),
            edit::SectionKind::SsoSession => parsed.sso_session(&section.name),
            edit::SectionKind::Services => parsed.services.get(&section.name),
        };
        for (key, value) in values {
            if let Some(value) = value {
                assert_eq!(
                    props.and_then(|p| config::get(p, key)),
                    Some(*value),
                    "{} {key} after the edit:\n{after}",
                    section.section_name()
                );
            }
        }
    }
}

/// The SSO token and client-registration caches: what parses is written back in
/// botocore's layout, and that reads back to the same file.
pub fn token_cache(data: &[u8]) {
    if let Ok(token) = CachedToken::parse(data) {
        let written = token.to_json();
        let again = CachedToken::parse(written.as_bytes())
            .unwrap_or_else(|e| panic!("awsso cannot read the token it wrote ({e}): {written}"));
        assert_eq!(again.to_json(), written);
        let _ = token.is_refreshable(now());
        let _ = token.expires_within_refresh_window(now());
    }
    if let Ok(registration) = ClientRegistration::parse(data) {
        let written = registration.to_json();
        let again = ClientRegistration::parse(written.as_bytes()).unwrap_or_else(|e| {
            panic!("awsso cannot read the registration it wrote ({e}): {written}")
        });
        assert_eq!(again.to_json(), written);
        let _ = registration.is_usable(now());
    }
}

/// The role-credentials cache: an entry that parses is written back in both of botocore's
/// layouts (SSO and AssumeRole), and each reads back to the same credentials.
pub fn role_cache(data: &[u8]) {
    let Some(cached) = role::parse(data) else {
        return;
    };
    let sso = role::sso_document(&cached);
    let again = role::parse(sso.as_bytes())
        .unwrap_or_else(|| panic!("awsso cannot read the SSO entry it wrote: {sso}"));
    assert_eq!(role::sso_document(&again), sso);
    let assumed = role::assume_role_document(&cached, &AssumedRoleUser::default());
    let again = role::parse(assumed.as_bytes())
        .unwrap_or_else(|| panic!("awsso cannot read the AssumeRole entry it wrote: {assumed}"));
    assert_eq!(again.expiration.utc(), cached_second(&cached));
}

/// The expiration of a cache entry as botocore writes it: whole seconds, UTC.
fn cached_second(cached: &CachedCredentials) -> chrono::DateTime<chrono::Utc> {
    use chrono::Timelike;
    let utc = cached.expiration.utc();
    utc.with_nanosecond(0).unwrap_or(utc)
}

/// SSO OIDC answers: each operation's output, the cache entries a login writes from them,
/// and the error reading of the same body.
pub fn oidc_json(data: &[u8]) {
    let ok = answer(200, data);
    if let Ok(client) = oidc::parse::<RegisteredClient>(&ok, "RegisterClient") {
        let expires_at = client.expires_at();
        let registration = ClientRegistration {
            client_id: client.client_id,
            client_secret: client.client_secret,
            expires_at,
            scopes: None,
            grant_types: None,
        };
        let written = registration.to_json();
        assert!(
            ClientRegistration::parse(written.as_bytes()).is_ok(),
            "awsso cannot read the registration it wrote: {written}"
        );
    }
    if let Ok(device) = oidc::parse::<DeviceAuthorization>(&ok, "StartDeviceAuthorization") {
        let _ = format!("{device:?}");
    }
    if let Ok(token) = oidc::parse::<TokenResponse>(&ok, "CreateToken") {
        // What a login or a refresh caches (login/mod.rs, sso_token.rs); a lifetime no
        // cache can hold is refused there.
        let Ok(expires_at) = token.expires_at(now()) else {
            return errors(data);
        };
        let cached = CachedToken {
            start_url: Some("https://d-1234567890.awsapps.com/start".into()),
            region: Some("us-east-1".into()),
            access_token: token.access_token,
            expires_at,
            client_id: Some("client".into()),
            client_secret: Some(Secret::new("secret")),
            registration_expires_at: None,
            refresh_token: token.refresh_token,
        };
        let written = cached.to_json();
        assert!(
            CachedToken::parse(written.as_bytes()).is_ok(),
            "awsso cannot read the token it wrote: {written}"
        );
    }
    errors(data);
}

/// The error readings of any body: AWS JSON (OIDC, portal) and awsQuery XML (STS), and
/// the `--debug` log's redaction.
fn errors(data: &[u8]) {
    for status in [400, 503] {
        let response = answer(status, data);
        let _ = http::json_error("CreateToken", &response).to_string();
        let _ = http::error_code(&response);
    }
    let shown = http::redact_body(data);
    assert!(shown.chars().count() <= http::MAX_LOGGED_BODY + 40);
}

/// SSO portal answers: GetRoleCredentials and the list pages, read as the commands read
/// them, normalised by the model and printed in every format.
pub fn portal_json(data: &[u8]) {
    let ok = answer(200, data);
    if let Ok(credentials) = portal::role_credentials(&ok) {
        let _ = Timestamp::from_epoch_millis(credentials.expiration);
        let response = model::role_credentials_response(&credentials);
        print_everywhere("GetRoleCredentials", &response);
    }
    if let Ok(page) = portal::page(&ok, "ListAccounts") {
        let _ = portal::items::<AccountInfo>(page.body.clone(), "accountList", "ListAccounts");
        let shown = model::normalize(&page.body, &model::LIST_ACCOUNTS_OUTPUT);
        print_everywhere("ListAccounts", &shown);
    }
    if let Ok(page) = portal::page(&ok, "ListAccountRoles") {
        let _ = portal::items::<RoleInfo>(page.body.clone(), "roleList", "ListAccountRoles");
        let shown = model::normalize(&page.body, &model::LIST_ACCOUNT_ROLES_OUTPUT);
        print_everywhere("ListAccountRoles", &shown);
    }
    errors(data);
}

/// Formats a response in every output format; an error (a formatter's refusal) is fine.
fn print_everywhere(operation: &str, response: &Value) {
    for format in [
        OutputFormat::Json,
        OutputFormat::Text,
        OutputFormat::Table,
        OutputFormat::Yaml,
        OutputFormat::YamlStream,
    ] {
        let _ = Formatter::new(format).format(operation, response);
    }
}

/// STS answers: the XML document, both operations' results read from it, the cache entry
/// AssumeRole writes, and the error reading of the same body.
pub fn sts_xml(data: &[u8]) {
    let ok = answer(200, data);
    if let Ok(root) = sts::document("AssumeRole", &ok) {
        assert!(depth(&root) <= sts::MAX_XML_DEPTH);
        if let Ok(identity) = sts::caller_identity(&root) {
            print_everywhere("GetCallerIdentity", &identity.to_value());
        }
        if let Ok(output) = sts::assume_role_output(&root) {
            let cached = CachedCredentials {
                access_key_id: output.access_key_id,
                secret_access_key: output.secret_access_key,
                session_token: output.session_token,
                expiration: output.expiration,
                account_id: None,
            };
            let user = AssumedRoleUser {
                assumed_role_id: output.assumed_role_id,
                arn: output.arn,
                request_id: output.request_id,
            };
            let written = role::assume_role_document(&cached, &user);
            assert!(
                role::parse(written.as_bytes()).is_some(),
                "awsso cannot read the AssumeRole entry it wrote: {written}"
            );
        }
    }
    for status in [400, 403, 503] {
        let error = sts::document("GetCallerIdentity", &answer(status, data))
            .expect_err("an error status is an error");
        let _ = (error.to_string(), error.exit_code());
    }
    errors(data);
}

/// How deep a parsed element tree nests (walked with a heap stack).
fn depth(root: &sts::XmlNode) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(root, 1)];
    while let Some((node, level)) = stack.pop() {
        deepest = deepest.max(level);
        stack.extend(node.children.iter().map(|child| (child, level + 1)));
    }
    deepest
}

/// A `credential_process`'s stdout.
pub fn credential_process(data: &[u8]) {
    match process::parse_output(data) {
        Ok(output) => {
            if let Some(expiration) = output.expiration {
                let _ = expiration.seconds_after(now());
            }
        }
        Err(e) => {
            let _ = crate::error::Error::from(e).to_string();
        }
    }
}

/// The JMESPath lexer: tokens or a lexer error, and tokens end with `eof` and start inside
/// the expression.
pub fn jmespath_lexer(data: &[u8]) {
    let Ok(expression) = std::str::from_utf8(data) else {
        return;
    };
    match lexer::tokenize(expression) {
        Ok(tokens) => {
            assert_eq!(tokens.last().map(|t| t.kind), Some("eof"));
            let length = expression.chars().count();
            for token in &tokens {
                assert!(token.start <= length, "{token:?} in {expression:?}");
                let _ = token.value.python_str();
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
}

/// The JMESPath parser on the lexer's tokens, and the whole compile.
pub fn jmespath_parser(data: &[u8]) {
    let Ok(expression) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(tokens) = lexer::tokenize(expression) {
        if let Err(e) = parser::parse(expression, tokens) {
            let _ = e.to_string();
        }
    }
    if let Err(e) = Expression::compile(expression) {
        let _ = e.to_string();
    }
}

/// The JMESPath interpreter: the first line is the expression, the rest a JSON document
/// (a fixed one when it is not JSON). A search never panics, and its result prints.
pub fn jmespath_interpreter(data: &[u8]) {
    let (expression, document) = match data.iter().position(|b| *b == b'\n') {
        Some(newline) => (&data[..newline], &data[newline + 1..]),
        None => (data, &b""[..]),
    };
    let Ok(expression) = std::str::from_utf8(expression) else {
        return;
    };
    let Ok(compiled) = Expression::compile(expression) else {
        return;
    };
    let document: Value = serde_json::from_slice(document).unwrap_or_else(|_| {
        serde_json::json!({
            "accountList": [
                {"accountId": "111122223333", "accountName": "Development", "emailAddress": "dev@example.com"},
                {"accountId": "444455556666", "accountName": "Production", "emailAddress": null}
            ],
            "n": [1, -2.5, 1e300, 0], "s": "x", "t": true, "z": null
        })
    });
    match compiled.search(&document) {
        Ok(result) => print_everywhere("ListAccounts", &result),
        Err(e) => {
            let _ = e.to_string();
        }
    }
}

/// The PKCE listener's reading of a raw request head: only a GET of `/oauth/callback`
/// with this login's state gives the code.
pub fn pkce_callback(data: &[u8]) {
    let _ = callback::head_is_complete(data);
    let line = RequestLine::parse(data);
    let outcome = callback::interpret(&line.method, &line.target, "state-1");
    if let Callback::Code(_) = outcome {
        assert_eq!(line.method, "GET");
        assert!(line.target.starts_with("/oauth/callback?"), "{line:?}");
    }
}

/// Replays `data` through the named target; `false` for a name that is no target.
pub fn run(target: &str, data: &[u8]) -> bool {
    match TARGETS.iter().find(|(name, _)| *name == target) {
        Some((_, entry)) => {
            entry(data);
            true
        }
        None => false,
    }
}

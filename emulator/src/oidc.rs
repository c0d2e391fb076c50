//! SSO OIDC (restJson1): RegisterClient, StartDeviceAuthorization, CreateToken with the device
//! code, authorization code (PKCE S256) and refresh token grants; plus the two browser pages a
//! user would see, `/authorize` (sign in and approve, then 302 to the loopback callback) and
//! `/device` (the verification page, where visiting `verificationUriComplete` approves the code).

use std::time::Duration;

use base64::Engine;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::reply::{self, Reply};
use crate::request::{query_pairs, Ctx, Req};
use crate::state::{
    epoch_secs, later, random_token, random_user_code, Approval, AuthCode, Client, DeviceAuth,
    State,
};

pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const KNOWN_GRANTS: [&str; 3] = [DEVICE_GRANT, "authorization_code", "refresh_token"];

/// How long device codes live unless the `device_code_ttl` fault says otherwise ("currently only
/// 10 minutes", as the AWS CLI notes).
const DEVICE_CODE_TTL: Duration = Duration::from_secs(600);
/// How long an authorization code may wait for its CreateToken.
const AUTH_CODE_TTL: Duration = Duration::from_secs(600);

fn invalid_request(description: &str) -> Reply {
    reply::oidc_error(
        400,
        "InvalidRequestException",
        "invalid_request",
        description,
    )
}

fn invalid_client(description: &str) -> Reply {
    reply::oidc_error(401, "InvalidClientException", "invalid_client", description)
}

fn invalid_grant(description: &str) -> Reply {
    reply::oidc_error(400, "InvalidGrantException", "invalid_grant", description)
}

fn unauthorized_client(description: &str) -> Reply {
    reply::oidc_error(
        400,
        "UnauthorizedClientException",
        "unauthorized_client",
        description,
    )
}

/// The request body as a JSON object, or InvalidRequestException.
fn body_object(req: &Req) -> Result<Map<String, Value>, Reply> {
    match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(invalid_request("Request body must be a JSON object")),
    }
}

/// An optional string member; a value of another type is an InvalidRequestException.
fn opt_str<'a>(body: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, Reply> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid_request(&format!("{name} must be a string"))),
    }
}

fn req_str<'a>(body: &'a Map<String, Value>, name: &str) -> Result<&'a str, Reply> {
    match opt_str(body, name)? {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(invalid_request(&format!("{name} is required"))),
    }
}

fn opt_str_list(body: &Map<String, Value>, name: &str) -> Result<Vec<String>, Reply> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                _ => Err(invalid_request(&format!(
                    "{name} must be a list of strings"
                ))),
            })
            .collect(),
        Some(_) => Err(invalid_request(&format!(
            "{name} must be a list of strings"
        ))),
    }
}

/// `POST /client/register`
pub fn register_client(state: &mut State, ctx: &Ctx, req: &Req) -> Reply {
    let result = (|| {
        let body = body_object(req)?;
        req_str(&body, "clientName")?;
        let client_type = req_str(&body, "clientType")?;
        if client_type != "public" {
            return Err(reply::oidc_error(
                400,
                "InvalidClientMetadataException",
                "invalid_client_metadata",
                "Invalid client type: only public clients are supported",
            ));
        }
        let scopes = opt_str_list(&body, "scopes")?;
        let grant_types = opt_str_list(&body, "grantTypes")?;
        if let Some(bad) = grant_types
            .iter()
            .find(|g| !KNOWN_GRANTS.contains(&g.as_str()))
        {
            return Err(reply::oidc_error(
                400,
                "UnsupportedGrantTypeException",
                "unsupported_grant_type",
                &format!("Unsupported grant type: {bad}"),
            ));
        }
        let redirect_uris = opt_str_list(&body, "redirectUris")?;
        for uri in &redirect_uris {
            let ok = url::Url::parse(uri)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
            if !ok {
                return Err(reply::oidc_error(
                    400,
                    "InvalidRedirectUriException",
                    "invalid_redirect_uri",
                    &format!("Invalid redirect URI: {uri}"),
                ));
            }
        }
        if grant_types.iter().any(|g| g == "authorization_code") && redirect_uris.is_empty() {
            return Err(reply::oidc_error(
                400,
                "InvalidRedirectUriException",
                "invalid_redirect_uri",
                "redirectUris are required for the authorization_code grant",
            ));
        }
        let issuer_url = opt_str(&body, "issuerUrl")?.map(str::to_string);
        let client_id = random_token(22);
        let secret = format!(
            "eyJraWQiOiJrZXktZW11bGF0b3IiLCJhbGciOiJIUzM4NCJ9.{}",
            random_token(300)
        );
        let expires_at = later(ctx.now, state.settings.registration_ttl);
        state.clients.insert(
            client_id.clone(),
            Client {
                secret: secret.clone(),
                secret_expires_at: expires_at,
                scopes,
                grant_types,
                redirect_uris,
                issuer_url,
            },
        );
        Ok(reply::json(&json!({
            "clientId": client_id,
            "clientSecret": secret,
            "clientIdIssuedAt": epoch_secs(ctx.now),
            "clientSecretExpiresAt": epoch_secs(expires_at),
        })))
    })();
    result.unwrap_or_else(|e| e)
}

/// The registered client if `clientId`/`clientSecret` are right and the secret has not expired.
fn authenticate<'a>(
    state: &'a State,
    ctx: &Ctx,
    body: &Map<String, Value>,
) -> Result<(&'a str, &'a Client), Reply> {
    let client_id = req_str(body, "clientId")?;
    let secret = req_str(body, "clientSecret")?;
    let (id, client) = state
        .clients
        .get_key_value(client_id)
        .ok_or_else(|| invalid_client("Invalid client provided"))?;
    if client.secret != secret {
        return Err(invalid_client("Invalid client provided"));
    }
    if ctx.now >= client.secret_expires_at {
        return Err(invalid_client("Client secret has expired"));
    }
    Ok((id.as_str(), client))
}

/// A client registered without `grantTypes` may use the device code and refresh grants, as the
/// AWS CLI's device-flow registration relies on; one registered with `grantTypes` only those.
fn allows_grant(client: &Client, grant: &str) -> bool {
    if client.grant_types.is_empty() {
        grant != "authorization_code"
    } else {
        client.grant_types.iter().any(|g| g == grant)
    }
}

/// `POST /device_authorization`
pub fn start_device_authorization(state: &mut State, ctx: &Ctx, req: &Req) -> Reply {
    let result = (|| {
        let body = body_object(req)?;
        let (client_id, client) = authenticate(state, ctx, &body)?;
        let client_id = client_id.to_string();
        if !allows_grant(client, DEVICE_GRANT) {
            return Err(unauthorized_client(
                "Client is not authorized to use the device code grant",
            ));
        }
        let start_url = req_str(&body, "startUrl")?;
        if !url::Url::parse(start_url).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) {
            return Err(invalid_request("Invalid start URL"));
        }
        let ttl = state.faults.device_code_ttl.unwrap_or(DEVICE_CODE_TTL);
        let device_code = random_token(86);
        let user_code = random_user_code();
        let approval = if state.settings.auto_approve {
            Approval::Approved
        } else {
            Approval::Pending
        };
        state.devices.insert(
            device_code.clone(),
            DeviceAuth {
                client_id,
                user_code: user_code.clone(),
                expires_at: later(ctx.now, ttl),
                approval,
                polls: 0,
            },
        );
        let verification_uri = format!("{}/device", ctx.base_url);
        let body = json!({
            "deviceCode": device_code,
            "userCode": user_code,
            "verificationUri": verification_uri,
            "verificationUriComplete": format!("{verification_uri}?user_code={user_code}"),
            "expiresIn": ttl.as_secs_f64().ceil() as u64,
            "interval": state.settings.interval,
        });
        Ok(json_with_raw_expires_in(
            body,
            state.faults.device_expires_in_raw.as_deref(),
        ))
    })();
    result.unwrap_or_else(|e| e)
}

/// `POST /token`
pub fn create_token(state: &mut State, ctx: &Ctx, req: &Req) -> Reply {
    let result = (|| {
        let body = body_object(req)?;
        let (client_id, client) = authenticate(state, ctx, &body)?;
        let client_id = client_id.to_string();
        let client = client.clone();
        let grant = req_str(&body, "grantType")?;
        if !KNOWN_GRANTS.contains(&grant) {
            return Err(reply::oidc_error(
                400,
                "UnsupportedGrantTypeException",
                "unsupported_grant_type",
                &format!("Unsupported grant type: {grant}"),
            ));
        }
        if !allows_grant(&client, grant) {
            return Err(unauthorized_client(&format!(
                "Client is not authorized to use the {grant} grant"
            )));
        }
        match grant {
            DEVICE_GRANT => device_code_grant(state, ctx, &client_id, &client, &body),
            "authorization_code" => {
                authorization_code_grant(state, ctx, &client_id, &client, &body)
            }
            _ => refresh_token_grant(state, ctx, &client_id, &body),
        }
    })();
    result.unwrap_or_else(|e| e)
}

fn token_reply(state: &State, access: String, refresh: Option<String>) -> Reply {
    let mut body = json!({
        "accessToken": access,
        "tokenType": "Bearer",
        "expiresIn": state.settings.token_ttl.as_secs(),
    });
    if let Some(refresh) = refresh {
        body["refreshToken"] = Value::String(refresh);
    }
    json_with_raw_expires_in(body, state.faults.expires_in_raw.as_deref())
}

/// The answer with `expiresIn` replaced by `raw`, verbatim, when a fault gives one. The body
/// is serialised with a `null` there, then the text is spliced in: `"expiresIn":null` can only
/// be that member, as a quote inside a JSON string is always escaped. (serde_json's
/// `arbitrary_precision` would hold any number too, but it would change number handling for
/// every crate in the workspace that shares the build.)
fn json_with_raw_expires_in(mut body: Value, raw: Option<&str>) -> Reply {
    let Some(raw) = raw else {
        return reply::json(&body);
    };
    body["expiresIn"] = Value::Null;
    let text = body
        .to_string()
        .replacen("\"expiresIn\":null", &format!("\"expiresIn\":{raw}"), 1);
    reply::json_text(text)
}

fn device_code_grant(
    state: &mut State,
    ctx: &Ctx,
    client_id: &str,
    client: &Client,
    body: &Map<String, Value>,
) -> Result<Reply, Reply> {
    let device_code = req_str(body, "deviceCode")?;
    let faults = state.faults.clone();
    let device = state
        .devices
        .get_mut(device_code)
        .filter(|d| d.client_id == client_id)
        .ok_or_else(|| invalid_grant("Invalid device code provided"))?;
    if device.approval == Approval::Consumed {
        return Err(invalid_grant("Invalid device code provided"));
    }
    if ctx.now >= device.expires_at {
        return Err(reply::oidc_error(
            400,
            "ExpiredTokenException",
            "expired_token",
            "Device code has expired",
        ));
    }
    device.polls = device.polls.saturating_add(1);
    let polls = device.polls;
    if polls <= faults.pending_polls {
        return Err(pending());
    }
    if polls <= faults.pending_polls.saturating_add(faults.slow_down_polls) {
        return Err(reply::oidc_error(
            400,
            "SlowDownException",
            "slow_down",
            "Client is polling too fast",
        ));
    }
    if faults.deny_device || device.approval == Approval::Denied {
        return Err(reply::oidc_error(
            400,
            "AccessDeniedException",
            "access_denied",
            "Access denied by the user",
        ));
    }
    if device.approval != Approval::Approved {
        return Err(pending());
    }
    device.approval = Approval::Consumed;
    let session = state.new_session();
    let (access, refresh) =
        state.issue_tokens(ctx.now, client_id, session, !client.scopes.is_empty());
    Ok(token_reply(state, access, refresh))
}

/// The real service's answer while the user has not approved (aws/aws-cli#5971).
fn pending() -> Reply {
    reply::oidc_error(
        400,
        "AuthorizationPendingException",
        "authorization_pending",
        "Authorization is still pending",
    )
}

/// PKCE S256: base64url(SHA-256(verifier)) without padding (RFC 7636 4.6).
pub fn s256_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn authorization_code_grant(
    state: &mut State,
    ctx: &Ctx,
    client_id: &str,
    client: &Client,
    body: &Map<String, Value>,
) -> Result<Reply, Reply> {
    let code = req_str(body, "code")?;
    // Single use: the code is gone after the first attempt, whatever its outcome (RFC 6749 4.1.2).
    let stored = state
        .codes
        .remove(code)
        .filter(|c| c.client_id == client_id && ctx.now < c.expires_at)
        .ok_or_else(|| invalid_grant("Invalid authorization code provided"))?;
    let redirect_uri = req_str(body, "redirectUri")?;
    if redirect_uri != stored.redirect_uri {
        return Err(invalid_grant(
            "Redirect URI does not match the authorization request",
        ));
    }
    let verifier = req_str(body, "codeVerifier")?;
    if s256_challenge(verifier) != stored.code_challenge {
        return Err(invalid_grant(
            "Code verifier does not match the code challenge",
        ));
    }
    let session = state.new_session();
    let (access, refresh) =
        state.issue_tokens(ctx.now, client_id, session, !client.scopes.is_empty());
    Ok(token_reply(state, access, refresh))
}

fn refresh_token_grant(
    state: &mut State,
    ctx: &Ctx,
    client_id: &str,
    body: &Map<String, Value>,
) -> Result<Reply, Reply> {
    let token = req_str(body, "refreshToken")?;
    let stored = state
        .refresh_tokens
        .get_mut(token)
        .filter(|t| t.client_id == client_id && !t.revoked)
        .ok_or_else(|| invalid_grant("Invalid refresh token provided"))?;
    if stored.used {
        return Err(invalid_grant("Refresh token has already been used"));
    }
    // Rotation: the old refresh token is spent, a new one comes with the access token.
    stored.used = true;
    let session = stored.session;
    let (access, refresh) = state.issue_tokens(ctx.now, client_id, session, true);
    Ok(token_reply(state, access, refresh))
}

/// Whether `requested` matches a registered redirect URI: same scheme, host and path; a
/// registered URI without a port on a loopback host accepts any port (RFC 8252 7.3), which is
/// how the AWS CLI registers `http://127.0.0.1/oauth/callback`.
fn redirect_uri_matches(registered: &str, requested: &url::Url) -> bool {
    let Ok(registered) = url::Url::parse(registered) else {
        return false;
    };
    if registered.scheme() != requested.scheme()
        || registered.host_str() != requested.host_str()
        || registered.path() != requested.path()
    {
        return false;
    }
    let loopback = matches!(
        registered.host_str(),
        Some("127.0.0.1" | "localhost" | "[::1]")
    );
    match registered.port() {
        None if loopback => true,
        port => port == requested.port(),
    }
}

/// `GET /authorize`: the browser's sign-in page. Approves at once (as a signed-in user clicking
/// Allow) and redirects to the client's loopback callback with `code` and `state`; with the
/// `deny_authorization` fault, with `error=access_denied` and `state`. A malformed request gets
/// a 400 page and no redirect, so a client bug cannot pass for a user's refusal.
pub fn authorize(state: &mut State, ctx: &Ctx, req: &Req) -> Reply {
    let params = query_pairs(&req.query);
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let bad = |message: &str| reply::html(400, "Invalid request", message);
    let Some(client_id) = get("client_id") else {
        return bad("client_id is required");
    };
    let Some(client) = state.clients.get(client_id).cloned() else {
        return bad("Unknown client_id");
    };
    if ctx.now >= client.secret_expires_at {
        return bad("The client registration has expired");
    }
    let Some(redirect_uri) = get("redirect_uri") else {
        return bad("redirect_uri is required");
    };
    let Ok(redirect) = url::Url::parse(redirect_uri) else {
        return bad("redirect_uri is not a valid URL");
    };
    if !client
        .redirect_uris
        .iter()
        .any(|r| redirect_uri_matches(r, &redirect))
    {
        return bad("redirect_uri does not match a registered redirect URI");
    }
    if get("response_type") != Some("code") {
        return bad("response_type must be code");
    }
    if !allows_grant(&client, "authorization_code") {
        return bad("The client is not registered for the authorization_code grant");
    }
    if get("code_challenge_method") != Some("S256") {
        return bad("code_challenge_method must be S256");
    }
    let challenge = match get("code_challenge") {
        Some(c) if !c.is_empty() => c.to_string(),
        _ => return bad("code_challenge is required"),
    };
    // The parameter is `scopes` (plural, space separated), not OAuth's `scope`.
    let scopes: Vec<&str> = get("scopes")
        .unwrap_or_default()
        .split(' ')
        .filter(|s| !s.is_empty())
        .collect();
    if scopes.is_empty() {
        return bad("scopes is required");
    }
    if let Some(unknown) = scopes
        .iter()
        .find(|s| !client.scopes.iter().any(|r| r == *s))
    {
        return bad(&format!("Scope {unknown} was not registered by the client"));
    }
    let state_param = get("state").unwrap_or_default().to_string();
    let back = |pairs: &[(&str, &str)]| {
        let mut target = redirect.clone();
        {
            let mut query = target.query_pairs_mut();
            for (k, v) in pairs {
                query.append_pair(k, v);
            }
        }
        reply::redirect(target.as_str())
    };
    if state.faults.deny_authorization {
        return back(&[("error", "access_denied"), ("state", &state_param)]);
    }
    let code = random_token(64);
    state.codes.insert(
        code.clone(),
        AuthCode {
            client_id: client_id.to_string(),
            redirect_uri: redirect_uri.to_string(),
            code_challenge: challenge,
            expires_at: later(ctx.now, AUTH_CODE_TTL),
        },
    );
    back(&[("code", &code), ("state", &state_param)])
}

/// `GET /device`: the verification page. With `user_code` it approves that code, as a user
/// who checks the code and clicks Allow; without, it shows where to type one.
pub fn device_page(state: &mut State, ctx: &Ctx, req: &Req) -> Reply {
    let params = query_pairs(&req.query);
    let user_code = params
        .iter()
        .find(|(k, _)| k == "user_code")
        .map(|(_, v)| v.trim().to_ascii_uppercase())
        .unwrap_or_default();
    if user_code.is_empty() {
        return reply::html(
            200,
            "Authorize request",
            "Open this page with ?user_code=XXXX-XXXX to approve a device code.",
        );
    }
    let deny = state.faults.deny_device;
    let Some(device) = state
        .devices
        .values_mut()
        .find(|d| d.user_code == user_code)
    else {
        return reply::html(404, "Invalid code", "That code is not valid.");
    };
    if ctx.now >= device.expires_at {
        return reply::html(400, "Code expired", "That code has expired.");
    }
    match device.approval {
        Approval::Pending if deny => {
            device.approval = Approval::Denied;
            reply::html(200, "Request denied", "You denied access.")
        }
        Approval::Pending => {
            device.approval = Approval::Approved;
            reply::html(200, "Request approved", "You can close this window.")
        }
        Approval::Denied => reply::html(200, "Request denied", "You denied access."),
        Approval::Approved | Approval::Consumed => {
            reply::html(200, "Request approved", "You can close this window.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_rfc_7636_appendix_b() {
        assert_eq!(
            s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn loopback_redirect_without_port_accepts_any_port() {
        let req = |s: &str| url::Url::parse(s).unwrap();
        let registered = "http://127.0.0.1/oauth/callback";
        assert!(redirect_uri_matches(
            registered,
            &req("http://127.0.0.1:53211/oauth/callback")
        ));
        assert!(redirect_uri_matches(
            registered,
            &req("http://127.0.0.1/oauth/callback")
        ));
        assert!(!redirect_uri_matches(
            registered,
            &req("http://127.0.0.1:5/other")
        ));
        assert!(!redirect_uri_matches(
            registered,
            &req("http://evil.example/oauth/callback")
        ));
        assert!(!redirect_uri_matches(
            registered,
            &req("https://127.0.0.1:5/oauth/callback")
        ));
        let with_port = "http://127.0.0.1:8080/oauth/callback";
        assert!(redirect_uri_matches(
            with_port,
            &req("http://127.0.0.1:8080/oauth/callback")
        ));
        assert!(!redirect_uri_matches(
            with_port,
            &req("http://127.0.0.1:8081/oauth/callback")
        ));
        assert!(!redirect_uri_matches(
            "https://example.com/cb",
            &req("https://example.com:444/cb")
        ));
    }
}

//! The SSO portal (restJson1, unsigned, bearer token in `x-amz-sso_bearer_token`):
//! GetRoleCredentials, ListAccounts, ListAccountRoles (paginated with `next_token`/`max_result`)
//! and Logout.

use std::ops::Range;

use base64::Engine;
use serde_json::{json, Value};

use crate::reply::{self, Reply};
use crate::request::{query_pairs, Ctx, Req};
use crate::state::{epoch_millis, State};

const TOKEN_HEADER: &str = "x-amz-sso_bearer_token";

fn invalid_request(message: &str) -> Reply {
    reply::portal_error(400, "InvalidRequestException", message)
}

/// The session of the request's bearer token, or the 401 the portal gives for anything else.
fn session(state: &State, ctx: &Ctx, req: &Req) -> Result<u64, Reply> {
    let token = req.header(TOKEN_HEADER).unwrap_or_default();
    state
        .valid_access_token(token, ctx.now)
        .map(|t| t.session)
        .ok_or_else(reply::unauthorized)
}

fn param(params: &[(String, String)], name: &str) -> Option<String> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

/// `GET /federation/credentials?role_name=..&account_id=..`
pub fn get_role_credentials(state: &mut State, ctx: &Ctx, req: &Req) -> Reply {
    if let Err(reply) = session(state, ctx, req) {
        return reply;
    }
    let params = query_pairs(&req.query);
    let (Some(role), Some(account)) = (param(&params, "role_name"), param(&params, "account_id"))
    else {
        return invalid_request("role_name and account_id are required");
    };
    if !state.is_assigned(&account, &role) {
        // What the real portal answers for a role the user is not assigned (widely reported).
        return reply::portal_error(403, "ForbiddenException", "No access");
    }
    let (arn, user_id) = state.directory.sso_role_identity(&account, &role);
    let ttl = state.settings.credentials_ttl;
    let creds = state.issue_credentials(ctx.now, ttl, arn, user_id, account);
    reply::json(&json!({
        "roleCredentials": {
            "accessKeyId": creds.access_key_id,
            "secretAccessKey": creds.secret_access_key,
            "sessionToken": creds.session_token,
            "expiration": creds.expiration.map(epoch_millis),
        }
    }))
}

/// The page of a list of `len` items that the request asks for: `(range, next_token)`.
/// Only the page's items are then built, so each call costs O(page), and following every
/// next token of a 5,000-account list stays linear in total. Tokens are opaque to clients;
/// they name the list they belong to, so a token from another list is refused like a forged
/// one.
fn paginate(
    len: usize,
    list: &str,
    page_size: usize,
    params: &[(String, String)],
) -> Result<(Range<usize>, Option<String>), Reply> {
    let limit = match param(params, "max_result") {
        None => page_size,
        Some(text) => match text.parse::<usize>() {
            Ok(n @ 1..=100) => n.min(page_size),
            _ => return Err(invalid_request("max_result must be between 1 and 100")),
        },
    };
    let limit = limit.max(1);
    let offset = match param(params, "next_token") {
        None => 0,
        Some(token) => decode_token(&token, list)
            .filter(|o| *o < len)
            .ok_or_else(|| invalid_request("Invalid next token"))?,
    };
    let end = offset.saturating_add(limit).min(len);
    let next = (end < len).then(|| encode_token(list, end));
    Ok((offset..end, next))
}

fn encode_token(list: &str, offset: usize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{list}#{offset}"))
}

fn decode_token(token: &str, list: &str) -> Option<usize> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (name, offset) = text.rsplit_once('#')?;
    (name == list).then(|| offset.parse().ok())?
}

fn with_next(mut body: Value, next: Option<String>) -> Value {
    if let (Some(next), Value::Object(map)) = (next, &mut body) {
        // nextToken comes first in the model's output shape.
        let mut ordered = serde_json::Map::new();
        ordered.insert("nextToken".into(), Value::String(next));
        ordered.append(map);
        return Value::Object(ordered);
    }
    body
}

/// `GET /assignment/accounts`
pub fn list_accounts(state: &mut State, ctx: &Ctx, req: &Req) -> Reply {
    if let Err(reply) = session(state, ctx, req) {
        return reply;
    }
    let params = query_pairs(&req.query);
    let accounts = &state.directory.accounts;
    match paginate(
        accounts.len(),
        "accounts",
        state.settings.page_size,
        &params,
    ) {
        Ok((range, next)) => {
            let page: Vec<Value> = accounts[range]
                .iter()
                .map(|a| {
                    json!({
                        "accountId": a.account_id,
                        "accountName": a.account_name,
                        "emailAddress": a.email_address,
                    })
                })
                .collect();
            reply::json(&with_next(json!({ "accountList": page }), next))
        }
        Err(reply) => reply,
    }
}

/// `GET /assignment/roles?account_id=..`
pub fn list_account_roles(state: &mut State, ctx: &Ctx, req: &Req) -> Reply {
    if let Err(reply) = session(state, ctx, req) {
        return reply;
    }
    let params = query_pairs(&req.query);
    let Some(account_id) = param(&params, "account_id") else {
        return invalid_request("account_id is required");
    };
    let Some(account) = state.account(&account_id) else {
        return reply::portal_error(403, "ForbiddenException", "No access");
    };
    let list = format!("roles/{account_id}");
    match paginate(
        account.roles.len(),
        &list,
        state.settings.page_size,
        &params,
    ) {
        Ok((range, next)) => {
            let page: Vec<Value> = account.roles[range]
                .iter()
                .map(|r| json!({"roleName": r, "accountId": account.account_id}))
                .collect();
            reply::json(&with_next(json!({ "roleList": page }), next))
        }
        Err(reply) => reply,
    }
}

/// `POST /logout`: ends the token's session (its access and refresh tokens); 200, empty body.
pub fn logout(state: &mut State, ctx: &Ctx, req: &Req) -> Reply {
    match session(state, ctx, req) {
        Ok(session) => {
            state.end_session(session);
            reply::empty_ok()
        }
        Err(reply) => reply,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn pages_follow_next_tokens_to_the_end() {
        let (page, next) = paginate(5, "l", 2, &[]).unwrap();
        assert_eq!(page, 0..2);
        let (page, next) = paginate(5, "l", 2, &params(&[("next_token", &next.unwrap())])).unwrap();
        assert_eq!(page, 2..4);
        let (page, next) = paginate(5, "l", 2, &params(&[("next_token", &next.unwrap())])).unwrap();
        assert_eq!((page, next), (4..5, None));
    }

    #[test]
    fn max_result_limits_the_page_and_bad_input_is_refused() {
        let (page, next) = paginate(3, "l", 2, &params(&[("max_result", "1")])).unwrap();
        assert_eq!(page, 0..1);
        assert!(next.is_some());
        for bad in ["0", "101", "x", "-1"] {
            assert!(paginate(3, "l", 2, &params(&[("max_result", bad)])).is_err());
        }
        for bad in [
            "garbage",
            &encode_token("other", 1),
            &encode_token("l", 3),
            "@@@",
        ] {
            assert!(paginate(3, "l", 2, &params(&[("next_token", bad)])).is_err());
        }
        let (page, next) = paginate(0, "l", 2, &[]).unwrap();
        assert_eq!((page, next), (0..0, None));
    }
}

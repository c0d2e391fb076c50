//! STS (awsQuery: form-encoded parameters in, XML out): GetCallerIdentity and AssumeRole, each
//! request authenticated by verifying its SigV4 signature against the credentials the emulator
//! issued or knows, with AWS's error codes and statuses.

use std::time::{Duration, SystemTime};

use chrono::{NaiveDateTime, TimeZone, Utc};

use crate::directory::assumed_role_identity;
use crate::reply::{self, xml_escape, Reply};
use crate::request::{query_pairs, Ctx, Req};
use crate::sigv4;
use crate::state::{iso8601, IssuedCredentials, State};

/// How far the request time may be from the server's (AWS allows 15 minutes).
const MAX_SKEW: Duration = Duration::from_secs(15 * 60);

const INVALID_TOKEN: &str = "The security token included in the request is invalid";
const EXPIRED_TOKEN: &str = "The security token included in the request is expired";
const SIGNATURE_MISMATCH: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/// The awsQuery parameters of a request: the URL query, then a form body.
pub fn params(req: &Req) -> Vec<(String, String)> {
    let mut params = query_pairs(&req.query);
    if req.method == "POST" {
        params.extend(
            url::form_urlencoded::parse(&req.body).map(|(k, v)| (k.into_owned(), v.into_owned())),
        );
    }
    params
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `POST /` (or `GET /?Action=..`) with an awsQuery action.
pub fn handle(state: &mut State, ctx: &Ctx, req: &Req) -> Reply {
    let error = |status: u16, code: &str, message: &str| {
        reply::sts_error(status, code, message, &ctx.request_id)
    };
    let caller = match authenticate(state, ctx, req) {
        Ok(caller) => caller,
        Err((status, code, message)) => return error(status, code, &message),
    };
    let params = params(req);
    match param(&params, "Action") {
        None => error(400, "MissingAction", "Missing Action"),
        Some("GetCallerIdentity") => {
            let result = format!(
                "    <Arn>{}</Arn>\n    <UserId>{}</UserId>\n    <Account>{}</Account>\n",
                xml_escape(&caller.arn),
                xml_escape(&caller.user_id),
                xml_escape(&caller.account)
            );
            reply::sts_result("GetCallerIdentity", &result, &ctx.request_id)
        }
        Some("AssumeRole") => match assume_role(state, ctx, &caller, &params) {
            Ok(result) => reply::sts_result("AssumeRole", &result, &ctx.request_id),
            Err(message) => error(400, "ValidationError", &message),
        },
        Some(other) => error(
            400,
            "InvalidAction",
            &format!("Could not find operation {other} for version 2011-06-15"),
        ),
    }
}

type AuthError = (u16, &'static str, String);

/// The credentials that signed the request, after checking them and the signature as STS does:
/// key known, session token matching, not expired, scope and date right, signature equal.
fn authenticate(state: &State, ctx: &Ctx, req: &Req) -> Result<IssuedCredentials, AuthError> {
    let mismatch = |message: String| (403, "SignatureDoesNotMatch", message);
    let incomplete = |message: String| (400, "IncompleteSignature", message);
    let Some(header) = req.header("authorization") else {
        return Err((
            403,
            "MissingAuthenticationToken",
            "Request is missing Authentication Token".into(),
        ));
    };
    let auth = sigv4::parse_authorization(header).map_err(incomplete)?;
    let Some(creds) = state.credentials.get(&auth.access_key_id) else {
        return Err((403, "InvalidClientTokenId", INVALID_TOKEN.into()));
    };
    if req.header("x-amz-security-token") != creds.session_token.as_deref() {
        return Err((403, "InvalidClientTokenId", INVALID_TOKEN.into()));
    }
    if creds.expiration.is_some_and(|e| ctx.now >= e) {
        return Err((403, "ExpiredToken", EXPIRED_TOKEN.into()));
    }
    let Some(amz_date) = req.header("x-amz-date") else {
        return Err(incomplete(format!(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization={header}"
        )));
    };
    let Some(signed_at) = parse_amz_date(amz_date) else {
        return Err(incomplete(format!("Invalid X-Amz-Date: {amz_date}")));
    };
    if auth.date != amz_date[..8] {
        return Err(mismatch(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}', from '{amz_date}'.",
            auth.date,
            &amz_date[..8]
        )));
    }
    if auth.service != "sts" {
        return Err(mismatch(
            "Credential should be scoped to correct service: 'sts'. ".into(),
        ));
    }
    if auth.terminator != "aws4_request" {
        return Err(mismatch(format!(
            "Credential should be scoped with a valid terminator: 'aws4_request', not '{}'.",
            auth.terminator
        )));
    }
    if auth.region.is_empty()
        || !auth
            .region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(mismatch(
            "Credential should be scoped to a valid region. ".into(),
        ));
    }
    let skew = match ctx.now.duration_since(signed_at) {
        Ok(d) => d,
        Err(e) => e.duration(),
    };
    if skew > MAX_SKEW {
        let now = iso_basic(ctx.now);
        return Err(mismatch(format!(
            "Signature expired: {amz_date} is now earlier than {} ({now} - 15 min.)",
            iso_basic(ctx.now.checked_sub(MAX_SKEW).unwrap_or(ctx.now))
        )));
    }
    if !auth.signed_headers.iter().any(|h| h == "host") {
        return Err(mismatch(
            "'Host' must be a 'SignedHeader' in the AWS Authorization.".into(),
        ));
    }
    let payload_hash = sigv4::sha256_hex(&req.body);
    let creq = sigv4::canonical_request(
        &req.method,
        &req.path,
        &req.query,
        &req.headers,
        &auth.signed_headers,
        &payload_hash,
    );
    let to_sign = sigv4::string_to_sign(amz_date, &auth.scope(), &creq);
    let expected = sigv4::signature(
        &creds.secret_access_key,
        &auth.date,
        &auth.region,
        &auth.service,
        &to_sign,
    );
    if !sigv4::signatures_equal(&expected, &auth.signature) {
        return Err(mismatch(SIGNATURE_MISMATCH.into()));
    }
    Ok(creds.clone())
}

/// `YYYYMMDDTHHMMSSZ`
fn parse_amz_date(text: &str) -> Option<SystemTime> {
    if text.len() != 16 || !text.is_ascii() {
        return None;
    }
    let naive = NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M%SZ").ok()?;
    Some(Utc.from_utc_datetime(&naive).into())
}

fn iso_basic(t: SystemTime) -> String {
    let dt: chrono::DateTime<Utc> = t.into();
    dt.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Validates an AssumeRole call and issues the session; the error is a ValidationError message.
fn assume_role(
    state: &mut State,
    ctx: &Ctx,
    caller: &IssuedCredentials,
    params: &[(String, String)],
) -> Result<String, String> {
    let null = |member: &str| {
        format!("1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null")
    };
    let role_arn = param(params, "RoleArn").ok_or_else(|| null("roleArn"))?;
    let session = param(params, "RoleSessionName").ok_or_else(|| null("roleSessionName"))?;
    let (account, role_name) =
        parse_role_arn(role_arn).ok_or_else(|| format!("{role_arn} is invalid"))?;
    let session_ok = (2..=64).contains(&session.len())
        && session
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b));
    if !session_ok {
        return Err(format!(
            "1 validation error detected: Value '{session}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"
        ));
    }
    let duration = match param(params, "DurationSeconds") {
        None => 3600,
        Some(text) => text.parse::<u64>().map_err(|_| {
            format!("1 validation error detected: Value '{text}' at 'durationSeconds' failed to satisfy constraint: Member must be a number")
        })?,
    };
    if duration < 900 {
        return Err(format!(
            "1 validation error detected: Value '{duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"
        ));
    }
    // A role session assuming another role is role chaining, capped at one hour.
    if caller.session_token.is_some() && duration > 3600 {
        return Err("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.".into());
    }
    if duration > 43200 {
        return Err(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
                .into(),
        );
    }
    let (arn, user_id) = assumed_role_identity(&account, &role_name, session);
    let creds = state.issue_credentials(
        ctx.now,
        Duration::from_secs(duration),
        arn,
        user_id,
        account,
    );
    if caller.session_token.is_some() {
        state.role_chained.insert(creds.access_key_id.clone());
    }
    let expiration = creds.expiration.map(iso8601).unwrap_or_default();
    Ok(format!(
        "    <Credentials>\n      <AccessKeyId>{}</AccessKeyId>\n      <SecretAccessKey>{}</SecretAccessKey>\n      <SessionToken>{}</SessionToken>\n      <Expiration>{}</Expiration>\n    </Credentials>\n    <AssumedRoleUser>\n      <AssumedRoleId>{}</AssumedRoleId>\n      <Arn>{}</Arn>\n    </AssumedRoleUser>\n",
        xml_escape(&creds.access_key_id),
        xml_escape(&creds.secret_access_key),
        xml_escape(creds.session_token.as_deref().unwrap_or_default()),
        expiration,
        xml_escape(&creds.user_id),
        xml_escape(&creds.arn),
    ))
}

/// `arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME` → `(account, name)`.
fn parse_role_arn(arn: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [scheme, partition, service, region, account, resource] = parts[..] else {
        return None;
    };
    let name = resource.strip_prefix("role/")?.rsplit('/').next()?;
    let valid = scheme == "arn"
        && partition.starts_with("aws")
        && service == "iam"
        && region.is_empty()
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b));
    valid.then(|| (account.to_string(), name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns() {
        assert_eq!(
            parse_role_arn("arn:aws:iam::123456789012:role/path/to/Deploy"),
            Some(("123456789012".into(), "Deploy".into()))
        );
        assert_eq!(
            parse_role_arn("arn:aws:iam::123456789012:role/Deploy"),
            Some(("123456789012".into(), "Deploy".into()))
        );
        for bad in [
            "",
            "arn:aws:iam::1234:role/x",
            "arn:aws:iam::123456789012:user/x",
            "arn:aws:s3::123456789012:role/x",
            "arn:aws:iam::123456789012:role/",
            "arn:aws:iam:us-east-1:123456789012:role/x",
        ] {
            assert_eq!(parse_role_arn(bad), None, "{bad}");
        }
    }

    #[test]
    fn amz_dates() {
        let t = parse_amz_date("20150830T123600Z").unwrap();
        assert_eq!(iso_basic(t), "20150830T123600Z");
        assert!(parse_amz_date("2015-08-30").is_none());
        assert!(parse_amz_date("20150830T12360ZZ").is_none());
        assert!(parse_amz_date("2015083ሴ123600Z").is_none());
    }
}

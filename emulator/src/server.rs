//! The HTTP front: one handler takes every request, records it, applies the faults, routes it
//! by method and path to OIDC, the portal, STS or a browser page, and stamps
//! `x-amzn-RequestId` on the answer. Routing by path lets one port serve all three services,
//! as their paths do not collide.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Instant, SystemTime};

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State as AxumState};
use axum::http::HeaderValue;
use axum::Router;

use crate::reply::{self, Reply};
use crate::request::{Ctx, Req};
use crate::state::{State, TokenBucket};
use crate::{federation, oidc, portal, sts, RecordedRequest};

/// Bodies larger than this are refused with 413 before anything parses them.
pub const MAX_BODY: usize = 1024 * 1024;

pub(crate) struct Shared {
    state: Mutex<State>,
    pub base_url: String,
}

impl Shared {
    pub fn new(state: State, base_url: String) -> Shared {
        Shared {
            state: Mutex::new(state),
            base_url,
        }
    }

    /// The state; a panic elsewhere while it was held does not make it unusable.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Service {
    Oidc,
    Portal,
    Sts,
    /// The console sign-in federation endpoint's getSigninToken.
    Signin,
    /// Browser pages and the index: faults other than the delay leave them alone.
    Page,
}

type Handler = fn(&mut State, &Ctx, &Req) -> Reply;

/// Where a request goes.
struct Route {
    service: Service,
    handler: Handler,
    /// ListAccounts or ListAccountRoles, which `faults.list_rate` limits.
    list: bool,
}

fn route(method: &str, path: &str, query: &str) -> Option<Route> {
    let found: (Service, Handler) = match (method, path) {
        ("POST", "/client/register") => (Service::Oidc, oidc::register_client),
        ("POST", "/device_authorization") => (Service::Oidc, oidc::start_device_authorization),
        ("POST", "/token") => (Service::Oidc, oidc::create_token),
        ("GET", "/authorize") => (Service::Page, oidc::authorize),
        ("GET", "/device") => (Service::Page, oidc::device_page),
        ("GET", "/federation/credentials") => (Service::Portal, portal::get_role_credentials),
        ("GET", "/assignment/accounts") => (Service::Portal, portal::list_accounts),
        ("GET", "/assignment/roles") => (Service::Portal, portal::list_account_roles),
        ("POST", "/logout") => (Service::Portal, portal::logout),
        // A browser following a console sign-in URL.
        ("GET", "/federation") if federation::is_login(query) => {
            (Service::Page, federation::handle)
        }
        ("GET" | "POST", "/federation") => (Service::Signin, federation::handle),
        ("GET", "/") if query.is_empty() => (Service::Page, index),
        ("POST" | "GET", "/") => (Service::Sts, sts::handle),
        _ => return None,
    };
    let (service, handler) = found;
    let list = matches!(path, "/assignment/accounts" | "/assignment/roles");
    Some(Route {
        service,
        handler,
        list,
    })
}

fn index(_: &mut State, ctx: &Ctx, _: &Req) -> Reply {
    reply::html(
        200,
        "awsso-emulator",
        &format!(
            "SSO OIDC, SSO portal and STS for tests. Point clients at it with AWS_ENDPOINT_URL={}",
            ctx.base_url
        ),
    )
}

fn unknown_operation() -> Reply {
    reply::portal_error(404, "UnknownOperationException", "Unknown operation")
}

fn portal_throttled() -> Reply {
    reply::portal_error(429, "TooManyRequestsException", "Rate exceeded")
}

/// Counts a list call, and refuses it if `faults.list_rate` has no token left for it.
fn limit_list_call(state: &mut State) -> Option<Reply> {
    match state.faults.list_rate {
        None => state.list_bucket = None,
        Some(rate) => {
            let now = Instant::now();
            let bucket = match &mut state.list_bucket {
                Some(bucket) if bucket.rate == rate => bucket,
                slot => slot.insert(TokenBucket::new(rate, now)),
            };
            if !bucket.take(now) {
                state.list_throttled += 1;
                return Some(portal_throttled());
            }
        }
    }
    state.list_served += 1;
    None
}

/// The answer a fault gives instead of the service's, if one is due.
fn fault_reply(state: &mut State, service: Service, request_id: &str) -> Option<Reply> {
    if service == Service::Page {
        return None;
    }
    if !state.faults.raw_next.is_empty() {
        return Some(reply::raw(state.faults.raw_next.remove(0)));
    }
    if !state.faults.fail_next.is_empty() {
        let status = state.faults.fail_next.remove(0);
        return Some(match (status, service) {
            (500, Service::Oidc) => reply::oidc_error(
                500,
                "InternalServerException",
                "server_error",
                "An internal server error occurred",
            ),
            (500, Service::Portal) => reply::portal_error(
                500,
                "InternalServerException",
                "An internal server error occurred",
            ),
            (500, Service::Sts) => reply::sts_error(
                500,
                "InternalFailure",
                "The request processing has failed because of an unknown error, exception or failure.",
                request_id,
            ),
            (status, _) => reply::bare(status),
        });
    }
    if state.faults.throttle_next > 0 {
        state.faults.throttle_next -= 1;
        return Some(match service {
            // OIDC models no TooManyRequests; SlowDownException is its throttling error
            // (RFC 8628 slow_down), sent as 429 so generic retry logic sees throttling.
            Service::Oidc => {
                reply::oidc_error(429, "SlowDownException", "slow_down", "Rate exceeded")
            }
            Service::Portal => portal_throttled(),
            // The sign-in site is no AWS API and models no throttling: a bare 429.
            Service::Signin => reply::bare(429),
            // STS throttles with a 400 `Throttling` Sender error, "Rate exceeded".
            _ => reply::sts_error(400, "Throttling", "Rate exceeded", request_id),
        });
    }
    None
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(dispatch).with_state(shared)
}

async fn dispatch(AxumState(shared): AxumState<Arc<Shared>>, request: Request) -> Reply {
    let request_id = uuid::Uuid::new_v4().to_string();
    let mut response = answer(&shared, request, &request_id).await;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-amzn-RequestId", value);
    }
    response
}

async fn answer(shared: &Shared, request: Request, request_id: &str) -> Reply {
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(Body::new(body), MAX_BODY).await else {
        return reply::bare(413);
    };
    let req = Req {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or_default().to_string(),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
    };
    let delay = {
        let mut state = shared.lock();
        state.requests.push(RecordedRequest {
            method: req.method.clone(),
            path: req.path.clone(),
            query: req.query.clone(),
            headers: req.headers.clone(),
            body: String::from_utf8_lossy(&req.body).into_owned(),
        });
        state.faults.delay
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let Some(route) = route(&req.method, &req.path, &req.query) else {
        return unknown_operation();
    };
    let mut state = shared.lock();
    if let Some(reply) = fault_reply(&mut state, route.service, request_id) {
        return reply;
    }
    if route.list {
        if let Some(reply) = limit_list_call(&mut state) {
            return reply;
        }
    }
    let ctx = Ctx {
        now: SystemTime::now(),
        request_id: request_id.to_string(),
        base_url: shared.base_url.clone(),
    };
    (route.handler)(&mut state, &ctx, &req)
}

//! Hostile answers for client hardening: raw `expiresIn` numbers, and `raw_next` answers with
//! given, huge, endless or deeply nested bodies, streamed without the emulator holding them.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use awsso_emulator::{Body, Emulator, Faults, Options, RawAnswer};
use serde_json::json;

use crate::support::*;

#[test]
fn expires_in_raw_is_sent_verbatim_by_every_create_token_grant() {
    let emu = Emulator::start(Options::default().auto_approve(true));
    for raw in [
        "1e15",
        "9223372036854775807",
        "18446744073709551615",
        "-1",
        "0.5",
        "\"3600\"",
    ] {
        emu.set_faults(|f| f.expires_in_raw = Some(raw.to_string()));
        let reg = register(emu.url(), &["sso:account:access"]);
        let device = start_device(emu.url(), &reg);
        let response = poll(emu.url(), &reg, device["deviceCode"].as_str().unwrap());
        assert_eq!(response.status, 200, "{response:?}");
        assert!(
            response.body.contains(&format!("\"expiresIn\":{raw}")),
            "{raw}: {}",
            response.body
        );
        // The rest stays valid: the token works, its refresh token too.
        let tokens = response.json();
        assert_eq!(tokens["tokenType"], "Bearer");
        let access = tokens["accessToken"].as_str().unwrap();
        assert_eq!(
            portal_get(emu.url(), "/assignment/accounts", access).status,
            200
        );
        let refreshed = post_json(
            emu.url(),
            "/token",
            &reg.with(
                json!({"grantType": "refresh_token", "refreshToken": tokens["refreshToken"]}),
            ),
        );
        assert!(
            refreshed.body.contains(&format!("\"expiresIn\":{raw}")),
            "{}",
            refreshed.body
        );
        // Device authorization is untouched by this fault.
        assert_eq!(device["expiresIn"], 600);
    }
}

#[test]
fn device_expires_in_raw_changes_only_the_reported_lifetime() {
    let emu = Emulator::start(Options::default().auto_approve(true).faults(Faults {
        device_expires_in_raw: Some("18446744073709551615".into()),
        ..Faults::default()
    }));
    let reg = register(emu.url(), &[]);
    let response = post_json(
        emu.url(),
        "/device_authorization",
        &reg.with(json!({"startUrl": START_URL})),
    );
    assert_eq!(response.status, 200);
    assert!(
        response
            .body
            .contains("\"expiresIn\":18446744073709551615,"),
        "{}",
        response.body
    );
    let device = response.json();
    assert_eq!(device["interval"], 1);
    let tokens = poll(emu.url(), &reg, device["deviceCode"].as_str().unwrap());
    assert_eq!(tokens.status, 200);
    assert_eq!(tokens.json()["expiresIn"], 28800);
}

#[test]
fn raw_next_answers_verbatim_once_each_then_the_service_returns() {
    let emu = Emulator::start(Options::default());
    let token = emu.issue_token_for_tests();
    emu.set_faults(|f| {
        f.raw_next = vec![
            RawAnswer::json(200, "{\"accountList\": [tru"),
            RawAnswer::xml(403, "<ErrorResponse><Error><Code>Odd</Code>")
                .header("x-amzn-ErrorType", "OddException"),
            RawAnswer::bytes(502, "text/html", "<html>bad gateway</html>").without_content_type(),
        ]
    });
    let truncated = portal_get(emu.url(), "/assignment/accounts", &token);
    assert_eq!(
        (
            truncated.status,
            truncated.header("content-type"),
            truncated.body.as_str()
        ),
        (200, Some("application/json"), "{\"accountList\": [tru")
    );
    assert!(truncated.header("x-amzn-RequestId").is_some());
    // Browser pages are not API requests: the next answer waits.
    assert_eq!(get(emu.url(), "/device", &[]).status, 200);
    let odd = sts_post(emu.url(), &static_user(), GET_CALLER_IDENTITY);
    assert_eq!(odd.status, 403);
    assert_eq!(odd.header("x-amzn-ErrorType"), Some("OddException"));
    assert_eq!(odd.header("content-type"), Some("text/xml"));
    assert_eq!(odd.body, "<ErrorResponse><Error><Code>Odd</Code>");
    let bare = post_json(
        emu.url(),
        "/client/register",
        &json!({"clientName": "c", "clientType": "public"}),
    );
    assert_eq!(
        (bare.status, bare.header("content-type"), bare.body.as_str()),
        (502, None, "<html>bad gateway</html>")
    );
    assert!(emu.faults().raw_next.is_empty());
    assert_eq!(
        portal_get(emu.url(), "/assignment/accounts", &token).status,
        200
    );
    // A raw answer comes before the other scripted faults.
    emu.set_faults(|f| {
        f.fail_next = vec![500];
        f.raw_next = vec![RawAnswer::json(418, "{}")];
    });
    assert_eq!(
        portal_get(emu.url(), "/assignment/accounts", &token).status,
        418
    );
    assert_eq!(
        portal_get(emu.url(), "/assignment/accounts", &token).status,
        500
    );
}

/// A response whose body is read as it streams.
struct Streaming {
    status: u16,
    headers: Vec<(String, String)>,
    reader: BufReader<TcpStream>,
}

impl Streaming {
    fn get(url: &str, target: &str) -> Streaming {
        let mut stream = TcpStream::connect(url.strip_prefix("http://").unwrap()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        write!(
            stream,
            "GET {target} HTTP/1.1\r\nHost: x\r\nx-amz-sso_bearer_token: t\r\n\r\n"
        )
        .unwrap();
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let status = line.split(' ').nth(1).unwrap().parse().unwrap();
        let mut headers = Vec::new();
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            let Some((name, value)) = line.trim_end().split_once(':') else {
                break;
            };
            headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
        }
        Streaming {
            status,
            headers,
            reader,
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Reads up to `limit` body bytes (de-chunking if needed), handing each piece to `see`;
    /// returns how many were read.
    fn read_body(&mut self, limit: u64, mut see: impl FnMut(&[u8])) -> u64 {
        let chunked = self.header("transfer-encoding") == Some("chunked");
        let length = self
            .header("content-length")
            .map(|l| l.parse::<u64>().unwrap());
        let limit = limit.min(length.unwrap_or(u64::MAX));
        let mut buf = vec![0u8; 64 * 1024];
        let mut read = 0u64;
        let mut in_chunk = u64::MAX;
        while read < limit {
            if chunked && (in_chunk == 0 || in_chunk == u64::MAX) {
                let mut line = String::new();
                if in_chunk == 0 {
                    self.reader.read_line(&mut line).unwrap(); // CRLF after data
                    line.clear();
                }
                self.reader.read_line(&mut line).unwrap();
                in_chunk = u64::from_str_radix(line.trim(), 16).unwrap();
                if in_chunk == 0 {
                    return read;
                }
            }
            let want = buf.len().min(in_chunk.min(limit - read) as usize);
            let n = self.reader.read(&mut buf[..want]).unwrap();
            if n == 0 {
                return read;
            }
            see(&buf[..n]);
            read += n as u64;
            if chunked {
                in_chunk -= n as u64;
            }
        }
        read
    }
}

/// Resident memory of this process (the emulator runs in it), in KiB.
fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_huge_body_streams_with_its_length_and_little_memory() {
    const TOTAL: u64 = 128 << 20;
    let emu = Emulator::start(Options::default());
    emu.set_faults(|f| f.raw_next = vec![RawAnswer::repeat(200, "application/json", b"[{", TOTAL)]);
    let before = resident_kib();
    let mut response = Streaming::get(emu.url(), "/assignment/accounts");
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("content-length"),
        Some(TOTAL.to_string().as_str())
    );
    let mut pattern_ok = true;
    let mut offset = 0u64;
    let read = response.read_body(u64::MAX, |piece| {
        for (i, b) in piece.iter().enumerate() {
            let expected = if (offset + i as u64).is_multiple_of(2) {
                b'['
            } else {
                b'{'
            };
            pattern_ok &= *b == expected;
        }
        offset += piece.len() as u64;
    });
    assert_eq!(read, TOTAL);
    assert!(pattern_ok, "the chunk repeats seamlessly");
    if let (Some(before), Some(after)) = (before, resident_kib()) {
        // Had the emulator built the body, it would have grown by 128 MiB.
        assert!(
            after.saturating_sub(before) < 64 * 1024,
            "{before} KiB -> {after} KiB"
        );
    }
}

#[test]
fn an_endless_body_streams_until_the_client_hangs_up() {
    let emu = Emulator::start(Options::default());
    emu.set_faults(|f| f.raw_next = vec![RawAnswer::endless(500, "text/plain", b"xyz")]);
    let mut response = Streaming::get(emu.url(), "/assignment/accounts");
    assert_eq!(response.status, 500);
    assert_eq!(response.header("content-length"), None);
    assert_eq!(response.header("transfer-encoding"), Some("chunked"));
    let mut only_pattern = true;
    let mut text = Vec::new();
    let read = response.read_body(32 << 20, |piece| {
        only_pattern &= piece.iter().all(|b| b"xyz".contains(b));
        if text.len() < 9 {
            text.extend_from_slice(piece);
        }
    });
    assert_eq!(read, 32 << 20);
    assert!(only_pattern);
    assert!(text.starts_with(b"xyzxyzxyz"));
    drop(response);
    // The emulator lets go of the hung-up stream and carries on.
    register(emu.url(), &[]);
    assert!(emu.faults().raw_next.is_empty());
}

#[test]
fn deeply_nested_xml_is_generated_lazily() {
    let emu = Emulator::start(Options::default());
    let depth = 1_000_000u64;
    emu.set_faults(|f| f.raw_next = vec![RawAnswer::nested_xml(200, depth)]);
    assert_eq!(Body::nested_xml(depth).len(), Some(7 * depth));
    let response = sts_post(emu.url(), &static_user(), GET_CALLER_IDENTITY);
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("text/xml"));
    assert_eq!(
        response.header("content-length"),
        Some((7 * depth).to_string().as_str())
    );
    let opening = "<a>".repeat(depth as usize);
    let closing = "</a>".repeat(depth as usize);
    assert_eq!(response.body.len() as u64, 7 * depth);
    assert!(response.body.starts_with(&opening));
    assert!(response.body.ends_with(&closing));
}

#[test]
fn body_constructors() {
    assert_eq!(
        Body::repeat(*b"ab", 5),
        Body::Repeat {
            chunk: b"ab".to_vec(),
            total: Some(5)
        }
    );
    assert_eq!(Body::endless(*b"ab").len(), None);
    assert!(Body::endless(Vec::new()).is_empty());
    assert!(Body::Bytes(Vec::new()).is_empty());
    let answer = RawAnswer::new(204, "text/plain", Body::repeat(*b"", 0));
    assert_eq!(answer.status, 204);
    assert_eq!(answer.content_type.as_deref(), Some("text/plain"));
    assert!(answer.headers.is_empty());
    // Empty chunks and zero totals are empty bodies, not endless loops.
    let emu = Emulator::start(Options::default());
    emu.set_faults(|f| {
        f.raw_next = vec![
            RawAnswer::endless(200, "text/plain", Vec::new()),
            RawAnswer::repeat(200, "text/plain", *b"x", 0),
        ]
    });
    for _ in 0..2 {
        let response = get(emu.url(), "/assignment/accounts", &[]);
        assert_eq!((response.status, response.body.as_str()), (200, ""));
    }
}

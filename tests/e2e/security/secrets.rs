//! No secret in any output: a worker process with an API key, an mTLS client key and an
//! encryption key, logging everything at trace level (the Temporal crates, tonic, h2 and rustls
//! included), runs activities through every payload path; nothing it prints holds a secret.
//! Neither does an error, with its sources, nor the `Debug` output of what holds one, nor the
//! error for a `temporal.toml` that does not parse on the line with the API key.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use activity_runtime::client::start_activity_by_name;
use activity_runtime::connection::{ClientTlsOptions, TlsOptions};
use activity_runtime::payload::codec::EncryptionCodec;
use activity_runtime::{ConnectionConfig, Worker, activity_set};
use serde::Deserialize;

use crate::support::calls::{options, result_within};
use crate::support::deadline::within;
use crate::support::process::{self, scratch_path};
use crate::support::seed::your_activity;
use crate::support::server;
use crate::support::tls::{Authority, Requirements, TlsProxy, write_file};

const API_KEY: &str = "sk-SECRET-api-key-7f3a9c";
/// 32 bytes, printable, so that a log that printed it as text would show it.
const CODEC_KEY: &str = "SECRET-codec-key-32-bytes-long!!";

/// The lines of a PEM's base64 body, each of which must never appear.
fn pem_body_lines(pem: &str) -> Vec<String> {
    pem.lines()
        .filter(|line| !line.starts_with("-----") && line.len() >= 16)
        .map(str::to_string)
        .collect()
}

fn assert_no_secret(output: &str, secrets: &[String], what: &str) {
    for secret in secrets {
        assert!(
            !output.contains(secret.as_str()),
            "{what} shows a secret ({secret}):\n{}",
            excerpt(output, secret)
        );
    }
}

fn excerpt(output: &str, secret: &str) -> String {
    output
        .lines()
        .filter(|line| line.contains(secret))
        .take(3)
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(Deserialize)]
struct Resumed {
    resumed_from: u64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_logging_at_trace_level_with_every_secret_set_prints_none() {
    let ca = Arc::new(Authority::new("secrets CA"));
    let client_identity = ca.client("worker");
    let proxy = TlsProxy::start(
        server::address(),
        &ca.server(&["localhost"]),
        Requirements {
            client_ca: Some(Arc::clone(&ca)),
            api_key: Some(API_KEY.to_string()),
        },
    );
    let queue = server::task_queue("secrets");
    let stderr_path = scratch_path(&format!("secrets-{}.log", std::process::id()));
    let stderr = std::fs::File::create(&stderr_path).expect("a log file");
    let mut worker = process::command(env!("CARGO_BIN_EXE_test-worker"))
        .args(["-", &queue])
        .env("TEMPORAL_ADDRESS", proxy.address())
        .env(
            "TEMPORAL_TLS_SERVER_CA_CERT_PATH",
            write_file("secrets-ca.pem", &ca.cert_pem()),
        )
        .env(
            "TEMPORAL_TLS_CLIENT_CERT_PATH",
            write_file("secrets-client.pem", &client_identity.cert_pem()),
        )
        .env(
            "TEMPORAL_TLS_CLIENT_KEY_PATH",
            write_file("secrets-client.key", &client_identity.key_pem()),
        )
        .env("TEMPORAL_API_KEY", API_KEY)
        .env("TEST_WORKER_ENCRYPTION_KEY", CODEC_KEY)
        .env("TEST_WORKER_TRACE", "1")
        .env("RUST_BACKTRACE", "0")
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("the test worker starts");
    let stdout = BufReader::new(worker.stdout.take().expect("piped stdout"));
    let (ready, stdout) = tokio::task::spawn_blocking(move || {
        process::line_within(stdout, Duration::from_secs(60), "the test worker's `ready`")
    })
    .await
    .expect("the reader");
    assert_eq!(
        ready.trim(),
        "ready",
        "the worker serves with every secret set"
    );

    // Arguments, results, heartbeats, the last heartbeat's details, a panic and its retry.
    let codec = EncryptionCodec::new("test-worker", CODEC_KEY.as_bytes()).expect("32 bytes");
    let client = within(
        Duration::from_secs(30),
        "a client with the codec",
        server::connection().client_with_codec(codec),
    )
    .await
    .expect("the client connects");
    let squared = start_activity_by_name::<u64>(
        &client,
        "square",
        (12u64, 10u64),
        options(&queue, Duration::from_secs(10), None, 1),
    )
    .await
    .expect("a start");
    assert_eq!(
        result_within(&squared, Duration::from_secs(30))
            .await
            .unwrap(),
        144
    );
    let resumed = start_activity_by_name::<Resumed>(
        &client,
        "resumable",
        (3u64, 10u64),
        options(
            &queue,
            Duration::from_secs(10),
            Some(Duration::from_secs(5)),
            1,
        ),
    )
    .await
    .expect("a start");
    let resumed = result_within(&resumed, Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(resumed.resumed_from, 0);
    let retried = start_activity_by_name::<u32>(
        &client,
        "panic_once_async",
        (),
        options(&queue, Duration::from_secs(10), None, 3),
    )
    .await
    .expect("a start");
    assert_eq!(
        result_within(&retried, Duration::from_secs(30))
            .await
            .unwrap(),
        2
    );

    unsafe { libc::kill(worker.id() as libc::pid_t, libc::SIGTERM) };
    let status = tokio::task::spawn_blocking(move || {
        process::wait_within(&mut worker, Duration::from_secs(30), "the test worker")
    })
    .await
    .expect("the waiter");
    assert!(status.success(), "{status}");
    let printed = stdout
        .lines()
        .map(|line| line.unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let logged = std::fs::read_to_string(&stderr_path).expect("the log");

    // The log is a full one: the Temporal crates' trace lines, and the TLS handshake's.
    for expected in ["TRACE", "temporalio_sdk_core", "rustls"] {
        assert!(
            logged.contains(expected),
            "no `{expected}` in the log:\n{logged:.2000}"
        );
    }
    let mut secrets = vec![API_KEY.to_string(), CODEC_KEY.to_string()];
    secrets.extend(pem_body_lines(&client_identity.key_pem()));
    assert_no_secret(&logged, &secrets, "the trace log");
    assert_no_secret(&printed, &secrets, "stdout");
    println!(
        "secrets: {} bytes of trace-level log and {} of stdout searched for {} secrets; none found",
        logged.len(),
        printed.len(),
        secrets.len()
    );
}

/// `Debug` output and errors, with every source, of a connection that holds an API key and a
/// client key, and of the codec.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_output_and_errors_with_their_sources_hold_no_secret() {
    let ca = Authority::new("debug CA");
    let identity = ca.client("worker");
    // A server that takes another key, so that the worker fails with the client's error.
    let proxy = TlsProxy::start(
        server::address(),
        &ca.server(&["localhost"]),
        Requirements {
            client_ca: None,
            api_key: Some("another-key".to_string()),
        },
    );
    let tls = TlsOptions::builder()
        .server_root_ca_cert(ca.cert_pem().into_bytes())
        .client_tls_options(
            ClientTlsOptions::builder()
                .client_cert(identity.cert_pem().into_bytes())
                .client_private_key(identity.key_pem().into_bytes())
                .build(),
        )
        .build();
    let mut secrets = vec![API_KEY.to_string(), CODEC_KEY.to_string()];
    secrets.extend(pem_body_lines(&identity.key_pem()));
    let connection = ConnectionConfig::new(&proxy.address())
        .expect("an address")
        .tls(tls)
        .api_key(API_KEY);
    let codec = EncryptionCodec::new("k", CODEC_KEY.as_bytes()).expect("32 bytes");
    let builder = Worker::builder("secrets-debug", activity_set![your_activity])
        .connection(connection.clone())
        .codec(codec.clone());
    assert_no_secret(
        &format!("{connection:?} {builder:?} {codec:?}"),
        &secrets,
        "Debug",
    );
    let error = within(
        Duration::from_secs(60),
        "the worker's start",
        builder.build(),
    )
    .await
    .expect_err("the server refuses the key");
    assert!(error.to_string().contains("refused the API key"), "{error}");
    let shown = format!("{} {error:?}", server::with_sources(&error));
    assert_no_secret(&shown, &secrets, "the error");
}

#[test]
fn a_temporal_toml_that_does_not_parse_on_the_api_key_line_is_not_quoted() {
    let profile = write_file(
        "broken-temporal.toml",
        &format!("[profile.default]\naddress = \"localhost:7233\"\napi_key = \"{API_KEY}\n"),
    );
    let mut hello = process::command(crate::examples::example("hello"));
    hello.arg("--serve").env("TEMPORAL_CONFIG_FILE", &profile);
    let output = process::output_within(hello, Duration::from_secs(60), "hello");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("TOML parse error at line 3"), "{stderr}");
    assert!(
        stderr.contains("the line is not shown: it may hold a secret"),
        "{stderr}"
    );
    assert_no_secret(&stderr, &[API_KEY.to_string()], "the error");
}

//! TLS, mTLS and API keys through a TLS-terminating proxy in front of the dev server. Each case
//! runs three ways: configured from code, from `TEMPORAL_*` variables, and from a
//! `temporal.toml` profile (the last two through `examples/hello.rs`, as a user deploys it). A
//! case that must serve proves it by running an activity; a case that must fail does so at
//! start, within a deadline, with an error that names the cause and the setting that fixes it.

use std::io::BufReader;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use activity_runtime::client::execute_activity;
use activity_runtime::connection::{ClientTlsOptions, TlsOptions};
use activity_runtime::worker::WorkerError;
use activity_runtime::{ConnectionConfig, Worker, activity_set};

use crate::support::calls::{self, options};
use crate::support::deadline::within;
use crate::support::peers;
use crate::support::process;
use crate::support::seed::{YourParams, your_activity};
use crate::support::server::{self, RunningWorker};
use crate::support::tls::{Authority, Identity, Requirements, TlsProxy, write_file};

/// How long a worker may take to serve, or to fail, at start.
const START_LIMIT: Duration = Duration::from_secs(60);

const API_KEY: &str = "the-right-key";

/// Which proxy a case dials.
#[derive(Debug, Clone, Copy)]
enum Front {
    /// TLS, with a certificate for `localhost` from the trusted CA.
    Tls,
    /// TLS with a certificate for another name.
    TlsForAnotherName,
    /// mTLS: a client certificate from the trusted CA is required.
    Mtls,
    /// TLS and an API key.
    ApiKey,
}

/// Which CA signed a certificate.
#[derive(Debug, Clone, Copy)]
enum Ca {
    Trusted,
    Other,
}

struct Case {
    name: &'static str,
    front: Front,
    /// The CA the worker trusts for the server's certificate.
    server_ca: Ca,
    /// The client certificate the worker presents, by its CA.
    client_certificate: Option<Ca>,
    api_key: Option<&'static str>,
    /// `None`: the worker serves. `Some(text)`: it fails at start, saying `text`.
    fails_with: Option<&'static str>,
}

const CASES: &[Case] = &[
    Case {
        name: "TLS with a custom CA",
        front: Front::Tls,
        server_ca: Ca::Trusted,
        client_certificate: None,
        api_key: None,
        fails_with: None,
    },
    Case {
        name: "TLS, a server certificate from an unknown CA",
        front: Front::Tls,
        server_ca: Ca::Other,
        client_certificate: None,
        api_key: None,
        fails_with: Some("does not trust (UnknownIssuer); name the server's CA"),
    },
    Case {
        name: "TLS, a server certificate for another name",
        front: Front::TlsForAnotherName,
        server_ca: Ca::Trusted,
        client_certificate: None,
        api_key: None,
        fails_with: Some("not valid for the host name dialled"),
    },
    Case {
        name: "mTLS with the right client certificate",
        front: Front::Mtls,
        server_ca: Ca::Trusted,
        client_certificate: Some(Ca::Trusted),
        api_key: None,
        fails_with: None,
    },
    Case {
        name: "mTLS without a client certificate",
        front: Front::Mtls,
        server_ca: Ca::Trusted,
        client_certificate: None,
        api_key: None,
        fails_with: Some(
            "requires a client certificate (mTLS) and none was sent; set `TEMPORAL_TLS_CLIENT_CERT_PATH`",
        ),
    },
    Case {
        name: "mTLS with a client certificate from another CA",
        front: Front::Mtls,
        server_ca: Ca::Trusted,
        client_certificate: Some(Ca::Other),
        api_key: None,
        fails_with: Some(
            "refused the client certificate: it must be signed by a CA the server trusts",
        ),
    },
    Case {
        name: "the right API key",
        front: Front::ApiKey,
        server_ca: Ca::Trusted,
        client_certificate: None,
        api_key: Some(API_KEY),
        fails_with: None,
    },
    Case {
        name: "a wrong API key",
        front: Front::ApiKey,
        server_ca: Ca::Trusted,
        client_certificate: None,
        api_key: Some("a-wrong-key"),
        fails_with: Some("the server refused the API key (Unauthenticated"),
    },
];

/// The CAs, certificates and proxies that every case shares, made once per test binary.
struct Fixture {
    trusted: Arc<Authority>,
    other: Authority,
    client: Identity,
    stranger: Identity,
    tls: TlsProxy,
    tls_for_another_name: TlsProxy,
    mtls: TlsProxy,
    api_key: TlsProxy,
    /// PEM files of the above, for the variables and the profile.
    files: Files,
}

struct Files {
    trusted_ca: PathBuf,
    other_ca: PathBuf,
    client: (PathBuf, PathBuf),
    stranger: (PathBuf, PathBuf),
}

impl Fixture {
    fn new() -> Self {
        let trusted = Arc::new(Authority::new("trusted CA"));
        let other = Authority::new("other CA");
        let localhost = trusted.server(&["localhost"]);
        let elsewhere = trusted.server(&["elsewhere.example"]);
        let client = trusted.client("worker");
        let stranger = other.client("worker");
        let upstream = server::address();
        let proxy =
            |certificate, requirements| TlsProxy::start(upstream, certificate, requirements);
        let files = Files {
            trusted_ca: write_file("trusted-ca.pem", &trusted.cert_pem()),
            other_ca: write_file("other-ca.pem", &other.cert_pem()),
            client: (
                write_file("client.pem", &client.cert_pem()),
                write_file("client.key", &client.key_pem()),
            ),
            stranger: (
                write_file("stranger.pem", &stranger.cert_pem()),
                write_file("stranger.key", &stranger.key_pem()),
            ),
        };
        Self {
            tls: proxy(&localhost, Requirements::default()),
            tls_for_another_name: proxy(&elsewhere, Requirements::default()),
            mtls: proxy(
                &localhost,
                Requirements {
                    client_ca: Some(Arc::clone(&trusted)),
                    api_key: None,
                },
            ),
            api_key: proxy(
                &localhost,
                Requirements {
                    client_ca: None,
                    api_key: Some(API_KEY.to_string()),
                },
            ),
            trusted,
            other,
            client,
            stranger,
            files,
        }
    }

    fn proxy(&self, front: Front) -> &TlsProxy {
        match front {
            Front::Tls => &self.tls,
            Front::TlsForAnotherName => &self.tls_for_another_name,
            Front::Mtls => &self.mtls,
            Front::ApiKey => &self.api_key,
        }
    }

    fn ca(&self, ca: Ca) -> &Authority {
        match ca {
            Ca::Trusted => &self.trusted,
            Ca::Other => &self.other,
        }
    }

    fn ca_file(&self, ca: Ca) -> &PathBuf {
        match ca {
            Ca::Trusted => &self.files.trusted_ca,
            Ca::Other => &self.files.other_ca,
        }
    }

    fn client_files(&self, ca: Ca) -> &(PathBuf, PathBuf) {
        match ca {
            Ca::Trusted => &self.files.client,
            Ca::Other => &self.files.stranger,
        }
    }

    /// The connection of `case`, configured in code.
    fn connection(&self, case: &Case) -> ConnectionConfig {
        let client = case.client_certificate.map(|ca| match ca {
            Ca::Trusted => &self.client,
            Ca::Other => &self.stranger,
        });
        let tls = TlsOptions::builder()
            .server_root_ca_cert(self.ca(case.server_ca).cert_pem().into_bytes())
            .maybe_client_tls_options(client.map(|client| {
                ClientTlsOptions::builder()
                    .client_cert(client.cert_pem().into_bytes())
                    .client_private_key(client.key_pem().into_bytes())
                    .build()
            }))
            .build();
        let connection = ConnectionConfig::new(&self.proxy(case.front).address())
            .expect("the proxy's address")
            .tls(tls);
        match case.api_key {
            Some(key) => connection.api_key(key),
            None => connection,
        }
    }

    /// The `TEMPORAL_*` variables of `case`.
    fn variables(&self, case: &Case) -> Vec<(&'static str, String)> {
        let mut variables = vec![
            ("TEMPORAL_ADDRESS", self.proxy(case.front).address()),
            (
                "TEMPORAL_TLS_SERVER_CA_CERT_PATH",
                self.ca_file(case.server_ca).display().to_string(),
            ),
        ];
        if let Some(ca) = case.client_certificate {
            let (cert, key) = self.client_files(ca);
            variables.push(("TEMPORAL_TLS_CLIENT_CERT_PATH", cert.display().to_string()));
            variables.push(("TEMPORAL_TLS_CLIENT_KEY_PATH", key.display().to_string()));
        }
        if let Some(key) = case.api_key {
            variables.push(("TEMPORAL_API_KEY", key.to_string()));
        }
        variables
    }

    /// A `temporal.toml` whose default profile is `case`.
    fn profile(&self, case: &Case) -> PathBuf {
        let mut profile = format!(
            "[profile.default]\naddress = \"{}\"\n",
            self.proxy(case.front).address()
        );
        if let Some(key) = case.api_key {
            profile += &format!("api_key = \"{key}\"\n");
        }
        profile += &format!(
            "\n[profile.default.tls]\nserver_ca_cert_path = \"{}\"\n",
            self.ca_file(case.server_ca).display()
        );
        if let Some(ca) = case.client_certificate {
            let (cert, key) = self.client_files(ca);
            profile += &format!(
                "client_cert_path = \"{}\"\nclient_key_path = \"{}\"\n",
                cert.display(),
                key.display()
            );
        }
        write_file("temporal.toml", &profile)
    }
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(Fixture::new)
}

/// Executes the seed's activity on `queue` through the dev server directly: the worker's side
/// is what each case is about.
async fn greeting_on(queue: &str) -> String {
    let client = calls::client().await;
    within(
        Duration::from_secs(30),
        "the activity's result",
        execute_activity(
            &client,
            your_activity::ACTIVITY,
            YourParams {
                greeting: "Hello".into(),
                name: "TLS".into(),
            },
            options(queue, Duration::from_secs(10), None, 1),
        ),
    )
    .await
    .expect("the activity completes")
}

/// A worker of the seed's activity on `queue` through `connection`: started, or why not, within
/// the start limit.
async fn seed_worker(queue: &str, connection: ConnectionConfig) -> Result<Worker, WorkerError> {
    within(
        START_LIMIT,
        "the worker's start or its failure",
        Worker::builder(queue, activity_set![your_activity])
            .connection(connection)
            .build(),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_case_configured_in_code_serves_or_fails_at_start_saying_why() {
    let fixture = fixture();
    for case in CASES {
        let queue = server::task_queue("tls-code");
        let started = seed_worker(&queue, fixture.connection(case)).await;
        match (started, case.fails_with) {
            (Ok(worker), None) => {
                let running = RunningWorker::run(worker);
                assert_eq!(greeting_on(&queue).await, "Hello, TLS!", "{}", case.name);
                running.stop().await;
            }
            (Err(error), Some(expected)) => {
                let message = error.to_string();
                assert!(message.contains(expected), "{}: {message}", case.name);
            }
            (Ok(_), Some(expected)) => {
                panic!("{}: served, but should fail with {expected}", case.name)
            }
            (Err(error), None) => panic!("{}: {}", case.name, server::with_sources(&error)),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_case_from_temporal_variables_serves_or_fails_at_start_saying_why() {
    for case in CASES {
        hello_serves_or_fails(case, fixture().variables(case)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_case_from_a_temporal_toml_profile_serves_or_fails_at_start_saying_why() {
    for case in CASES {
        let profile = fixture().profile(case).display().to_string();
        hello_serves_or_fails(case, vec![("TEMPORAL_CONFIG_FILE", profile)]).await;
    }
}

/// Runs `examples/hello.rs` as a user deploys it, with `variables`: it must say "Serving" only
/// once it serves, and serve; or exit at start with the case's error and never say "Serving".
async fn hello_serves_or_fails(case: &'static Case, variables: Vec<(&'static str, String)>) {
    let queue = server::task_queue("tls-hello");
    let mut hello = process::command(crate::examples::example("hello"));
    hello
        .arg("--serve")
        .env("TEMPORAL_TASK_QUEUE", &queue)
        .envs(variables);
    let Some(expected) = case.fails_with else {
        let mut child = hello.stdout(Stdio::piped()).spawn().expect("hello starts");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let (banner, _stdout) = tokio::task::spawn_blocking(move || {
            process::line_within(stdout, START_LIMIT, "hello's banner")
        })
        .await
        .expect("the banner's reader");
        assert!(banner.starts_with("Serving"), "{}: {banner}", case.name);
        assert_eq!(greeting_on(&queue).await, "Hello, TLS!", "{}", case.name);
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
        let status = tokio::task::spawn_blocking(move || {
            process::wait_within(&mut child, Duration::from_secs(30), "hello")
        })
        .await
        .expect("the waiter");
        assert!(
            status.success(),
            "{}: hello exits cleanly: {status}",
            case.name
        );
        return;
    };
    let output =
        tokio::task::spawn_blocking(move || process::output_within(hello, START_LIMIT, case.name))
            .await
            .expect("hello's runner");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(!output.status.success(), "{}: {stdout}", case.name);
    assert!(!stdout.contains("Serving"), "{}: {stdout}", case.name);
    assert!(stderr.contains(expected), "{}: {stderr}", case.name);
}

#[derive(serde::Deserialize)]
struct PythonResult {
    result: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_client_through_the_same_tls_proxy_gets_the_result() {
    let fixture = fixture();
    let case = &CASES[0];
    assert!(matches!(case.front, Front::Tls) && case.fails_with.is_none());
    let queue = server::task_queue("tls-python");
    let worker = seed_worker(&queue, fixture.connection(case))
        .await
        .expect("the worker serves through the proxy");
    let running = RunningWorker::run(worker);
    let answer: PythonResult = peers::python_at(
        &fixture.tls.address(),
        "secure_client.py",
        &[&queue, &fixture.files.trusted_ca.display().to_string()],
    )
    .await;
    assert_eq!(answer.result, "Hello, Python over TLS!");
    running.stop().await;
}

/// The server accepts both keys while one rotates, as Temporal Cloud does; the worker takes the
/// new key without a restart, and keeps serving once the old one is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_worker_takes_a_rotated_api_key_without_a_restart() {
    let fixture = fixture();
    let proxy = TlsProxy::start(
        server::address(),
        &fixture.trusted.server(&["localhost"]),
        Requirements {
            client_ca: None,
            api_key: Some("first".to_string()),
        },
    );
    let tls = TlsOptions::builder()
        .server_root_ca_cert(fixture.trusted.cert_pem().into_bytes())
        .build();
    let queue = server::task_queue("tls-rotation");
    let connection = ConnectionConfig::new(&proxy.address())
        .expect("the proxy's address")
        .tls(tls)
        .api_key("first");
    let worker = seed_worker(&queue, connection)
        .await
        .expect("the worker serves with the first key");
    let api_key = worker.api_key_handle();
    let running = RunningWorker::run(worker);
    assert_eq!(greeting_on(&queue).await, "Hello, TLS!");
    assert_eq!(proxy.requests_with("second"), 0);

    proxy.accept_api_keys(&["first", "second"]);
    api_key.set("second");
    proxy.accept_api_keys(&["second"]);
    // The completion of this activity is a call made after the old key stopped working.
    assert_eq!(greeting_on(&queue).await, "Hello, TLS!");
    assert!(
        proxy.requests_with("second") > 0,
        "the worker's calls carry the new key"
    );
    assert_eq!(
        proxy.refused(),
        0,
        "no call carried the old key once it was refused"
    );
    running.stop().await;
}

//! A worker that cannot reach its server fails at start, says where it tried and what that
//! most likely means, and keeps the client's own error as its source, so a caller can tell
//! what went wrong by type. (TLS, mTLS and API-key failures: `tests/e2e/security`.)

use std::error::Error;
use std::time::Duration;

use activity_runtime::connection::ClientConnectError;
use activity_runtime::worker::WorkerError;
use activity_runtime::{ConnectionConfig, Worker, activity, activity_set};

#[activity]
async fn unused() {}

#[tokio::test]
async fn an_unreachable_server_is_a_connect_error_with_the_clients_error_as_its_source() {
    // A loopback port that nothing listens on once the listener is dropped.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let address = format!("127.0.0.1:{port}");
    let built = tokio::time::timeout(
        Duration::from_secs(60),
        Worker::builder("nowhere", activity_set![unused])
            .connection(ConnectionConfig::new(&address).unwrap())
            .build(),
    )
    .await
    .expect("a refused connection fails within a minute");
    let Err(WorkerError::Connect(error)) = built else {
        panic!("expected a connect error, got {built:?}");
    };
    assert_eq!(
        error.to_string(),
        format!(
            "could not connect to the Temporal server at http://{address}/: nothing accepts \
             connections at that address (connection refused); check that the server runs and \
             that the address and port are right"
        )
    );
    let source = error.source().expect("the client's error is kept");
    assert!(
        source.downcast_ref::<ClientConnectError>().is_some(),
        "the source is the client's `ClientConnectError`: {source:?}"
    );
}

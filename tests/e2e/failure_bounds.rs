//! A failure always fits what the server accepts: messages and cause messages are cut to 16 KiB
//! with a marker, the cause chain to 32 links. Without that, a failure with a 5 MiB message is
//! refused by the server's gRPC limit, and the caller waits for the attempt's timeout instead
//! of learning what happened.

use std::time::Duration;

use crate::support::calls::{self, options, result_within, start};
use crate::support::server::{self, Served};
use activity_runtime::client::ExecuteError;
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{ActivityError, activity, activity_set};

/// An error with a long message and a long `source()` chain.
#[derive(Debug)]
struct Layer {
    message: String,
    below: Option<Box<Layer>>,
}

impl std::fmt::Display for Layer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Layer {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.below.as_deref().map(|below| below as _)
    }
}

#[activity]
async fn fail_hugely(megabytes: usize, depth: usize) -> Result<(), Layer> {
    let mut error = None;
    for level in (0..depth).rev() {
        error = Some(Layer {
            message: format!("layer {level}"),
            below: error.map(Box::new),
        });
    }
    let mut top = error.expect("at least one layer");
    top.message = format!("{}: {}", top.message, "x".repeat(megabytes * 1024 * 1024));
    Err(top)
}

#[activity]
fn panic_hugely(megabytes: usize) {
    panic!("{}", "p".repeat(megabytes * 1024 * 1024));
}

fn check_bounded(message: &str) {
    assert!(message.len() <= 16 * 1024, "{} bytes", message.len());
    assert!(
        message.ends_with("more bytes truncated]"),
        "{}",
        &message[message.len() - 60..]
    );
}

#[tokio::test]
async fn long_messages_and_chains_are_cut_with_markers() {
    let env = ActivityEnvironment::new(activity_set![fail_hugely, panic_hugely]).unwrap();
    let error: ActivityError = env.run(fail_hugely::ACTIVITY, (5, 100)).await.unwrap_err();
    check_bounded(error.message());
    assert!(error.message().starts_with("layer 0: xxx"));
    assert_eq!(error.causes().len(), 32);
    assert_eq!(error.causes()[30].message, "layer 31");
    assert_eq!(error.causes()[31].message, "[68 more causes omitted]");

    let error = env.run(panic_hugely::ACTIVITY, (5,)).await.unwrap_err();
    check_bounded(error.message());
    assert!(error.message().starts_with("activity panicked: ppp"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_learns_of_a_five_megabyte_failure_at_once() {
    let Served {
        queue,
        worker,
        client,
    } = server::serve("failure-bounds", activity_set![fail_hugely, panic_hugely]).await;
    let huge_error = start::<()>(
        &client,
        "fail_hugely",
        (5usize, 100usize),
        options(&queue, Duration::from_secs(60), None, 1),
    )
    .await;
    let huge_panic = start::<()>(
        &client,
        "panic_hugely",
        (5usize,),
        options(&queue, Duration::from_secs(60), None, 1),
    )
    .await;
    for (name, activity, start) in [
        ("fail_hugely", &huge_error, "layer 0: xxx"),
        ("panic_hugely", &huge_panic, "activity panicked: ppp"),
    ] {
        let error = match result_within(activity, Duration::from_secs(15)).await {
            Err(ExecuteError::Result(error)) => *error,
            other => panic!("{name}: expected a failure, got {other:?}"),
        };
        let (_, _, message) = calls::application_failure(error);
        check_bounded(&message);
        assert!(message.starts_with(start), "{name}");
    }
    worker.stop().await;
}

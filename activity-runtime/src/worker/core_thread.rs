//! Where Temporal Core runs: by default a current-thread runtime on a thread of its own, so
//! that Core's polls, completions and gRPC connection cost what they cost on a current-thread
//! runtime (no work-stealing, no cross-thread wake-ups among them), while the activities run on
//! the runtime that called `Worker::run`, whatever its flavour. BENCHMARKS.md measures both
//! places.

use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use tokio::sync::oneshot;

use super::WorkerError;
use crate::error::panic_message;

/// The thread's name, as `top -H`, `ps -L` and a debugger show it.
pub(super) const CORE_THREAD_NAME: &str = "temporal-core";

/// How Core's side of a worker ended, once it has.
pub(super) struct CoreEnded {
    ended: oneshot::Receiver<Result<(), WorkerError>>,
    task_queue: String,
}

impl CoreEnded {
    /// What Core's side returned; a panic or a runtime that went away is an error too.
    pub(super) async fn outcome(self) -> Result<(), WorkerError> {
        self.ended.await.unwrap_or_else(|_| {
            Err(stopped(
                self.task_queue,
                "the runtime it ran on shut down".to_string(),
            ))
        })
    }

    /// Why Core's side ended before it started serving.
    pub(super) async fn failure(self) -> WorkerError {
        let task_queue = self.task_queue.clone();
        match self.outcome().await {
            Err(error) => error,
            Ok(()) => stopped(task_queue, "it ended before it started".to_string()),
        }
    }
}

/// Runs `core_side` on a current-thread runtime of a new thread, or, when `own_thread` is
/// false, as a task of the runtime this is called on. A panic in it ends it with
/// [`WorkerError::CoreStopped`], which the returned value reports.
pub(super) fn launch(
    own_thread: bool,
    task_queue: &str,
    core_side: impl Future<Output = Result<(), WorkerError>> + Send + 'static,
) -> Result<CoreEnded, WorkerError> {
    let (report, ended) = oneshot::channel();
    let queue = task_queue.to_string();
    let guarded = async move {
        let outcome = AssertUnwindSafe(core_side)
            .catch_unwind()
            .await
            .unwrap_or_else(|panic| {
                let reason = format!("it panicked: {}", panic_message(&*panic));
                tracing::error!(
                    task_queue = queue,
                    "Temporal Core's side of the worker {reason}"
                );
                Err(stopped(queue, reason))
            });
        let _ = report.send(outcome);
    };
    let start_error = |source: std::io::Error| WorkerError::Start {
        task_queue: task_queue.to_string(),
        source: format!("Temporal Core's thread could not start: {source}").into(),
    };
    if own_thread {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(start_error)?;
        std::thread::Builder::new()
            .name(CORE_THREAD_NAME.to_string())
            .spawn(move || runtime.block_on(guarded))
            .map_err(start_error)?;
    } else {
        tokio::spawn(guarded);
    }
    Ok(CoreEnded {
        ended,
        task_queue: task_queue.to_string(),
    })
}

fn stopped(task_queue: String, reason: String) -> WorkerError {
    WorkerError::CoreStopped { task_queue, reason }
}

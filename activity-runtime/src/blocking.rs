//! The dedicated, bounded thread pool that runs blocking activities.

use tokio::runtime::{Builder, Handle, Runtime};

use crate::context::ActivityContext;
use crate::error::ActivityError;
use crate::invocation::{Outcome, panicked};

/// Threads for blocking activities, apart from tokio's shared blocking pool, so that a hundred
/// sleeping blocking activities neither starve the async executor nor the `spawn_blocking` calls
/// of other code. At most `threads` run at once; the rest wait in a queue.
///
/// It is the blocking pool of a runtime of its own, so tokio manages the threads (started on
/// demand, stopped after ten idle seconds), and nothing here re-implements a pool.
pub(crate) struct BlockingPool {
    runtime: Option<Runtime>,
    handle: Handle,
}

impl BlockingPool {
    pub(crate) fn new(threads: usize) -> std::io::Result<Self> {
        let runtime = Builder::new_current_thread()
            .max_blocking_threads(threads.max(1))
            .thread_name("activity-blocking")
            .build()?;
        Ok(Self {
            handle: runtime.handle().clone(),
            runtime: Some(runtime),
        })
    }

    /// Runs `call` on a pool thread, with `context` as the thread's ambient context and `span`
    /// entered. A panic becomes a retryable failure.
    pub(crate) async fn run(
        &self,
        context: ActivityContext,
        span: tracing::Span,
        call: Box<dyn FnOnce() -> Outcome + Send>,
    ) -> Outcome {
        let task = self.handle.spawn_blocking(move || {
            let _span = span.entered();
            let _ambient = context.enter_thread();
            call()
        });
        match task.await {
            Ok(outcome) => outcome,
            Err(error) => match error.try_into_panic() {
                Ok(panic) => Err(panicked(&*panic)),
                Err(_) => Err(ActivityError::new(
                    "the blocking activity was stopped before it finished: the worker is shutting down",
                )),
            },
        }
    }
}

impl Drop for BlockingPool {
    fn drop(&mut self) {
        // Dropping a runtime inside async code panics, and the last owner is often a task; a
        // thread still running a blocking activity finishes it on its own.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

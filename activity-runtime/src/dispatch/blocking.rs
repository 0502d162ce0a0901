//! The dedicated, bounded thread pool that runs blocking activities.

use std::panic::AssertUnwindSafe;

use tokio::runtime::{Builder, Handle, Runtime};
use tokio::task::JoinError;

use crate::activity::invocation::{Outcome, panicked};
use crate::context::ActivityContext;
use crate::error::ActivityError;

/// Threads for blocking activities, apart from tokio's shared blocking pool, so that a hundred
/// sleeping blocking activities neither starve the async executor nor the `spawn_blocking` calls
/// of other code. At most `threads` run at once; the rest wait in a queue.
///
/// The threads belong to the blocking pool of a runtime of their own, so tokio manages them
/// (started on demand, stopped after ten idle seconds) and nothing here re-implements a pool.
/// That runtime drives nothing: each call runs inside the worker's own runtime, so that
/// `Handle::current()` in a blocking activity is the runtime the worker runs on, with its
/// timers, IO and executor, as it is in `spawn_blocking` on that runtime.
pub(crate) struct BlockingPool {
    runtime: Option<Runtime>,
    threads: Handle,
}

impl BlockingPool {
    pub(crate) fn new(threads: usize) -> std::io::Result<Self> {
        let runtime = Builder::new_current_thread()
            .max_blocking_threads(threads.max(1))
            .thread_name("activity-blocking")
            .build()?;
        Ok(Self {
            threads: runtime.handle().clone(),
            runtime: Some(runtime),
        })
    }

    /// Runs `call` on a pool thread inside the runtime `worker` (the caller's), with `context`
    /// as the thread's ambient context and `span` entered.
    ///
    /// Dropping the returned future abandons the call: it goes on on its thread, and its
    /// outcome is dropped.
    pub(crate) async fn run(
        &self,
        worker: Handle,
        context: ActivityContext,
        span: tracing::Span,
        call: Box<dyn FnOnce() -> Outcome + Send>,
    ) -> Outcome {
        let task = self.threads.spawn_blocking(move || {
            let _runtime = worker.enter();
            let _span = span.entered();
            let _ambient = context.enter_thread();
            // Caught here rather than from the join handle: the panic hook noted where it
            // happened on this thread.
            std::panic::catch_unwind(AssertUnwindSafe(call))
                .unwrap_or_else(|panic| Err(panicked(&*panic)))
        });
        task.await.unwrap_or_else(stopped)
    }
}

/// The outcome of a call whose thread did not return one: it panicked, or the pool shut down.
fn stopped(error: JoinError) -> Outcome {
    match error.try_into_panic() {
        Ok(panic) => Err(panicked(&*panic)),
        Err(_) => Err(ActivityError::new(
            "the blocking activity was stopped before it finished: the worker is shutting down",
        )),
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

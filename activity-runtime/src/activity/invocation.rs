//! A prepared activity call: the user's function with its arguments, not yet run.

use std::future::Future;

use futures::future::BoxFuture;

use crate::error::{ActivityError, RuntimeFailure, panic_message, take_panic_site};
use crate::payload::Payload;

/// How an activity's body runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Execution {
    /// An `async fn`: polled on the async runtime.
    Async,
    /// A plain `fn`: run on a blocking thread pool, never on the async executor, so that it
    /// cannot stall other activities.
    Blocking,
}

/// What an attempt ends with, as an interceptor sees it: the result encoded by the payload
/// converter (the codec applies after the interceptors), or the failure.
pub type Outcome = Result<Payload, ActivityError>;

/// A call of an activity's function, ready to run on the executor that suits it.
///
/// The generated `start` builds it; the dispatcher decides where it runs, so that a blocking
/// body never occupies an async executor thread.
pub struct Invocation {
    pub(crate) work: Work,
}

pub(crate) enum Work {
    Async(BoxFuture<'static, Outcome>),
    Blocking(Box<dyn FnOnce() -> Outcome + Send>),
}

impl Invocation {
    /// An async call: `future` is the function's future, `finish` turns its output into the
    /// outcome.
    pub fn from_future<F>(future: F, finish: fn(F::Output) -> Outcome) -> Self
    where
        F: Future + Send + 'static,
    {
        Self {
            work: Work::Async(Box::pin(async move { finish(future.await) })),
        }
    }

    /// A blocking call: `call` runs the function, `finish` turns its return value into the
    /// outcome on the same thread.
    pub fn from_blocking<F, R>(call: F, finish: fn(R) -> Outcome) -> Self
    where
        F: FnOnce() -> R + Send + 'static,
        R: 'static,
    {
        Self {
            work: Work::Blocking(Box::new(move || finish(call()))),
        }
    }

    /// Runs the call here, a blocking one on this thread, without the dispatcher's slot,
    /// context scope, executor or panic boundary: what the dispatch micro-benchmark measures
    /// of the generated code alone. Workers never call it.
    #[doc(hidden)]
    pub async fn run_inline(self) -> Outcome {
        match self.work {
            Work::Async(future) => future.await,
            Work::Blocking(call) => call(),
        }
    }

    /// Whether the call is async or blocking.
    pub fn execution(&self) -> Execution {
        match self.work {
            Work::Async(_) => Execution::Async,
            Work::Blocking(_) => Execution::Blocking,
        }
    }
}

impl std::fmt::Debug for Invocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invocation")
            .field("execution", &self.execution())
            .finish_non_exhaustive()
    }
}

/// The failure for a panic: retryable, since a later attempt may not panic. It is logged, in
/// the attempt's span, since the outcome may not reach anyone who reads it.
pub(crate) fn panicked(panic: &(dyn std::any::Any + Send)) -> ActivityError {
    let message = panic_message(panic);
    let site = take_panic_site(&message).unwrap_or_default();
    let error = RuntimeFailure::Panic
        .with_message(format!("activity panicked: {message}"))
        .with_stack_trace(site);
    tracing::error!("the attempt failed: {}", error.message());
    error
}

/// The failure for a panic after the activity's outcome was made, while the worker was
/// `doing` something with it (sealing it, reporting it). It quotes neither the panic nor the
/// outcome, either of which may hold what the payload codec was to hide; it is logged too.
pub(crate) fn panicked_while(doing: &str, panic: &(dyn std::any::Any + Send)) -> ActivityError {
    // Taken, so that it is not matched to a later panic, and dropped unsaid.
    let _ = take_panic_site(&panic_message(panic));
    let error = RuntimeFailure::Panic.with_message(format!(
        "the worker panicked while {doing}; neither the outcome nor the panic is quoted, since \
         either may hold what the payload codec was to hide"
    ));
    tracing::error!("the attempt failed: {}", error.message());
    error
}

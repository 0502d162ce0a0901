//! Inbound activity interceptors: code that wraps every attempt a worker runs, to observe it,
//! enrich its span, or change its outcome (Python's `ActivityInboundInterceptor`, Go's
//! `ActivityInboundInterceptor`).
//!
//! An interceptor sees the attempt's [`ActivityInfo`], the headers its caller sent, the
//! attempt's tracing span before it is entered, and the outcome: the result payload, before the
//! codec encodes it, or the failure. Through [`Next`] it reads and replaces what the rest of the
//! attempt receives: the argument payloads, after the codec decoded them, and the headers (the
//! official SDK's `args_mut` and `headers_mut`, Python's `ExecuteActivityInput`). What it
//! returns is what the worker reports, after the same size checks and panic boundary as an
//! activity's own outcome. Outbound, [`ActivityInterceptor::heartbeat`] sees each heartbeat's
//! details, and the worker's
//! [`client_interceptor`](crate::worker::WorkerBuilder::client_interceptor) the calls made
//! through `ctx.client()`. Interceptors run on
//! [`Worker`](crate::Worker), [`ActivityEnvironment`](crate::testing::ActivityEnvironment) and
//! the official SDK's worker alike, in the order they were added: the first added is the
//! outermost.
//!
//! ```
//! use std::sync::atomic::{AtomicU64, Ordering};
//! use activity_runtime::interceptor::{ActivityInterceptor, Attempt, BoxFuture, Next, Outcome};
//!
//! /// Counts failures by the tenant its callers name in a header.
//! #[derive(Default)]
//! struct TenantFailures(AtomicU64);
//!
//! impl ActivityInterceptor for TenantFailures {
//!     fn execute<'a>(&'a self, attempt: &'a Attempt, next: Next<'a>) -> BoxFuture<'a, Outcome> {
//!         Box::pin(async move {
//!             let outcome = next.run().await;
//!             if outcome.is_err() && attempt.headers().contains_key("tenant") {
//!                 self.0.fetch_add(1, Ordering::Relaxed);
//!             }
//!             outcome
//!         })
//!     }
//! }
//! # let _ = activity_runtime::testing::ActivityEnvironment::builder(activity_runtime::activity_set![])
//! #     .interceptor(TenantFailures::default());
//! ```

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// The boxed future an interceptor returns, re-exported so that an interceptor needs no
/// dependency of its own.
pub use futures::future::BoxFuture;

#[cfg(feature = "opentelemetry")]
mod opentelemetry;
#[cfg(feature = "opentelemetry")]
pub(crate) use opentelemetry::TraceContextOnward;
#[cfg(feature = "opentelemetry")]
#[cfg_attr(docsrs, doc(cfg(feature = "opentelemetry")))]
pub use opentelemetry::TracingInterceptor;

use crate::context::ActivityInfo;
use crate::payload::Payload;

pub use crate::activity::invocation::Outcome;

/// Wraps every attempt; add one with the `interceptor` method of
/// [`WorkerBuilder`](crate::worker::WorkerBuilder::interceptor),
/// [`ActivityEnvironmentBuilder`](crate::testing::ActivityEnvironmentBuilder::interceptor) or
/// the official worker's `ActivitiesBuilder`.
///
/// `execute` runs the rest of the attempt with [`Next::run`], and returns its outcome, changed
/// or not. One that returns without calling it runs nothing: the slot, the decoding and the
/// activity are skipped, and its outcome is reported. A panic in an interceptor fails the
/// attempt as a panic in the activity does, and a shutdown's deadline bounds it too.
pub trait ActivityInterceptor: Send + Sync + 'static {
    /// Runs one attempt, calling `next.run()` to go on to the next interceptor and then to the
    /// activity.
    fn execute<'a>(&'a self, attempt: &'a Attempt, next: Next<'a>) -> BoxFuture<'a, Outcome>;

    /// Sees, and may change, the details of each heartbeat the activity sends, before the
    /// codec and the size check, in the order the interceptors were added: the outbound hook
    /// on what an activity sends (calls through `ctx.client()` have the worker's
    /// [`client_interceptor`](crate::worker::WorkerBuilder::client_interceptor)). It runs on the
    /// activity's own thread, inside `ctx.heartbeat`, so it must not block. Default: leaves
    /// them as they are.
    ///
    /// ```
    /// use activity_runtime::context::ActivityInfo;
    /// use activity_runtime::interceptor::{ActivityInterceptor, Attempt, BoxFuture, Next, Outcome};
    /// use activity_runtime::payload::{self, Payload};
    ///
    /// /// Adds the attempt's number to every heartbeat, as its last detail.
    /// struct StampAttempt;
    ///
    /// impl ActivityInterceptor for StampAttempt {
    ///     fn execute<'a>(&'a self, _: &'a Attempt, next: Next<'a>) -> BoxFuture<'a, Outcome> {
    ///         Box::pin(next.run())
    ///     }
    ///
    ///     fn heartbeat(&self, info: &ActivityInfo, details: &mut Vec<Payload>) {
    ///         if let Ok(attempt) = payload::encode(&info.attempt) {
    ///             details.push(attempt);
    ///         }
    ///     }
    /// }
    /// ```
    fn heartbeat(&self, info: &ActivityInfo, details: &mut Vec<Payload>) {
        let _ = (info, details);
    }
}

/// The attempt an interceptor wraps.
pub struct Attempt {
    pub(crate) info: ActivityInfo,
    pub(crate) headers: Arc<HashMap<String, Payload>>,
    pub(crate) span: tracing::Span,
}

impl Attempt {
    /// Who and where the attempt is.
    pub fn info(&self) -> &ActivityInfo {
        &self.info
    }

    /// The headers the caller sent with the activity, as the server delivered them: the
    /// payload converter's encoding, which codecs leave alone. Activities read them with
    /// [`ActivityContext::headers`](crate::ActivityContext::headers).
    pub fn headers(&self) -> &HashMap<String, Payload> {
        &self.headers
    }

    /// The attempt's span, `activity`, which the activity's own logs are inside. It is not
    /// entered until [`Next::run`] runs, so an interceptor may still set its parent (a remote
    /// trace's context, with `tracing-opentelemetry`) or record its fields.
    pub fn span(&self) -> &tracing::Span {
        &self.span
    }
}

impl fmt::Debug for Attempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attempt")
            .field("info", &self.info)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// What the rest of an attempt receives, which interceptors may replace.
pub(crate) struct Inputs {
    pub(crate) arguments: Vec<Payload>,
    pub(crate) headers: Arc<HashMap<String, Payload>>,
}

/// The activity's part of an attempt, started with what the interceptors leave it.
pub(crate) type ActivityPart<'a> = Box<dyn FnOnce(Inputs) -> BoxFuture<'a, Outcome> + Send + 'a>;

/// The rest of an attempt: the interceptors after this one, then the activity, and what they
/// will receive, which this interceptor may read and replace before it runs them.
///
/// ```
/// use activity_runtime::interceptor::{ActivityInterceptor, Attempt, BoxFuture, Next, Outcome};
/// use activity_runtime::payload;
///
/// /// Reveals the masked card number of the first argument, `{"card": "...", ...}`.
/// struct RevealCard;
///
/// impl ActivityInterceptor for RevealCard {
///     fn execute<'a>(&'a self, _: &'a Attempt, mut next: Next<'a>) -> BoxFuture<'a, Outcome> {
///         Box::pin(async move {
///             if let Some(first) = next.arguments_mut().first_mut() {
///                 let mut order: serde_json::Value = payload::decode(first)?;
///                 if let Some(masked) = order["card"].as_str() {
///                     order["card"] = masked.chars().rev().collect::<String>().into();
///                 }
///                 *first = payload::encode(&order)?;
///             }
///             next.run().await
///         })
///     }
/// }
/// # let _ = activity_runtime::testing::ActivityEnvironment::builder(activity_runtime::activity_set![])
/// #     .interceptor(RevealCard);
/// ```
pub struct Next<'a> {
    rest: &'a [Arc<dyn ActivityInterceptor>],
    attempt: &'a Attempt,
    inputs: Inputs,
    activity: ActivityPart<'a>,
}

impl<'a> Next<'a> {
    pub(crate) fn new(
        interceptors: &'a [Arc<dyn ActivityInterceptor>],
        attempt: &'a Attempt,
        inputs: Inputs,
        activity: ActivityPart<'a>,
    ) -> Self {
        Self {
            rest: interceptors,
            attempt,
            inputs,
            activity,
        }
    }

    /// The arguments the activity will receive, one payload each, after the codec decoded
    /// them, and as the interceptors before this one left them.
    pub fn arguments(&self) -> &[Payload] {
        &self.inputs.arguments
    }

    /// The arguments, to replace: the activity decodes what is here into its parameters, so
    /// a payload that no longer fits its parameter fails the attempt as a caller's would.
    pub fn arguments_mut(&mut self) -> &mut Vec<Payload> {
        &mut self.inputs.arguments
    }

    /// The headers the activity will see with
    /// [`ActivityContext::headers`](crate::ActivityContext::headers), as the interceptors
    /// before this one left them; [`Attempt::headers`] stays what the caller sent.
    pub fn headers(&self) -> &HashMap<String, Payload> {
        &self.inputs.headers
    }

    /// The headers, to add, replace or remove one.
    pub fn headers_mut(&mut self) -> &mut HashMap<String, Payload> {
        Arc::make_mut(&mut self.inputs.headers)
    }

    /// Runs the rest of the attempt to its outcome.
    pub async fn run(self) -> Outcome {
        match self.rest.split_first() {
            Some((first, rest)) => {
                let next = Next {
                    rest,
                    attempt: self.attempt,
                    inputs: self.inputs,
                    activity: self.activity,
                };
                first.execute(self.attempt, next).await
            }
            None => (self.activity)(self.inputs).await,
        }
    }
}

impl fmt::Debug for Next<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Next")
            .field("interceptors", &self.rest.len())
            .finish_non_exhaustive()
    }
}

//! From one activity task to its outcome: the slot, the lookup, the codec, the context, the
//! executor that suits the body, and the checks on what comes back.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::blocking::BlockingPool;
use crate::codec::Codec;
use crate::context::{ActivityInfo, Cancellation, ContextParts, HeartbeatSink};
use crate::definition::ActivitySet;
use crate::error::ActivityError;
use crate::invocation::{Outcome, Work, panicked};
use crate::limits::PayloadLimits;
use crate::payload::Payload;
use crate::registry::{NameList, Registry, RegistryError};
use crate::slow_poll::SlowPollDetector;
use crate::state::StateMap;

/// How a worker or test environment runs activities. Every builder that runs activities sets
/// these.
#[derive(Clone)]
pub(crate) struct DispatchOptions {
    pub(crate) max_concurrent_activities: usize,
    pub(crate) blocking_threads: usize,
    pub(crate) slow_poll_threshold: Option<Duration>,
    pub(crate) payload_limits: PayloadLimits,
    pub(crate) codec: Codec,
    pub(crate) state: StateMap,
}

impl Default for DispatchOptions {
    fn default() -> Self {
        Self {
            // Python's and Core's default.
            max_concurrent_activities: 100,
            // As many threads as slots, so a blocking activity that holds a slot never waits
            // for a thread; idle threads stop after ten seconds.
            blocking_threads: 100,
            slow_poll_threshold: Some(Duration::from_millis(100)),
            payload_limits: PayloadLimits::default(),
            codec: Codec::default(),
            state: StateMap::default(),
        }
    }
}

/// The settings every builder that runs activities shares, on a builder with an `options:
/// DispatchOptions` field: the worker's and the test environment's, so that a test runs the
/// way production does.
macro_rules! dispatch_builder_methods {
    () => {
        /// Provides a shared value of type `T` to activities that take `State<T>`.
        pub fn state<T: Send + Sync + 'static>(self, value: T) -> Self {
            self.shared_state(::std::sync::Arc::new(value))
        }

        /// Provides a value that is already shared, as `State<T>`; the caller keeps its handle.
        pub fn shared_state<T: Send + Sync + 'static>(
            mut self,
            value: ::std::sync::Arc<T>,
        ) -> Self {
            self.options.state.insert::<T>(value);
            self
        }

        /// The payload codec (encryption, compression) applied to every payload that enters or
        /// leaves the activities: arguments, results, heartbeat details, failure details.
        pub fn codec(
            mut self,
            codec: impl $crate::codec::PayloadCodec + Send + Sync + 'static,
        ) -> Self {
            self.options.codec = $crate::codec::Codec::new(::std::sync::Arc::new(codec));
            self
        }

        /// The most activities that run at once; more wait for a slot. Default 100.
        pub fn max_concurrent_activities(mut self, slots: usize) -> Self {
            self.options.max_concurrent_activities = slots;
            self
        }

        /// The threads of the blocking pool, which runs plain-`fn` activities. Default 100.
        pub fn blocking_threads(mut self, threads: usize) -> Self {
            self.options.blocking_threads = threads;
            self
        }

        /// The longest one poll of an async activity may hold its thread before the blocking
        /// detector warns; `None` turns the detector off. Default 100 ms.
        pub fn slow_poll_threshold(mut self, threshold: Option<::std::time::Duration>) -> Self {
            self.options.slow_poll_threshold = threshold;
            self
        }

        /// The payload size limits. Default 2 MiB, with a warning above 512 KiB.
        pub fn payload_limits(mut self, limits: $crate::PayloadLimits) -> Self {
            self.options.payload_limits = limits;
            self
        }
    };
}

pub(crate) use dispatch_builder_methods;

/// One task for the dispatcher, from Core or from a test environment.
pub(crate) struct Task {
    pub(crate) info: ActivityInfo,
    pub(crate) arguments: Vec<Payload>,
    /// As the server sent them: still codec-encoded.
    pub(crate) last_heartbeat_details: Vec<Payload>,
    /// Receives codec-encoded heartbeat details.
    pub(crate) heartbeats: Option<HeartbeatSink>,
    pub(crate) cancellation: Cancellation,
}

/// Runs activity tasks. Cheap to clone; clones share the slots and the blocking pool.
#[derive(Clone)]
pub(crate) struct Dispatcher {
    shared: Arc<Shared>,
}

struct Shared {
    registry: Registry,
    slots: Semaphore,
    blocking: BlockingPool,
    slow_polls: SlowPollDetector,
    codec: Codec,
    limits: PayloadLimits,
    worker_shutdown: CancellationToken,
}

/// Why a dispatcher could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The set of activities cannot run: duplicate names, two dynamic activities, or state
    /// that was not given.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The blocking pool could not start.
    #[error("the blocking thread pool could not start: {0}")]
    BlockingPool(#[source] std::io::Error),
}

impl Dispatcher {
    pub(crate) fn new(set: ActivitySet, options: DispatchOptions) -> Result<Self, BuildError> {
        let registry = Registry::new(set, options.state)?;
        Ok(Self {
            shared: Arc::new(Shared {
                registry,
                slots: Semaphore::new(options.max_concurrent_activities.max(1)),
                blocking: BlockingPool::new(options.blocking_threads)
                    .map_err(BuildError::BlockingPool)?,
                slow_polls: SlowPollDetector::new(options.slow_poll_threshold),
                codec: options.codec,
                limits: options.payload_limits,
                worker_shutdown: CancellationToken::new(),
            }),
        })
    }

    /// Tells every running and future activity that the worker is shutting down.
    pub(crate) fn begin_shutdown(&self) {
        self.shared.worker_shutdown.cancel();
    }

    /// Runs one task to its outcome, waiting first for a free slot. The outcome's payloads are
    /// codec-encoded and within the size limits.
    pub(crate) async fn run(&self, task: Task) -> Outcome {
        let shared = &*self.shared;
        let _slot = shared
            .slots
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let info = &task.info;
        let span = tracing::info_span!(
            "activity",
            activity_type = %info.activity_type,
            activity_id = %info.activity_id,
            attempt = info.attempt,
            workflow_id = info.workflow.as_ref().map(|workflow| workflow.workflow_id.as_str()),
            task_queue = %info.task_queue,
        );
        let activity_type = info.activity_type.clone();
        let outcome = self
            .attempt(task, span.clone())
            .instrument(span.clone())
            .await;
        self.finish(&activity_type, outcome).instrument(span).await
    }

    async fn attempt(&self, task: Task, span: tracing::Span) -> Outcome {
        let shared = &*self.shared;
        let Some(definition) = shared.registry.resolve(&task.info.activity_type).copied() else {
            return Err(ActivityError::new(format!(
                "activity type `{}` is not registered on this worker; registered: {}",
                task.info.activity_type,
                NameList(&shared.registry.names())
            ))
            .with_type("NotFoundError"));
        };
        let arguments = shared.codec.decode("arguments", task.arguments).await?;
        let last_heartbeat_details = shared
            .codec
            .decode("last heartbeat details", task.last_heartbeat_details)
            .await?;
        let context = ContextParts {
            info: task.info,
            cancellation: task.cancellation,
            worker_shutdown: shared.worker_shutdown.clone(),
            last_heartbeat_details,
            heartbeats: task
                .heartbeats
                .map(|sink| self.heartbeat_sink(definition.name(), sink)),
            state: Arc::clone(shared.registry.state()),
        }
        .build();
        let invocation = definition.start(context.clone(), arguments)?;
        match invocation.work {
            Work::Async(future) => {
                let watched =
                    shared
                        .slow_polls
                        .watch(definition.name(), definition.function(), future);
                AssertUnwindSafe(context.scope(watched))
                    .catch_unwind()
                    .await
                    .unwrap_or_else(|panic| Err(panicked(&*panic)))
            }
            Work::Blocking(call) => shared.blocking.run(context, span, call).await,
        }
    }

    /// Codec-encodes what leaves the activity, and holds it to the size limits.
    async fn finish(&self, activity: &str, outcome: Outcome) -> Outcome {
        let shared = &*self.shared;
        match outcome {
            Ok(result) => {
                let encoded = shared.codec.encode("result", vec![result]).await?;
                shared.limits.check(activity, "result", &encoded)?;
                Ok(encoded
                    .into_iter()
                    .next()
                    .expect("the codec kept the count"))
            }
            Err(error) => {
                let details = shared
                    .codec
                    .encode("failure details", error.details().to_vec())
                    .await?;
                shared.limits.check(activity, "failure details", &details)?;
                Err(error.replace_details(details))
            }
        }
    }

    /// Where the context sends heartbeats: straight to `sink` without a codec, or through a
    /// task that encodes them in order.
    fn heartbeat_sink(&self, activity: &'static str, sink: HeartbeatSink) -> HeartbeatSink {
        let limits = self.shared.limits;
        let deliver = move |details: Vec<Payload>| match limits.check(
            activity,
            "heartbeat details",
            &details,
        ) {
            Ok(()) => sink(details),
            Err(error) => tracing::warn!(
                activity_type = activity,
                "heartbeat dropped: {}",
                error.message()
            ),
        };
        let codec = self.shared.codec.clone();
        if !codec.is_some() {
            return Arc::new(deliver);
        }
        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<Vec<Payload>>();
        tokio::spawn(async move {
            while let Some(details) = receiver.recv().await {
                match codec.encode("heartbeat details", details).await {
                    Ok(encoded) => deliver(encoded),
                    Err(error) => tracing::warn!(
                        activity_type = activity,
                        "heartbeat dropped: {}",
                        error.message()
                    ),
                }
            }
        });
        Arc::new(move |details| {
            let _ = sender.send(details);
        })
    }
}

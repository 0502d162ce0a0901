//! The options every builder that runs activities shares: the worker's, the official bridge's
//! and the test environment's, so that a test runs the way production does.

use std::sync::Arc;
use std::time::Duration;

use temporalio_common::telemetry::metrics::TemporalMeter;

use super::codec::Codec;
use super::limits::PayloadLimits;
use crate::context::state::StateMap;
use crate::interceptor::ActivityInterceptor;
use crate::payload::{PayloadConverter, converter_or_default};

/// How a worker or test environment runs activities. Every builder that runs activities sets
/// these.
#[derive(Clone)]
pub(crate) struct DispatchOptions {
    pub(crate) max_concurrent_activities: usize,
    pub(crate) blocking_threads: usize,
    pub(crate) slow_poll_threshold: Option<Duration>,
    pub(crate) payload_limits: PayloadLimits,
    pub(crate) codec: Codec,
    /// `None`: when there is a codec.
    pub(crate) encode_failure_messages: Option<bool>,
    pub(crate) state: StateMap,
    pub(crate) graceful_shutdown_period: Duration,
    pub(crate) shutdown_abandon_period: Duration,
    /// Where activities' own metrics go: the worker's exporter, or a test's recording.
    pub(crate) meter: TemporalMeter,
    /// The first is the outermost.
    pub(crate) interceptors: Vec<Arc<dyn ActivityInterceptor>>,
    pub(crate) auto_heartbeat: bool,
    /// `None`: the default converter.
    pub(crate) converter: Option<Arc<dyn PayloadConverter>>,
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
            encode_failure_messages: None,
            state: StateMap::default(),
            graceful_shutdown_period: Duration::from_secs(10),
            shutdown_abandon_period: Duration::from_secs(5),
            meter: TemporalMeter::no_op(),
            interceptors: Vec::new(),
            auto_heartbeat: false,
            converter: None,
        }
    }
}

impl DispatchOptions {
    /// The payload converter the activities use.
    pub(crate) fn converter(&self) -> &dyn PayloadConverter {
        converter_or_default(self.converter.as_ref())
    }
}

/// The settings every builder that runs activities shares, on a builder with an `options:
/// DispatchOptions` field and a `set: ActivitySet` one: the worker's, the official bridge's
/// and the test environment's, so that a test runs the way production does.
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

        /// Adds the activities of an `#[activities]` impl block, run on `instance`, as
        /// functions are added with the set.
        pub fn instance<T: $crate::definition::ActivityImpl>(self, instance: T) -> Self {
            self.shared_instance(::std::sync::Arc::new(instance))
        }

        /// Adds the activities of an `#[activities]` impl block, run on an instance that is
        /// already shared; the caller keeps its handle.
        pub fn shared_instance<T: $crate::definition::ActivityImpl>(
            mut self,
            instance: ::std::sync::Arc<T>,
        ) -> Self {
            self.set = ::std::mem::take(&mut self.set)
                .merge($crate::ActivitySet::from_shared_instance(instance));
            self
        }

        /// The payload codec (encryption, compression) applied to every payload that enters or
        /// leaves the activities: arguments, results, heartbeat details, failure details.
        pub fn codec(
            mut self,
            codec: impl $crate::payload::codec::PayloadCodec + Send + Sync + 'static,
        ) -> Self {
            self.options.codec = $crate::dispatch::codec::Codec::new(::std::sync::Arc::new(codec));
            self
        }

        /// The payload converter that decodes every argument and encodes every result,
        /// heartbeat detail and failure detail, before the [`codec`](Self::codec): msgpack,
        /// CBOR, or a JSON with other rules, for callers whose SDKs use the same (see
        /// [`PayloadConverter`]($crate::payload::PayloadConverter)). Headers keep the default
        /// encoding. Default: the
        /// [default converter]($crate::payload::DefaultPayloadConverter), which every SDK
        /// reads.
        ///
        /// ```
        /// # use activity_runtime::{Worker, activity, activity_set};
        /// # use activity_runtime::payload::PayloadConverter;
        /// # #[activity] async fn greet() {}
        /// struct MsgPack; // its methods as in `PayloadConverter`'s example
        /// impl PayloadConverter for MsgPack {}
        ///
        /// let builder = Worker::builder("greetings", activity_set![greet]).payload_converter(MsgPack);
        /// # let _ = builder;
        /// ```
        pub fn payload_converter(
            mut self,
            converter: impl $crate::payload::PayloadConverter,
        ) -> Self {
            self.options.converter =
                $crate::payload::custom_converter(::std::sync::Arc::new(converter));
            self
        }

        /// Whether each failure's message (and its causes') travels encoded: replaced by
        /// "Encoded failure", and moved into an attribute payload that the codec encodes, as
        /// Python's and Go's `encode_common_attributes` do, so that a codec that encrypts
        /// covers what a failure says too. Callers with the same codec read the message as
        /// usual. Default: on when a [`codec`](Self::codec) is set. On the official SDK's
        /// worker its own failure converter decides, and this has no effect.
        pub fn encode_failure_messages(mut self, encode: bool) -> Self {
            self.options.encode_failure_messages = Some(encode);
            self
        }

        /// Wraps every attempt in `interceptor`, after those added before it: see
        /// [`interceptor`]($crate::interceptor). Default: none.
        pub fn interceptor(
            mut self,
            interceptor: impl $crate::interceptor::ActivityInterceptor,
        ) -> Self {
            self.options
                .interceptors
                .push(::std::sync::Arc::new(interceptor));
            self
        }

        /// Heartbeats for every activity that has a heartbeat timeout, at half of it, while
        /// the attempt runs, whenever the activity sent none itself: with the details it sent
        /// last, or those of the attempt before until it sends its own. So a long activity
        /// needs no heartbeat of its own to stay alive, and still learns of its cancellation,
        /// pause or reset through the answers (temporalio/features#229). Stops when the
        /// attempt ends; an activity without a heartbeat timeout costs nothing. Default off.
        ///
        /// ```
        /// # use activity_runtime::{Worker, activity, activity_set};
        /// # #[activity] async fn long_export() {}
        /// let builder = Worker::builder("exports", activity_set![long_export]).auto_heartbeat(true);
        /// # let _ = builder;
        /// ```
        pub fn auto_heartbeat(mut self, on: bool) -> Self {
            self.options.auto_heartbeat = on;
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
        pub fn payload_limits(mut self, limits: $crate::dispatch::limits::PayloadLimits) -> Self {
            self.options.payload_limits = limits;
            self
        }

        /// How long running activities may go on after a shutdown begins, seeing
        /// `ActivityContext::worker_shutdown`, before they are cancelled. Default 10 s.
        pub fn graceful_shutdown_period(mut self, period: ::std::time::Duration) -> Self {
            self.options.graceful_shutdown_period = period;
            self
        }

        /// How long activities still running after the grace period have, once cancelled, to
        /// stop. Then an async activity is dropped, a blocking one is left to finish on its
        /// thread, and both are reported as failed with the type `WorkerShutdown`, so that the
        /// server retries them elsewhere at once. Default 5 s.
        pub fn shutdown_abandon_period(mut self, period: ::std::time::Duration) -> Self {
            self.options.shutdown_abandon_period = period;
            self
        }
    };
}

pub(crate) use dispatch_builder_methods;

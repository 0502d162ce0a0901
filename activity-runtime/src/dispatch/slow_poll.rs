//! The blocking detector: an async activity that holds its executor thread too long in one poll
//! is blocking other activities, and is told so once, with the fix.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// Watches the polls of async activities. Python warns in its docs that a blocking call in an
/// `async def` stalls the event loop; this finds the activity that does it.
#[derive(Clone)]
pub(crate) struct SlowPollDetector {
    threshold: Option<Duration>,
    warned: Arc<Mutex<HashSet<&'static str>>>,
}

impl SlowPollDetector {
    /// A detector that reports polls longer than `threshold`, or none when it is `None`.
    pub(crate) fn new(threshold: Option<Duration>) -> Self {
        Self {
            threshold,
            warned: Arc::default(),
        }
    }

    /// `future`, timed at each poll.
    pub(crate) fn watch<F: Future + Unpin>(
        &self,
        activity: &'static str,
        function: &'static str,
        mut future: F,
    ) -> impl Future<Output = F::Output> {
        let detector = self.clone();
        std::future::poll_fn(move |cx: &mut Context<'_>| {
            let Some(threshold) = detector.threshold else {
                return Pin::new(&mut future).poll(cx);
            };
            let started = Instant::now();
            let poll: Poll<F::Output> = Pin::new(&mut future).poll(cx);
            let held = started.elapsed();
            if held > threshold {
                detector.report(activity, function, held, threshold);
            }
            poll
        })
    }

    fn report(
        &self,
        activity: &'static str,
        function: &'static str,
        held: Duration,
        threshold: Duration,
    ) {
        let first = self
            .warned
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(activity);
        if first {
            tracing::warn!(
                activity_type = activity,
                held_ms = held.as_millis() as u64,
                "async activity `{activity}` (`{function}`) blocked its executor thread for {} ms \
                 in one poll (the limit is {} ms), delaying every other activity on that thread; \
                 make it a plain `fn` so that it runs on the blocking pool, or move the blocking \
                 call into `tokio::task::spawn_blocking`. Reported once per activity type.",
                held.as_millis(),
                threshold.as_millis()
            );
        }
    }
}

//! Heartbeats that an attempt sends by itself (`auto_heartbeat`): at half the heartbeat
//! timeout, whenever the activity sent none itself, with the details it sent last, or those of
//! the attempt before until it sends its own. A heartbeat with no details would erase what the
//! server holds, from which a retry resumes, so the last details go out again.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::context::HeartbeatSink;
use crate::payload::Payload;

/// What the activity heartbeated last, and whether it did since the last tick.
struct Latest {
    details: Mutex<Vec<Payload>>,
    sent: AtomicBool,
}

/// The automatic heartbeats of one attempt.
pub(crate) struct AutoHeartbeat {
    interval: Duration,
    latest: Arc<Latest>,
    deliver: HeartbeatSink,
}

impl AutoHeartbeat {
    /// For an attempt with `heartbeat_timeout`, whose previous attempt recorded `previous`:
    /// the sink its context calls, which notes what the activity sends before `deliver` takes
    /// it, and the ticker. `None` without a heartbeat timeout, which leaves `deliver` as it is.
    pub(crate) fn wrap(
        heartbeat_timeout: Option<Duration>,
        previous: &[Payload],
        deliver: HeartbeatSink,
    ) -> (HeartbeatSink, Option<Self>) {
        let Some(timeout) = heartbeat_timeout.filter(|timeout| !timeout.is_zero()) else {
            return (deliver, None);
        };
        let latest = Arc::new(Latest {
            details: Mutex::new(previous.to_vec()),
            sent: AtomicBool::new(false),
        });
        let noting: HeartbeatSink = {
            let (latest, deliver) = (Arc::clone(&latest), Arc::clone(&deliver));
            Arc::new(move |details: Vec<Payload>| {
                details.clone_into(
                    &mut latest
                        .details
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner),
                );
                latest.sent.store(true, Ordering::Release);
                deliver(details)
            })
        };
        let ticker = Self {
            interval: timeout / 2,
            latest,
            deliver,
        };
        (noting, Some(ticker))
    }

    /// Runs `attempt`, heartbeating beside it until it ends.
    pub(crate) async fn beside<F: Future>(self, attempt: F) -> F::Output {
        let mut attempt = std::pin::pin!(attempt);
        loop {
            tokio::select! {
                biased;
                output = &mut attempt => return output,
                () = tokio::time::sleep(self.interval) => self.tick(),
            }
        }
    }

    /// Heartbeats with the latest details, unless the activity heartbeated since the last tick.
    fn tick(&self) {
        if self.latest.sent.swap(false, Ordering::AcqRel) {
            return;
        }
        let details = self
            .latest
            .details
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        // Details that did not fit were dropped, and reported, when the activity sent them;
        // they are dropped again here.
        let _ = (self.deliver)(details);
    }
}

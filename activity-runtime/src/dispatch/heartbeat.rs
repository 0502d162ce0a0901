//! One attempt's heartbeats on their way out: the size check, the codec, and the worker.
//!
//! Without a codec, `ctx.heartbeat` hands its details straight to the worker, which throttles
//! them (Temporal Core sends the latest at most once per throttle interval). A codec is async
//! and may be slow, so with one the details wait in a mailbox that holds only the latest: Core
//! would send only the latest anyway, and a codec that falls behind must not grow a queue. The
//! mailbox's pump runs beside the attempt and delivers what is pending before the attempt's
//! outcome leaves, so that a retry never resumes from older details than the last heartbeat.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::Notify;

use super::codec::Codec;
use super::limits::PayloadLimits;
use crate::context::HeartbeatSink;
use crate::payload::Payload;

/// The heartbeat path of one attempt: the sink its context calls, and the pump that must run
/// beside the attempt when there is a codec.
pub(crate) struct Heartbeats {
    pub(crate) sink: HeartbeatSink,
    pump: Option<Pump>,
}

impl Heartbeats {
    /// Heartbeats of `activity` that end in `deliver`, after the size check and the codec.
    pub(crate) fn new(
        activity: &'static str,
        deliver: HeartbeatSink,
        codec: &Codec,
        limits: PayloadLimits,
    ) -> Self {
        let checked: HeartbeatSink = Arc::new(move |details: Vec<Payload>| {
            match limits.check(activity, "heartbeat details", &details) {
                Ok(()) => deliver(details),
                Err(error) => dropped(activity, error.message()),
            }
        });
        if !codec.is_some() {
            return Self {
                sink: checked,
                pump: None,
            };
        }
        let mailbox = Arc::new(Mailbox::default());
        let sink = {
            let mailbox = Arc::clone(&mailbox);
            Arc::new(move |details| mailbox.put(details)) as HeartbeatSink
        };
        Self {
            sink,
            pump: Some(Pump {
                activity,
                mailbox,
                codec: codec.clone(),
                deliver: checked,
            }),
        }
    }

    /// Runs `attempt` with the pump beside it; once the attempt ends, what is pending is
    /// delivered (or dropped, when the codec fails) before the attempt's outcome is returned.
    pub(crate) async fn alongside<F: Future>(self, attempt: F) -> F::Output {
        let Some(pump) = self.pump else {
            return attempt.await;
        };
        let mailbox = Arc::clone(&pump.mailbox);
        let attempt = async {
            let output = attempt.await;
            mailbox.close();
            output
        };
        let (output, ()) = tokio::join!(attempt, pump.run());
        output
    }
}

/// The latest details not yet encoded, and the signal that there are some.
#[derive(Default)]
struct Mailbox {
    latest: Mutex<Option<Vec<Payload>>>,
    ready: Notify,
    closed: AtomicBool,
}

impl Mailbox {
    fn put(&self, details: Vec<Payload>) {
        *self.latest.lock().unwrap_or_else(PoisonError::into_inner) = Some(details);
        self.ready.notify_one();
    }

    fn take(&self) -> Option<Vec<Payload>> {
        self.latest
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.ready.notify_one();
    }
}

struct Pump {
    activity: &'static str,
    mailbox: Arc<Mailbox>,
    codec: Codec,
    deliver: HeartbeatSink,
}

impl Pump {
    async fn run(self) {
        loop {
            match self.mailbox.take() {
                Some(details) => match self.codec.encode("heartbeat details", details).await {
                    Ok(encoded) => (self.deliver)(encoded),
                    Err(error) => dropped(self.activity, error.message()),
                },
                None if self.mailbox.closed.load(Ordering::Acquire) => return,
                None => self.mailbox.ready.notified().await,
            }
        }
    }
}

fn dropped(activity: &str, reason: &str) {
    tracing::warn!(activity_type = activity, "heartbeat dropped: {reason}");
}

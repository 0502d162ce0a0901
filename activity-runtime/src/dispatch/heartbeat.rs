//! One attempt's heartbeats on their way out: the codec, the size check, and the worker.
//!
//! Without a codec, and with a worker that takes details at once, `ctx.heartbeat` hands its
//! details straight to the worker, which throttles them (Temporal Core sends the latest at most
//! once per throttle interval). A codec is async and may be slow, and so is the official SDK's
//! `record_heartbeat`; with either, the details wait in a mailbox that holds only the latest:
//! Core would send only the latest anyway, and a delivery that falls behind must not grow a
//! queue. The mailbox's pump runs beside the attempt and delivers what is pending before the
//! attempt's outcome leaves, so that a retry never resumes from older details than the last
//! heartbeat.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::Notify;

use super::codec::Codec;
use super::limits::PayloadLimits;
use crate::context::HeartbeatSink;
use crate::payload::Payload;

/// Where an attempt's heartbeat details end, codec-encoded.
pub(crate) enum HeartbeatDelivery {
    /// Takes details at once: Core's worker, which throttles them, or a test environment.
    Immediate(HeartbeatSink),
    /// Takes details asynchronously: the official SDK's activity context.
    #[cfg(feature = "temporalio-sdk")]
    Awaited(Arc<dyn Fn(Vec<Payload>) -> futures::future::BoxFuture<'static, ()> + Send + Sync>),
}

impl HeartbeatDelivery {
    async fn deliver(&self, details: Vec<Payload>) {
        match self {
            Self::Immediate(sink) => sink(details),
            #[cfg(feature = "temporalio-sdk")]
            Self::Awaited(deliver) => deliver(details).await,
        }
    }
}

/// The heartbeat path of one attempt: the sink its context calls, and the pump that must run
/// beside the attempt when delivery is async.
pub(crate) struct Heartbeats {
    pub(crate) sink: HeartbeatSink,
    pump: Option<Pump>,
}

impl Heartbeats {
    /// Heartbeats of `activity` that end in `delivery`, after the codec and the size check.
    pub(crate) fn new(
        activity: &'static str,
        delivery: HeartbeatDelivery,
        codec: &Codec,
        limits: PayloadLimits,
    ) -> Self {
        if let HeartbeatDelivery::Immediate(deliver) = &delivery
            && !codec.is_some()
        {
            let deliver = Arc::clone(deliver);
            let sink: HeartbeatSink = Arc::new(move |details: Vec<Payload>| {
                match limits.check(activity, "heartbeat details", &details) {
                    Ok(()) => deliver(details),
                    Err(error) => dropped(activity, error.message()),
                }
            });
            return Self { sink, pump: None };
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
                limits,
                delivery,
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
    limits: PayloadLimits,
    delivery: HeartbeatDelivery,
}

impl Pump {
    async fn run(self) {
        loop {
            match self.mailbox.take() {
                Some(details) => self.send(details).await,
                None if self.mailbox.closed.load(Ordering::Acquire) => return,
                None => self.mailbox.ready.notified().await,
            }
        }
    }

    async fn send(&self, details: Vec<Payload>) {
        let encoded = self.codec.encode("heartbeat details", details).await;
        let checked = encoded.and_then(|encoded| {
            self.limits
                .check(self.activity, "heartbeat details", &encoded)
                .map(|()| encoded)
        });
        match checked {
            Ok(encoded) => self.delivery.deliver(encoded).await,
            Err(error) => dropped(self.activity, error.message()),
        }
    }
}

fn dropped(activity: &str, reason: &str) {
    tracing::warn!(activity_type = activity, "heartbeat dropped: {reason}");
}

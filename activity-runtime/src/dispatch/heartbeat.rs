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
use crate::context::{ActivityContext, HeartbeatSink};
use crate::error::ActivityError;
use crate::payload::Payload;

/// Takes codec-encoded details at once: Core's worker, which throttles them, or a test
/// environment's log.
pub(crate) type DeliverNow = Arc<dyn Fn(Vec<Payload>) + Send + Sync>;

/// Where an attempt's heartbeat details end, codec-encoded.
pub(crate) enum HeartbeatDelivery {
    /// Takes details at once: Core's worker, which throttles them, or a test environment.
    Immediate(DeliverNow),
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
                limits.check(activity, "heartbeat details", &details)?;
                deliver(details);
                Ok(())
            });
            return Self { sink, pump: None };
        }
        let mailbox = Arc::new(Mailbox::default());
        let sink = {
            let mailbox = Arc::clone(&mailbox);
            Arc::new(move |details| {
                mailbox.put(details);
                Ok(())
            }) as HeartbeatSink
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
    /// delivered (or dropped, when the codec fails, and reported on `context`) before the
    /// attempt's outcome is returned.
    pub(crate) async fn alongside<F: Future>(
        self,
        context: &ActivityContext,
        attempt: F,
    ) -> F::Output {
        let Some(pump) = self.pump else {
            return attempt.await;
        };
        let mailbox = Arc::clone(&pump.mailbox);
        let attempt = async {
            let output = attempt.await;
            mailbox.close();
            output
        };
        let (output, ()) = tokio::join!(attempt, pump.run(context));
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
    async fn run(self, context: &ActivityContext) {
        loop {
            match self.mailbox.take() {
                Some(details) => {
                    if let Err(dropped) = self.send(details).await {
                        context.heartbeat_dropped(&dropped);
                    }
                }
                None if self.mailbox.closed.load(Ordering::Acquire) => return,
                None => self.mailbox.ready.notified().await,
            }
        }
    }

    async fn send(&self, details: Vec<Payload>) -> Result<(), ActivityError> {
        let encoded = self.codec.encode("heartbeat details", details).await?;
        self.limits
            .check(self.activity, "heartbeat details", &encoded)?;
        self.delivery.deliver(encoded).await;
        Ok(())
    }
}

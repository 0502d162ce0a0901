//! Core's side of a worker: the poll loop, the hand-off of each attempt to the runtime the
//! activities run on, the report of each outcome to Core, and Core's shutdown.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures::FutureExt;
use futures::future::Either;
use temporalio_client::Client;
use temporalio_common::protos::coresdk::activity_task::{ActivityTask, Start, activity_task};
use temporalio_common::protos::coresdk::{ActivityHeartbeat, ActivityTaskCompletion};
use temporalio_sdk_core::{CoreRuntime, PollError, Worker as CoreWorker};
use tokio::runtime::Handle;
use tokio::task::{JoinError, JoinSet};

use super::WorkerError;
use super::translate::{cancellation_details, execution_result, info_from, refused_completion};
use crate::activity::Outcome;
use crate::activity::invocation::panicked_while;
use crate::context::{ActivityInfo, Cancellation};
use crate::dispatch::{Dispatcher, HeartbeatDelivery, Task};
use crate::error::{ActivityError, RuntimeFailure};

/// How long, after the last attempt was abandoned, the worker waits for Temporal Core to report
/// the outcomes and finish its own shutdown before it stops without it.
const CORE_SHUTDOWN_MARGIN: Duration = Duration::from_secs(5);

/// The attempts in flight, by task token, so that Core's cancellations reach them.
type Running = Arc<Mutex<HashMap<Vec<u8>, Cancellation>>>;

/// A worker registered with Core, on the runtime Core runs on.
pub(super) struct CoreSide {
    core: Arc<CoreWorker>,
    // Core's runtime must outlive its worker.
    _runtime: CoreRuntime,
    dispatcher: Dispatcher,
    /// On the connection Core polls on; lent to the activities, and to the `Worker`.
    client: Client,
    task_queue: String,
    /// Whether Core has a thread of its own, so that attempts go to the activities' runtime.
    own_thread: bool,
}

impl CoreSide {
    /// Must be called on the runtime Core runs on.
    pub(super) fn new(
        core: CoreWorker,
        runtime: CoreRuntime,
        dispatcher: Dispatcher,
        client: Client,
        task_queue: String,
        own_thread: bool,
    ) -> Self {
        let core = Arc::new(core);
        // A shutdown begun from any thread (a `ShutdownHandle`, a signal, a dropped `run`)
        // reaches Core here. Weak, so that Core's final shutdown never waits for this task.
        let watched = Arc::downgrade(&core);
        let shutdown = dispatcher.clone();
        tokio::spawn(async move {
            shutdown.shutdown_begun().await;
            if let Some(core) = watched.upgrade() {
                core.initiate_shutdown();
            }
        });
        Self {
            core,
            _runtime: runtime,
            dispatcher,
            client,
            task_queue,
            own_thread,
        }
    }

    pub(super) fn client(&self) -> Client {
        self.client.clone()
    }

    /// Shuts Core down for a worker that was dropped before it ran.
    pub(super) async fn stop_unrun(self) -> Result<(), WorkerError> {
        self.dispatcher.begin_shutdown();
        self.finish(true).await;
        Ok(())
    }

    /// Polls until the shutdown ends polling, or polling fails, running each attempt on
    /// `activities`, then waits for every attempt and for Core's own shutdown: see
    /// `Worker::run`.
    pub(super) async fn serve(self, activities: Handle) -> Result<(), WorkerError> {
        let running = Running::default();
        let mut attempts = JoinSet::new();
        let mut failure = None;
        let overdue = overdue(self.dispatcher.clone());
        tokio::pin!(overdue);
        let core_finished = loop {
            while attempts.try_join_next().is_some() {}
            let polled = tokio::select! {
                polled = self.core.poll_activity_task() => polled,
                () = &mut overdue => break false,
            };
            match polled {
                Ok(task) => self.accept(task, &activities, &running, &mut attempts),
                Err(PollError::ShutDown) => break true,
                Err(PollError::TonicError(status)) => {
                    if failure.is_none() {
                        tracing::error!(
                            task_queue = self.task_queue,
                            "polling failed, so the worker shuts down: {status}"
                        );
                        failure = Some(WorkerError::Poll {
                            task_queue: self.task_queue.clone(),
                            source: Box::new(status),
                        });
                        self.dispatcher.begin_shutdown();
                    }
                    // Polls go on: Core returns `ShutDown` from them once every attempt has
                    // completed, and its shutdown waits for that.
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        };
        // Bounded: the dispatcher abandons whatever outlives the shutdown's deadline.
        while attempts.join_next().await.is_some() {}
        self.finish(core_finished).await;
        failure.map_or(Ok(()), Err)
    }

    /// Waits, within a margin, for Core's shutdown, when Core has finished its work.
    async fn finish(self, core_finished: bool) {
        if !core_finished {
            tracing::warn!(
                task_queue = self.task_queue,
                "Temporal Core still had work after the shutdown's deadline; the worker stops \
                 without waiting for it"
            );
            return;
        }
        let finished = tokio::time::timeout(CORE_SHUTDOWN_MARGIN, async {
            self.core.initiate_shutdown();
            self.core.shutdown().await;
            if let Ok(core) = Arc::try_unwrap(self.core) {
                core.finalize_shutdown().await;
            }
        });
        if finished.await.is_err() {
            tracing::warn!(
                task_queue = self.task_queue,
                "Temporal Core did not finish its shutdown in time; the worker stops anyway"
            );
        }
    }

    fn accept(
        &self,
        task: ActivityTask,
        activities: &Handle,
        running: &Running,
        attempts: &mut JoinSet<()>,
    ) {
        let token = task.task_token;
        match task.variant {
            Some(activity_task::Variant::Start(start)) => {
                tracing::debug!(
                    task_queue = self.task_queue,
                    activity_type = start.activity_type,
                    activity_id = start.activity_id,
                    attempt = start.attempt,
                    "activity task received"
                );
                let namespace = &self.client.options().namespace;
                match info_from(&token, &start, &self.task_queue, namespace) {
                    Ok(info) => {
                        self.start(token, info, start, activities, running, attempts);
                    }
                    Err(malformed) => {
                        let error =
                            RuntimeFailure::MalformedTask.with_message(malformed.to_string());
                        tracing::error!("{}", error.message());
                        let core = Arc::clone(&self.core);
                        attempts.spawn(async move { complete(&core, token, Err(error)).await });
                    }
                }
            }
            Some(activity_task::Variant::Cancel(cancel)) => {
                if let Some(cancellation) = lock(running).get(&token) {
                    cancellation.cancel(cancellation_details(&cancel));
                }
            }
            None => tracing::warn!("Temporal Core sent an activity task with no variant"),
        }
    }

    /// Runs one attempt, on the activities' runtime when Core has a thread of its own,
    /// reachable by its token for Core's cancellations while it runs, and reports its outcome
    /// to Core from Core's runtime.
    fn start(
        &self,
        token: Vec<u8>,
        info: ActivityInfo,
        start: Start,
        activities: &Handle,
        running: &Running,
        attempts: &mut JoinSet<()>,
    ) {
        let cancellation = Cancellation::default();
        lock(running).insert(token.clone(), cancellation.clone());
        let core = Arc::clone(&self.core);
        let heartbeat_token = token.clone();
        let heartbeats = Arc::new(move |details| {
            core.record_activity_heartbeat(ActivityHeartbeat {
                task_token: heartbeat_token.clone(),
                details,
            });
        });
        let task = Task {
            info,
            headers: start.header_fields,
            arguments: start.input,
            last_heartbeat_details: start.heartbeat_details,
            heartbeats: Some(HeartbeatDelivery::Immediate(heartbeats)),
            cancellation,
            result: None,
            client: Some(self.client.clone()),
        };
        let dispatcher = self.dispatcher.clone();
        // Never panics, and ends by the shutdown's deadline.
        let attempt = async move { dispatcher.run(task).await };
        let attempt = if self.own_thread {
            Either::Left(activities.spawn(attempt))
        } else {
            Either::Right(attempt)
        };
        let core = Arc::clone(&self.core);
        let running = Arc::clone(running);
        attempts.spawn(async move {
            let outcome = match attempt {
                Either::Left(spawned) => spawned.await.unwrap_or_else(lost),
                Either::Right(inline) => inline.await,
            };
            lock(&running).remove(&token);
            // Boxed, as the attempt is: Core's future is kilobytes, and held inline it would be
            // copied into the task and out of it with the task's every move.
            Box::pin(complete(&core, token, outcome)).await;
        });
    }
}

/// The failure for an attempt whose task never finished: the activities' runtime shut down
/// under it (a panic cannot reach here, as the attempt catches its own).
fn lost(error: JoinError) -> Outcome {
    if error.is_panic() {
        let panic = error.into_panic();
        return Err(panicked_while("running the attempt", &*panic));
    }
    let error: ActivityError = RuntimeFailure::WorkerShutdown
        .with_message("the runtime the activities ran on shut down before the attempt finished");
    tracing::warn!("{}", error.message());
    Err(error)
}

/// Completes once a shutdown has begun and the worker has had all the time it gets to end:
/// the grace period, the abandon period, and a margin for Core to report the outcomes.
async fn overdue(dispatcher: Dispatcher) {
    dispatcher.shutdown_begun().await;
    tokio::time::sleep(dispatcher.shutdown_periods() + CORE_SHUTDOWN_MARGIN).await;
}

/// Reports an attempt's outcome to Core.
///
/// Core refuses a completion only when it is malformed (a success without a result payload) or
/// the worker does not run activities: neither passes on a retry. It retries transient network
/// errors itself, inside its client, and turns a result over the namespace's payload limit into
/// a `PayloadsTooLarge` failure. So a refused completion is replaced once by a failure, which is
/// never malformed, naming the cause, so that the caller learns what happened instead of
/// waiting for a timeout. A panic while reporting is caught and replaced the same way: nothing
/// between Core's poll and this completion may leave a task uncompleted.
async fn complete(core: &CoreWorker, task_token: Vec<u8>, outcome: Outcome) {
    let completion = async {
        let result = Some(execution_result(outcome));
        core.complete_activity_task(ActivityTaskCompletion {
            task_token: task_token.clone(),
            result,
        })
        .await
    };
    let replacement = match AssertUnwindSafe(completion).catch_unwind().await {
        Ok(Ok(())) => return,
        Ok(Err(refused)) => {
            tracing::error!("Temporal Core refused an activity's completion: {refused}");
            refused_completion(&refused)
        }
        Err(panic) => panicked_while("reporting the attempt's outcome to Temporal Core", &*panic),
    };
    let replacement = ActivityTaskCompletion {
        task_token,
        result: Some(execution_result(Err(replacement))),
    };
    if let Err(error) = core.complete_activity_task(replacement).await {
        tracing::error!("Temporal Core refused the failure that replaced a completion: {error}");
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

//! The workflow that schedules the fan-out loads: `count` activities in waves of `wave` (all
//! at once when `wave == count`), run by one official-SDK workflow worker in the driver.

use std::time::Duration;

use activity_runtime::{activity, activity_set, official};
use temporalio_client::Client;
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{
    ActivityOptions, Runtime, Worker, WorkerOptions, WorkflowContext, WorkflowResult,
};

use crate::{YourParams, greet};

/// The task queue of the driver's workflow worker.
pub const WORKFLOW_QUEUE: &str = "bench-workflows";

// The activities the loads call, declared here for their typed names; the workers under test
// serve them.

#[activity(name = "your_activity")]
pub async fn your_activity(input: YourParams) -> String {
    greet(&input)
}

#[activity(name = "sleep_async")]
pub async fn sleep_async(milliseconds: u64) {
    tokio::time::sleep(Duration::from_millis(milliseconds)).await;
}

#[activity(name = "sleep_blocking")]
pub fn sleep_blocking(milliseconds: u64) {
    std::thread::sleep(Duration::from_millis(milliseconds));
}

/// Which activity a load calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Kind {
    /// The seed's `your_activity`.
    Seed,
    /// `sleep_async(sleep_ms)`: `tokio::time::sleep` (Python: `asyncio.sleep`).
    SleepAsync,
    /// `sleep_blocking(sleep_ms)`: `std::thread::sleep` (Python: `time.sleep` in a thread).
    SleepBlocking,
}

/// What one workflow schedules.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Plan {
    pub queue: String,
    pub kind: Kind,
    pub count: u32,
    /// How many are scheduled at once; the next wave starts when one has all closed.
    pub wave: u32,
    pub sleep_ms: u64,
}

#[workflow]
#[derive(Default)]
pub struct Waves;

#[workflow_methods]
impl Waves {
    /// Runs the plan; returns how many activities completed.
    #[run]
    pub async fn run(ctx: &mut WorkflowContext<Self>, plan: Plan) -> WorkflowResult<u32> {
        let options = || {
            ActivityOptions::with_start_to_close_timeout(
                Duration::from_secs(300) + Duration::from_millis(plan.sleep_ms),
            )
            .task_queue(plan.queue.clone())
            .build()
        };
        // The SDK's own join: the `futures` one wakes through wakers of its own, which the
        // workflow's determinism check refuses.
        macro_rules! wave {
            ($activity:expr, $inputs:expr) => {{
                let calls = $inputs.map(|input| ctx.execute_activity($activity, input, options()));
                let results = temporalio_sdk::workflows::join_all(calls).await;
                results.iter().filter(|result| result.is_ok()).count() as u32
            }};
        }
        let mut completed = 0;
        let mut first = 0;
        while first < plan.count {
            let numbers = first..plan.count.min(first + plan.wave.max(1));
            first = numbers.end;
            completed += match plan.kind {
                Kind::Seed => wave!(
                    your_activity::ACTIVITY,
                    numbers.map(|n| YourParams {
                        greeting: "Hello".to_string(),
                        name: format!("World {n}"),
                    })
                ),
                Kind::SleepAsync => wave!(sleep_async::ACTIVITY, numbers.map(|_| plan.sleep_ms)),
                Kind::SleepBlocking => {
                    wave!(sleep_blocking::ACTIVITY, numbers.map(|_| plan.sleep_ms))
                }
            };
        }
        Ok(completed)
    }
}

/// The driver's workflow worker on `client`'s connection, which runs every [`Waves`].
pub fn workflow_worker(runtime: &Runtime, client: Client) -> anyhow::Result<Worker> {
    let options = WorkerOptions::new(WORKFLOW_QUEUE)
        .register_workflow::<Waves>()?
        .register_activities(official::Activities::new(activity_set![])?)
        .build();
    Ok(Worker::new(runtime, client, options)?)
}

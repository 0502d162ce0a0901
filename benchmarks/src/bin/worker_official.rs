//! The official Rust SDK's worker (`temporalio-sdk` with its `#[activities]` macro) serving the
//! seed's `your_activity`, as its documentation writes it; gzip by default, as its client is.

// The macro also makes an associated constant per activity, for workflows to call it by; this
// worker only serves it.
#![allow(dead_code)]

use activity_benchmarks::{WorkerArgs, YourParams, greet, ready};
use temporalio_client::{Client, ClientOptions, Connection};
use temporalio_macros::activities;
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use temporalio_sdk::runtime::worker_tuner::{FixedSizeSlotSupplier, TunerHolder};
use temporalio_sdk::{Runtime, Worker, WorkerOptions};

struct SeedActivities;

#[activities]
impl SeedActivities {
    #[activity(name = "your_activity")]
    async fn your_activity(
        _ctx: ActivityContext,
        input: YourParams,
    ) -> Result<String, ActivityError> {
        Ok(greet(&input))
    }
}

fn main() -> anyhow::Result<()> {
    let args = WorkerArgs::from_env();
    args.runtime().block_on(async {
        let runtime = Runtime::from_current_tokio(Default::default())?;
        let connection = Connection::connect(args.connection_options(true)?).await?;
        let client = Client::new(connection, ClientOptions::new("default").build())?;
        let mut options = WorkerOptions::new(args.task_queue.as_str())
            .register_activities(SeedActivities)
            .build();
        if let Some(slots) = args.slots {
            // The default tuner's fixed 100 slots, with the activities' replaced.
            let fixed = || FixedSizeSlotSupplier::new(100);
            options.tuner = TunerHolder::builder()
                .workflow_task_slot_supplier(fixed())
                .activity_task_slot_supplier(FixedSizeSlotSupplier::new(slots))
                .local_activity_task_slot_supplier(fixed())
                .nexus_task_slot_supplier(fixed())
                .build()
                .into();
        }
        let mut worker = Worker::new(&runtime, client, options)?;
        let shutdown = worker.shutdown_handle();
        tokio::spawn(async move {
            let mut terminate =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .expect("a SIGTERM handler");
            terminate.recv().await;
            shutdown();
        });
        ready();
        worker.run().await?;
        Ok(())
    })
}

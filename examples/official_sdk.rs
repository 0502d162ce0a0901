//! One process, both worlds: a workflow written with the official Rust SDK and our
//! `#[activity]` functions, served by the official worker on one task queue. The workflow calls
//! ours typed, as an activity and as a local activity.
//!
//! `cargo run --example official_sdk` starts a dev server of its own and prints the receipt.

use std::time::Duration;

use activity_runtime::dev_server::DevServer;
use activity_runtime::{activity, activity_set, official};
use temporalio_client::{WorkflowGetResultOptions, WorkflowStartOptions};
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{
    ActivityOptions, LocalActivityOptions, Runtime, Worker, WorkerOptions, WorkflowContext,
    WorkflowResult,
};

/// A blocking activity: it runs on our bounded pool, even on the official worker.
#[activity]
fn compute_total(prices: Vec<u64>) -> u64 {
    prices.iter().sum()
}

#[activity]
async fn format_receipt(order: String, total: u64) -> String {
    format!("order {order}: {total} cents")
}

#[workflow]
#[derive(Default)]
pub struct Checkout;

#[workflow_methods]
impl Checkout {
    #[run]
    pub async fn run(ctx: &mut WorkflowContext<Self>, prices: Vec<u64>) -> WorkflowResult<String> {
        let total = ctx
            .execute_activity(
                compute_total::ACTIVITY,
                prices,
                ActivityOptions::start_to_close_timeout(Duration::from_secs(10)),
            )
            .await?;
        let receipt = ctx
            .execute_local_activity(
                format_receipt::ACTIVITY,
                ("o-17".to_string(), total),
                LocalActivityOptions::builder()
                    .start_to_close_timeout(Duration::from_secs(10))
                    .build(),
            )
            .await?;
        Ok(receipt)
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = DevServer::start().await?;
    let client = server.connection().client().await?;
    let runtime = Runtime::from_current_tokio(Default::default())?;
    let options = WorkerOptions::new("checkout")
        .register_workflow::<Checkout>()?
        .register_activities(official::Activities::new(activity_set![
            compute_total,
            format_receipt
        ])?)
        .build();
    let mut worker = Worker::new(&runtime, client.clone(), options)?;
    let stop = worker.shutdown_handle();
    // The official worker's future is not `Send`, so it runs beside the caller on this task.
    let caller = async {
        let handle = client
            .start_workflow(
                Checkout::run,
                vec![250u64, 150],
                WorkflowStartOptions::new("checkout", format!("checkout-{}", std::process::id()))
                    .build(),
            )
            .await?;
        let receipt = handle
            .get_result(WorkflowGetResultOptions::default())
            .await?;
        stop();
        Ok::<_, Box<dyn std::error::Error>>(receipt)
    };
    let (served, receipt) = tokio::join!(worker.run(), caller);
    println!("{}", receipt?);
    served?;
    server.shutdown().await;
    Ok(())
}

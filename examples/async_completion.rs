//! An activity that finishes outside its function: a refund waits for a person's approval.
//!
//! `cargo run --example async_completion` starts a dev server and a worker, and requests a
//! refund as a standalone activity. `request_approval` hands its completion off with
//! `ActivityError::complete_async()` and passes its task token on (here through a channel; in
//! production to a ticket, an e-mail link or a queue), and its slot is free at once. A separate
//! process, this example run as `approve`, then completes the activity by its token, and the
//! caller gets the typed result.
//!
//! The same binary completes, fails or watches an activity of any worker, on the server at
//! `--address` (default: the one Temporal's environment names), addressed by its task token, by
//! its workflow's ids, or as a standalone activity by its id:
//!
//! ```sh
//! async_completion approve --token BASE64 --by alice
//! async_completion reject --workflow-id W --run-id R --activity-id A --reason "over budget"
//! async_completion watch --activity-id A   # heartbeats until cancellation is requested
//! ```

use std::collections::HashMap;
use std::time::Duration;

use activity_runtime::client::{AsyncCompletion, start_activity};
use activity_runtime::context::TaskToken;
use activity_runtime::{ActivityContext, ActivityError, ConnectionConfig, State, Worker};
use activity_runtime::{activity, activity_set};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

mod common;

#[derive(Debug, Serialize, Deserialize)]
pub struct Refund {
    pub order: String,
    pub amount_cents: u64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Approval {
    pub approved: bool,
    pub by: String,
}

/// Where approval requests go: a person's inbox, in production.
struct Reviewers(mpsc::UnboundedSender<(Refund, TaskToken)>);

#[activity]
async fn request_approval(
    ctx: ActivityContext,
    reviewers: State<Reviewers>,
    refund: Refund,
) -> Result<Approval, ActivityError> {
    let token = ctx.info().task_token.clone();
    reviewers.0.send((refund, token))?;
    // The function returns now; the activity stays open until someone completes it.
    Err(ActivityError::complete_async())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None => demo().await,
        Some(command) => complete(command, &flags(&args[1..])?).await,
    }
}

async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    let (inbox, mut requests) = mpsc::unbounded_channel();
    let local = common::Local::start(
        "approvals",
        Worker::builder("approvals", activity_set![request_approval]).state(Reviewers(inbox)),
    )
    .await?;
    let refund = Refund {
        order: "A-1042".into(),
        amount_cents: 1250,
    };
    let started = start_activity(
        &local.client,
        request_approval::ACTIVITY,
        refund,
        local.options("refund", None),
    )
    .await?;
    let (refund, token) = requests.recv().await.ok_or("the worker stopped")?;
    println!(
        "Refund of {} cents for order {} awaits approval",
        refund.amount_cents, refund.order
    );

    // The approver is another process, as it would be in production.
    let approver = tokio::process::Command::new(std::env::current_exe()?)
        .args(["approve", "--address", local.address()])
        .args(["--token", &BASE64.encode(token.as_bytes())])
        .args(["--by", "the example"])
        .status()
        .await?;
    if !approver.success() {
        return Err(format!("the approver failed: {approver}").into());
    }

    let approval = started.result().await?;
    println!(
        "Refund {} by {}",
        if approval.approved {
            "approved"
        } else {
            "refused"
        },
        approval.by
    );
    local.stop().await
}

/// Completes, fails or watches the activity that `flags` address.
async fn complete(
    command: &str,
    flags: &HashMap<String, String>,
) -> Result<(), Box<dyn std::error::Error>> {
    let flag = |name: &str| {
        flags
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| format!("`{command}` needs --{name}"))
    };
    let connection = match flags.get("address") {
        Some(address) => ConnectionConfig::new(address)?,
        None => ConnectionConfig::from_env()?,
    };
    let client = connection.client().await?;
    let activity = match (flags.get("token"), flags.get("workflow-id")) {
        (Some(token), _) => {
            AsyncCompletion::by_token(&client, &TaskToken::from(BASE64.decode(token)?))
        }
        (None, Some(workflow_id)) => AsyncCompletion::by_workflow_ids(
            &client,
            workflow_id,
            flags.get("run-id").map_or("", String::as_str),
            flag("activity-id")?,
        ),
        (None, None) => AsyncCompletion::standalone(
            &client,
            flag("activity-id")?,
            flags.get("run-id").map_or("", String::as_str),
        ),
    };
    match command {
        "approve" => {
            let by = flag("by")?.to_string();
            activity.complete(&Approval { approved: true, by }).await?;
            println!("approved {activity}");
        }
        "reject" => {
            let rejection = ActivityError::new(flag("reason")?)
                .with_type("Rejected")
                .non_retryable();
            activity.fail(rejection).await?;
            println!("rejected {activity}");
        }
        "watch" => {
            let mut heartbeats = 0;
            while !activity
                .heartbeat(&"awaiting approval")
                .await?
                .cancel_requested
            {
                heartbeats += 1;
                if heartbeats > 600 {
                    return Err("no cancellation was requested within a minute".into());
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            activity.report_cancellation().await?;
            println!("cancellation requested after {heartbeats} heartbeats, and reported");
        }
        other => return Err(format!("unknown command `{other}`: approve, reject or watch").into()),
    }
    Ok(())
}

/// `--name value` pairs.
fn flags(args: &[String]) -> Result<HashMap<String, String>, String> {
    args.chunks(2)
        .map(|pair| match pair {
            [name, value] if name.starts_with("--") => {
                Ok((name.trim_start_matches("--").to_string(), value.clone()))
            }
            _ => Err(format!("expected `--name value` pairs, found {pair:?}")),
        })
        .collect()
}

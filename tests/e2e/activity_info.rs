//! What an attempt knows of itself on the real server: the task token that addresses it, the
//! run of a standalone activity, the retry policy and priority the server applies.

use std::time::Duration;

use activity_runtime::client::Priority;
use activity_runtime::{ActivityContext, activity, activity_set};
use serde::{Deserialize, Serialize};

use crate::support::calls::{options, result_within, start};
use crate::support::server;

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Seen {
    token_bytes: usize,
    has_run_id: bool,
    maximum_attempts: u32,
    priority_key: Option<u32>,
    is_local: bool,
}

#[activity]
async fn describe_self(ctx: ActivityContext) -> Seen {
    let info = ctx.info();
    Seen {
        token_bytes: info.task_token.as_bytes().len(),
        has_run_id: info.activity_run_id.is_some(),
        maximum_attempts: info
            .retry_policy
            .as_ref()
            .map_or(0, |policy| policy.maximum_attempts()),
        priority_key: info.priority.priority_key,
        is_local: info.is_local,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standalone_attempt_knows_its_token_run_retry_policy_and_priority() {
    let served = server::serve("activity-info", activity_set![describe_self]).await;
    let mut options = options(&served.queue, Duration::from_secs(10), None, 3);
    options.priority = Priority::builder().priority_key(2).build();
    let activity = start::<Seen>(&served.client, "describe_self", (), options).await;
    let seen = result_within(&activity, Duration::from_secs(30))
        .await
        .expect("the activity completes");
    assert!(seen.token_bytes > 0, "{seen:?}");
    assert_eq!(
        seen,
        Seen {
            token_bytes: seen.token_bytes,
            has_run_id: true,
            maximum_attempts: 3,
            priority_key: Some(2),
            is_local: false,
        }
    );
    served.worker.stop().await;
}

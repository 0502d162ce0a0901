//! Deadlines on every wait, so that a regression fails a test instead of hanging the run.

use std::future::Future;
use std::time::Duration;

/// Awaits `future`, failing the test when it takes longer than `limit`; `what` says what was
/// awaited, for the failure.
pub async fn within<T>(limit: Duration, what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(limit, future)
        .await
        .unwrap_or_else(|_| panic!("{what} did not happen within {limit:?}"))
}

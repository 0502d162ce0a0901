//! The seed's activity, as the Python docs page writes it, for the end-to-end tests and for
//! `tests/one-dependency`, which compiles it with `activity-runtime`, `serde` and `tokio` alone.

use activity_runtime::activity;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
pub struct YourParams {
    pub greeting: String,
    pub name: String,
}

#[activity(name = "your_activity")]
pub async fn your_activity(input: YourParams) -> String {
    format!("{}, {}!", input.greeting, input.name)
}

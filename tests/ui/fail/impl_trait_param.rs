use activity_runtime::activity;

#[activity]
async fn show(_value: impl serde::de::DeserializeOwned) {}

fn main() {}

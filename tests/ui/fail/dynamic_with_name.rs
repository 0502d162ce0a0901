use activity_runtime::{activity, payload::Payload};

#[activity(dynamic, name = "fallback")]
async fn fallback(args: Vec<Payload>) {}

fn main() {}

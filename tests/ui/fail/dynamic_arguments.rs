use activity_runtime::activity;

#[activity(dynamic)]
async fn two_parameters(name: String, count: u32) {}

#[activity(dynamic)]
fn typed_arguments(args: Vec<String>) {}

fn main() {}

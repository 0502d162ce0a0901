use activity_runtime::{ActivityContext, activity};

#[activity]
async fn twice(_ctx: ActivityContext, _again: ActivityContext) {}

fn main() {}

use activity_runtime::{ActivityContext, activity};

#[activity]
async fn late(name: String, _ctx: ActivityContext) -> String {
    name
}

fn main() {}

// Every mistake of one function is reported in one build.
use activity_runtime::{ActivityContext, activity};

#[activity(nmae = "x", name = 42)]
unsafe fn everything_wrong<'a, T>(_name: &'a str, _value: impl Clone, _ctx: ActivityContext) -> impl serde::Serialize {
    0
}

fn main() {}

// A misspelled key is one error: the activity is still generated with the defaults, so naming
// it in `activity_set!` below adds no second error.
use activity_runtime::{activity, activity_set};

#[activity(nmae = "your_activity")]
async fn your_activity() {}

fn main() {
    let _ = activity_set![your_activity];
}

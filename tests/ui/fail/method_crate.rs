// `crate = ...` names the runtime for a whole `#[activities]` block; on one method it would be
// ignored, so it is refused there.
use activity_runtime::activities;

struct Shop;

#[activities]
impl Shop {
    #[activity(crate = activity_runtime)]
    async fn sell(&self, item: String) -> String {
        item
    }
}

fn main() {}

// `crate = "..."` names the runtime when the dependency is renamed.
extern crate activity_runtime as renamed;

use renamed::definition::Activity;

#[renamed::activity(crate = "renamed")]
async fn via_renamed(x: u32) -> u32 {
    x
}

#[renamed::activity(crate = ::renamed, name = "also_renamed")]
fn via_path() {}

fn main() {
    assert_eq!(<via_renamed as Activity>::NAME, "via_renamed");
    assert_eq!(<via_path as Activity>::NAME, "also_renamed");
}

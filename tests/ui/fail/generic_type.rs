use activity_runtime::activity;

#[activity]
async fn echo<T: serde::de::DeserializeOwned>(_value: T) -> String {
    String::new()
}

fn main() {}

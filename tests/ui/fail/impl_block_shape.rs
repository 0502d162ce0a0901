use activity_runtime::activities;

struct Store<T>(T);

#[activities]
impl<T: Send + Sync + 'static> Store<T> {
    #[activity]
    async fn get(&self) {}
}

struct Empty;

#[activities]
impl Empty {
    fn helper(&self) {}
}

trait Greeter {
    fn greet(&self);
}

#[activities]
impl Greeter for Empty {
    fn greet(&self) {}
}

#[activities]
fn not_an_impl() {}

fn main() {}

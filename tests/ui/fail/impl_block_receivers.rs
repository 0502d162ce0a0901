use activity_runtime::activities;

struct Store;

#[activities]
impl Store {
    #[activity]
    async fn mutate(&mut self) {}

    #[activity]
    fn consume(self) {}

    #[activity]
    fn boxed(self: Box<Self>) {}
}

fn main() {}

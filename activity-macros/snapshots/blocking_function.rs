#[allow(clippy::needless_pass_by_value)]
fn compute_total(prices: Vec<u64>) -> u64 {
    prices.iter().sum()
}
#[doc(hidden)]
#[allow(non_camel_case_types)]
struct compute_total {}
const _: () = {
    impl ::activity_runtime::__private::Activity for compute_total {
        type Input = (Vec<u64>,);
        type Output = u64;
        const NAME: &'static str = "compute_total";
        const EXECUTION: ::activity_runtime::__private::Execution = ::activity_runtime::__private::Execution::Blocking;
        const FUNCTION: &'static str = ::core::concat!(
            ::core::module_path!(), "::", ::core::stringify!(compute_total)
        );
        const DYNAMIC: bool = false;
        const STATE: &'static [::activity_runtime::__private::StateRequirement] = &[];
        #[allow(unused_mut, unused_variables)]
        fn start(
            __activity_context: ::activity_runtime::__private::ActivityContext,
            mut __activity_arguments: ::activity_runtime::__private::Arguments,
        ) -> ::core::result::Result<
            ::activity_runtime::__private::Invocation,
            ::activity_runtime::__private::ActivityError,
        > {
            {
                #[allow(unused_imports)]
                use ::activity_runtime::__private::{
                    PlainValue as _, ResultBehindAlias as _,
                };
                ::activity_runtime::__private::require_plain_value(
                    (&::activity_runtime::__private::Probe::<u64>::new()).verdict(),
                );
            }
            let __activity_parameter0 = __activity_arguments.next::<Vec<u64>>("prices")?;
            __activity_arguments.finish()?;
            ::core::result::Result::Ok(
                ::activity_runtime::__private::Invocation::from_blocking(
                    move || compute_total(__activity_parameter0),
                    ::activity_runtime::__private::finish_value::<u64>,
                ),
            )
        }
    }
    impl compute_total {
        ///The activity `compute_total`, as the official SDK's workflows and clients name activities (`ctx.start_activity`, `Client::start_activity`), and as `client::execute_activity` takes it.
        const ACTIVITY: ::activity_runtime::__private::Typed<compute_total> = ::activity_runtime::__private::Typed::new();
    }
    ::activity_runtime::__private::inventory::submit! {
        ::activity_runtime::__private::ActivityDefinition::of:: < compute_total > ()
    }
};

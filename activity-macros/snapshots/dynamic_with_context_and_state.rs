#[allow(clippy::needless_pass_by_value)]
async fn fallback(ctx: ActivityContext, db: State<Db>, args: Vec<Payload>) -> usize {
    args.len()
}
#[doc(hidden)]
#[allow(non_camel_case_types)]
struct fallback {}
const _: () = {
    impl ::activity_runtime::__private::Activity for fallback {
        type Input = (Vec<Payload>,);
        type Output = usize;
        const NAME: &'static str = "fallback";
        const EXECUTION: ::activity_runtime::__private::Execution = ::activity_runtime::__private::Execution::Async;
        const FUNCTION: &'static str = ::core::concat!(
            ::core::module_path!(), "::", ::core::stringify!(fallback)
        );
        const DYNAMIC: bool = true;
        const STATE: &'static [::activity_runtime::__private::StateRequirement] = &[
            <State<Db> as ::activity_runtime::__private::StateParameter>::REQUIREMENT,
        ];
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
                    (&::activity_runtime::__private::Probe::<usize>::new()).verdict(),
                );
            }
            let __activity_parameter0 = ::core::clone::Clone::clone(&__activity_context);
            let __activity_parameter1 = <State<
                Db,
            > as ::activity_runtime::__private::StateParameter>::from_context(
                &__activity_context,
            )?;
            let __activity_parameter2 = __activity_arguments.take_raw::<Vec<Payload>>();
            __activity_arguments.finish()?;
            ::core::result::Result::Ok(
                ::activity_runtime::__private::Invocation::from_future(
                    fallback(
                        __activity_parameter0,
                        __activity_parameter1,
                        __activity_parameter2,
                    ),
                    ::activity_runtime::__private::finish_value::<usize>,
                ),
            )
        }
    }
    ::activity_runtime::__private::inventory::submit! {
        ::activity_runtime::__private::ActivityDefinition::of:: < fallback > ()
    }
};

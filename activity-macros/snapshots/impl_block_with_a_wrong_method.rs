impl Shop {
    #[allow(clippy::needless_pass_by_value)]
    async fn sell(&self, item: String) -> String {
        item
    }
    #[allow(clippy::needless_pass_by_value)]
    async fn buy(&mut self, item: String) {}
}
const _: () = {
    #[allow(non_camel_case_types)]
    struct __activity_sell {}
    impl Shop {
        ///The activity `sell`, as the official SDK's workflows and clients name activities (`ctx.start_activity`, `Client::start_activity`), and as `client::execute_activity` takes it.
        const SELL: ::activity_runtime::__private::Typed<__activity_sell> = ::activity_runtime::__private::Typed::new();
    }
    impl ::activity_runtime::__private::Activity for __activity_sell {
        type Input = (String,);
        type Output = String;
        const NAME: &'static str = "sell";
        const EXECUTION: ::activity_runtime::__private::Execution = ::activity_runtime::__private::Execution::Async;
        const FUNCTION: &'static str = ::core::concat!(
            ::core::module_path!(), "::", ::core::stringify!(Shop), "::",
            ::core::stringify!(sell)
        );
        const DYNAMIC: bool = false;
        const STATE: &'static [::activity_runtime::__private::StateRequirement] = &[
            ::activity_runtime::__private::StateRequirement::of::<Shop>(),
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
                    (&::activity_runtime::__private::Probe::<String>::new()).verdict(),
                );
            }
            let __activity_instance = <::activity_runtime::__private::State<
                Shop,
            > as ::activity_runtime::__private::StateParameter>::from_context(
                    &__activity_context,
                )?
                .into_arc();
            let __activity_parameter0 = __activity_arguments.next::<String>("item")?;
            __activity_arguments.finish()?;
            ::core::result::Result::Ok(
                ::activity_runtime::__private::Invocation::from_future(
                    async move {
                        <Shop>::sell(&*__activity_instance, __activity_parameter0).await
                    },
                    ::activity_runtime::__private::finish_value::<String>,
                ),
            )
        }
    }
    impl ::activity_runtime::__private::ActivityImpl for Shop {
        #[allow(clippy::vec_init_then_push)]
        fn definitions() -> ::std::vec::Vec<
            ::activity_runtime::__private::ActivityDefinition,
        > {
            let mut __activity_definitions = ::std::vec::Vec::new();
            __activity_definitions
                .push(
                    ::activity_runtime::__private::ActivityDefinition::of::<
                        __activity_sell,
                    >(),
                );
            __activity_definitions
        }
    }
};
::core::compile_error! {
    "`crate = ...` goes on the `#[activities(crate = ...)]` of the `impl` block, which covers every method; remove it here"
}
::core::compile_error! {
    "an activity method can't take `&mut self`: activities of one instance run concurrently; take `&self`, and put mutable parts behind a `Mutex`"
}

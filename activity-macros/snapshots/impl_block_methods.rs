impl Shop {
    pub fn new() -> Self {
        Shop
    }
    #[allow(clippy::needless_pass_by_value)]
    async fn sell(&self, item: String) -> String {
        item
    }
    #[cfg(feature = "restock")]
    #[allow(clippy::needless_pass_by_value)]
    fn restock(self: Arc<Self>, ctx: ActivityContext, count: u32) -> Result<(), Error> {
        Ok(())
    }
    #[allow(clippy::needless_pass_by_value)]
    async fn open() -> bool {
        true
    }
    #[tracing::activity]
    fn not_ours(&self) {}
}
const _: () = {
    #[allow(non_camel_case_types)]
    struct __activity_sell {}
    impl Shop {
        ///The activity `shop_sell`, as the official SDK's workflows and clients name activities (`ctx.start_activity`, `Client::start_activity`), and as `client::execute_activity` takes it.
        const SELL: ::activity_runtime::__private::Typed<__activity_sell> = ::activity_runtime::__private::Typed::new();
    }
    #[cfg(feature = "restock")]
    #[allow(non_camel_case_types)]
    struct __activity_restock {}
    #[cfg(feature = "restock")]
    impl Shop {
        ///The activity `restock`, as the official SDK's workflows and clients name activities (`ctx.start_activity`, `Client::start_activity`), and as `client::execute_activity` takes it.
        const RESTOCK: ::activity_runtime::__private::Typed<__activity_restock> = ::activity_runtime::__private::Typed::new();
    }
    #[allow(non_camel_case_types)]
    struct __activity_open {}
    impl Shop {
        ///The activity `open`, as the official SDK's workflows and clients name activities (`ctx.start_activity`, `Client::start_activity`), and as `client::execute_activity` takes it.
        const OPEN: ::activity_runtime::__private::Typed<__activity_open> = ::activity_runtime::__private::Typed::new();
    }
    impl ::activity_runtime::__private::Activity for __activity_sell {
        type Input = (String,);
        type Output = String;
        const NAME: &'static str = "shop_sell";
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
    impl ::activity_runtime::__private::Activity for __activity_restock {
        type Input = (u32,);
        type Output = ();
        const NAME: &'static str = "restock";
        const EXECUTION: ::activity_runtime::__private::Execution = ::activity_runtime::__private::Execution::Blocking;
        const FUNCTION: &'static str = ::core::concat!(
            ::core::module_path!(), "::", ::core::stringify!(Shop), "::",
            ::core::stringify!(restock)
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
            let __activity_instance = <::activity_runtime::__private::State<
                Shop,
            > as ::activity_runtime::__private::StateParameter>::from_context(
                    &__activity_context,
                )?
                .into_arc();
            let __activity_parameter0 = ::core::clone::Clone::clone(&__activity_context);
            let __activity_parameter1 = __activity_arguments.next::<u32>("count")?;
            __activity_arguments.finish()?;
            ::core::result::Result::Ok(
                ::activity_runtime::__private::Invocation::from_blocking(
                    move || <Shop>::restock(
                        __activity_instance,
                        __activity_parameter0,
                        __activity_parameter1,
                    ),
                    |__activity_output| ::activity_runtime::__private::finish_result::<
                        (),
                        Error,
                    >(__activity_output),
                ),
            )
        }
    }
    impl ::activity_runtime::__private::Activity for __activity_open {
        type Input = ();
        type Output = bool;
        const NAME: &'static str = "open";
        const EXECUTION: ::activity_runtime::__private::Execution = ::activity_runtime::__private::Execution::Async;
        const FUNCTION: &'static str = ::core::concat!(
            ::core::module_path!(), "::", ::core::stringify!(Shop), "::",
            ::core::stringify!(open)
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
                    (&::activity_runtime::__private::Probe::<bool>::new()).verdict(),
                );
            }
            __activity_arguments.finish()?;
            ::core::result::Result::Ok(
                ::activity_runtime::__private::Invocation::from_future(
                    <Shop>::open(),
                    ::activity_runtime::__private::finish_value::<bool>,
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
            #[cfg(feature = "restock")]
            __activity_definitions
                .push(
                    ::activity_runtime::__private::ActivityDefinition::of::<
                        __activity_restock,
                    >(),
                );
            __activity_definitions
                .push(
                    ::activity_runtime::__private::ActivityDefinition::of::<
                        __activity_open,
                    >(),
                );
            __activity_definitions
        }
    }
};

//! Where a failure came from, as Temporal's `Failure.stack_trace` carries it for Python's,
//! Go's and TypeScript's errors: the line that made an [`ActivityError`] or converted an error
//! with `?` (by `#[track_caller]`, a pointer and no allocation), the line a panic names, and the
//! backtrace when `RUST_BACKTRACE` (or `RUST_LIB_BACKTRACE`) asks for one.
//!
//! A panic's payload says only what was panicked with, so a panic hook, installed once and
//! calling the hook it replaced, notes where each panic happened on the thread that panics; the
//! panic boundary, on the same thread, takes the note when it catches that panic.

use std::backtrace::{Backtrace, BacktraceStatus};
use std::cell::RefCell;
use std::fmt::Write;
use std::panic::Location;
use std::sync::Once;

use super::ActivityError;

/// The line that made an error. Two errors that say the same are equal wherever they were
/// made, so it takes no part in comparisons.
#[derive(Debug, Clone, Copy)]
pub(super) struct Origin(pub(super) Option<&'static Location<'static>>);

impl PartialEq for Origin {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// A panic as the hook saw it: what it said, so that the boundary matches its own panic, and
/// the stack trace to report.
struct PanicNote {
    message: String,
    stack_trace: String,
}

thread_local! {
    static LAST_PANIC: RefCell<Option<PanicNote>> = const { RefCell::new(None) };
}

/// Installs the hook that notes where panics happen, once per process, in front of whatever
/// hook was there, which still runs (and prints, by default).
pub(crate) fn note_panic_sites() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let mut stack_trace = String::new();
            if let Some(location) = info.location() {
                let _ = writeln!(stack_trace, "panicked at {location}");
            }
            append_backtrace(&mut stack_trace, &Backtrace::capture());
            let message = panic_message(info.payload());
            // A panic inside the hook's own bookkeeping must not abort the process: a thread
            // that is being torn down has no thread-locals left, and then nothing is noted.
            let _ = LAST_PANIC.try_with(|last| {
                if let Ok(mut last) = last.try_borrow_mut() {
                    *last = Some(PanicNote {
                        message,
                        stack_trace,
                    });
                }
            });
            previous(info);
        }));
    });
}

/// What a panic said, when it said it with a string, as `panic!` does.
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|message| (*message).to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a value that is not a string".to_string())
}

/// The stack trace of the panic this thread last noted, if it said `message`: the panic just
/// caught, rather than an older one that the hook saw and nobody caught here.
pub(crate) fn take_panic_site(message: &str) -> Option<String> {
    LAST_PANIC
        .try_with(|last| last.try_borrow_mut().ok()?.take())
        .ok()
        .flatten()
        .filter(|note| note.message == message)
        .map(|note| note.stack_trace)
}

/// `backtrace` after a header, when one was captured.
pub(super) fn append_backtrace(stack_trace: &mut String, backtrace: &Backtrace) {
    if backtrace.status() == BacktraceStatus::Captured {
        let _ = write!(stack_trace, "stack backtrace:\n{backtrace}");
    }
}

impl ActivityError {
    /// Where this failure came from, as Temporal's `Failure.stack_trace` carries it to every
    /// SDK: the line that made it (with [`ActivityError::new`], or `?` on another error), the
    /// error's `source()` chain, and a backtrace when `RUST_BACKTRACE` asked for one; for a
    /// panic, the line that panicked. Cut like the message, and, when the worker encodes
    /// failure messages, encoded with them.
    ///
    /// A panic's line comes from a panic hook that the first worker or test environment
    /// installs in front of the process's hook, which it still calls; a hook set later that
    /// does not call the one before it leaves panics without their line.
    ///
    /// ```
    /// let error = activity_runtime::ActivityError::new("card declined");
    /// assert!(error.stack_trace().starts_with(&format!("at {}:", file!())));
    /// ```
    pub fn stack_trace(&self) -> String {
        let mut trace = String::new();
        // Without an origin, the text is the whole of it: a panic's, or one decoded.
        if let Some(origin) = self.origin.0 {
            let _ = writeln!(trace, "at {origin}");
            for cause in &self.causes {
                let _ = writeln!(trace, "caused by: {}", cause.message);
            }
        }
        if let Some(text) = self
            .rare
            .as_ref()
            .and_then(|rare| rare.stack_trace.as_ref())
        {
            trace.push_str(text);
        }
        super::truncate(&mut trace);
        trace
    }

    /// The same failure with `stack_trace` as the whole of its stack trace, in place of where
    /// it was made: a panic's, or one decoded from what the codec sealed.
    pub(crate) fn with_stack_trace(mut self, stack_trace: String) -> Self {
        self.origin = Origin(None);
        if !stack_trace.is_empty() {
            self.rare_mut().stack_trace = Some(stack_trace);
        } else if let Some(rare) = &mut self.rare {
            rare.stack_trace = None;
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::MAX_MESSAGE_BYTES;
    use crate::error::tests::ChargeFailed;

    #[test]
    fn a_new_error_names_the_line_that_made_it() {
        let line = line!() + 1;
        let error = ActivityError::new("card declined");
        let trace = error.stack_trace();
        assert!(
            trace.starts_with(&format!("at {}:{line}:", file!())),
            "{trace}"
        );
        assert_eq!(error.to_failure().stack_trace, trace);
    }

    #[test]
    fn a_converted_error_names_the_question_mark_and_its_source_chain() {
        fn charge() -> Result<(), ActivityError> {
            Err(ChargeFailed {
                source: std::io::Error::other("connection refused"),
            })?
        }
        let line = line!() - 4;
        let trace = charge().unwrap_err().stack_trace();
        assert!(
            trace.starts_with(&format!("at {}:{line}:", file!())),
            "{trace}"
        );
        assert!(trace.contains("caused by: connection refused"), "{trace}");
    }

    #[test]
    fn a_runtime_failure_names_no_line_of_this_crate() {
        let error = crate::error::RuntimeFailure::NotFound.with_message("no such activity");
        assert_eq!(error.stack_trace(), "");
        assert_eq!(error.to_failure().stack_trace, "");
    }

    #[test]
    fn a_long_stack_trace_is_cut_like_a_message() {
        let error = ActivityError::new("deep").with_stack_trace("frame\n".repeat(10_000));
        let trace = error.stack_trace();
        assert!(trace.len() <= MAX_MESSAGE_BYTES, "{}", trace.len());
        assert!(
            trace.ends_with("more bytes truncated]"),
            "{}",
            &trace[trace.len() - 60..]
        );
    }

    #[test]
    fn the_panic_hook_notes_the_site_of_a_caught_panic_and_calls_the_hook_before_it() {
        note_panic_sites();
        let line = line!() + 1;
        let panic = std::panic::catch_unwind(|| panic!("out of stock")).unwrap_err();
        let message = panic_message(&*panic);
        let site = take_panic_site(&message).expect("noted");
        assert!(
            site.starts_with(&format!("panicked at {}:{line}:", file!())),
            "{site}"
        );
        assert_eq!(take_panic_site(&message), None, "taken once");
    }

    #[test]
    fn a_note_of_another_panic_is_not_taken_for_this_one() {
        note_panic_sites();
        let _ = std::panic::catch_unwind(|| panic!("an earlier panic nobody caught here"));
        assert_eq!(take_panic_site("a panic the hook never saw"), None);
    }
}

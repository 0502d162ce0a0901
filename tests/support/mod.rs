//! Helpers shared by the behaviour and end-to-end tests.

#![allow(dead_code)]

pub mod calls;
pub mod logs;
pub mod python;
pub mod seed;
pub mod server;
pub mod worker_process;

//! Helpers shared by the behaviour and end-to-end tests.

#![allow(dead_code)]

pub mod logs;
pub mod server;

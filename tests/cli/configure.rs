//! End-to-end tests of configure.

#[allow(unused_imports)]
use crate::support::*;

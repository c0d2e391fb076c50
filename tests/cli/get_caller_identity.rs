//! End-to-end tests of get_caller_identity.

#[allow(unused_imports)]
use crate::support::*;

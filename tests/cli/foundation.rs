//! End-to-end tests of foundation.

#[allow(unused_imports)]
use crate::support::*;

//! One module per command. Commands orchestrate: they resolve settings, call the service
//! clients and caches, and print; they never build URLs or parse wire formats themselves.

pub mod completion;
pub mod configure_sso;
pub mod console;
pub mod exec;
pub mod export_credentials;
pub mod get_caller_identity;
pub mod list_profiles;
pub mod login;
pub mod logout;
pub mod portal;
pub mod serve;
pub mod status;

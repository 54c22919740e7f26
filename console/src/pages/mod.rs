//! The console's pages, one module each.

pub(crate) mod access;
pub(crate) mod account_data;
pub(crate) mod audit;
pub(crate) mod campaign;
pub(crate) mod campaign_facts;
pub(crate) mod campaigns;
pub(crate) mod document;
pub(crate) mod editor;
pub(crate) mod install;
pub(crate) mod invitations;
pub(crate) mod keys;
pub(crate) mod new_campaign;
pub(crate) mod preview_pane;
pub(crate) mod results;
pub(crate) mod settings;
pub(crate) mod signin;
pub(crate) mod team;
pub(crate) mod why;
pub(crate) mod workspaces;

//! The secret rules in effect: the built-in ones merged with a user rules file, read here (the
//! edge) and parsed and compiled by the pure `analysis::secrets::RuleSet::from_text`.

use crate::analysis::secrets::{RuleSet, RulesError};
use std::path::Path;

/// The built-in rules merged with the rules file at `user`, if given.
pub fn load(user: Option<&Path>) -> Result<RuleSet, RulesError> {
    let Some(path) = user else {
        return RuleSet::from_text(None);
    };
    let shown = path.display().to_string();
    let text = crate::source::config::read_text(path).map_err(|e| RulesError::Read {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    RuleSet::from_text(Some((&text, &shown)))
}

//! The rules file format (YAML): parsing, validation messages that name the rule, and the merge of
//! a user file into the built-in rules (same id replaces, `enabled: false` turns off).

use super::Severity;
use serde::Deserialize;
use serde_json::Value;

/// The built-in rules, compiled into the binary.
pub const BUILTIN_RULES: &str = include_str!("../../../assets/rules.yaml");

/// Why a rules file or a rule could not be used. Always one line, naming the rule when there is one.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("cannot read rules file {path}: {message}")]
    Read { path: String, message: String },
    #[error("rules file {path}: {message}")]
    File { path: String, message: String },
    #[error("rules file {path}: rule {id}: {problem}")]
    Rule {
        path: String,
        id: String,
        problem: String,
    },
}

/// Where a value is looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceSpec {
    Environ,
    Cmdline,
}

/// An allowlist: what is not a secret even when a rule matches.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowSpec {
    /// Exact secret values.
    #[serde(default)]
    pub values: Vec<String>,
    /// Regexes over the secret value.
    #[serde(default)]
    pub regexes: Vec<String>,
    /// Case-insensitive substrings of the secret value.
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// Regexes over the normalised variable or flag name.
    #[serde(default)]
    pub names: Vec<String>,
}

/// One rule as written in YAML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub severity: Option<Severity>,
    #[serde(default)]
    pub regex: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Minimum Shannon entropy (bits per byte) of the secret.
    #[serde(default)]
    pub entropy: Option<f64>,
    #[serde(default)]
    pub min_length: Option<usize>,
    /// How many of lowercase, uppercase and digits the secret must mix (0-3).
    #[serde(default)]
    pub classes: Option<u8>,
    #[serde(default)]
    pub names: Vec<String>,
    #[serde(default)]
    pub sources: Option<Vec<SourceSpec>>,
    #[serde(default)]
    pub lead: bool,
    #[serde(default)]
    pub jwt_claims: Option<String>,
    /// `false`: a value that is base64 of printable text (encoded config) is not a secret.
    #[serde(default = "yes")]
    pub encoded_text: bool,
    #[serde(default)]
    pub allowlist: AllowSpec,
    /// A format check beyond the regex (`crc32-base62`, `url-userinfo`); a failing value is
    /// not a match of this rule.
    #[serde(default)]
    pub validate: Option<super::validate::Check>,
    /// A regex over the whole value: a value it matches has this rule's format (a right
    /// prefix), so the generic name rules leave it to the format rules (an impossible body
    /// after the prefix is then not reported).
    #[serde(default)]
    pub claims: Option<String>,
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

/// A whole rules document.
#[derive(Debug, Clone, Default)]
pub struct RulesDoc {
    /// Applies to every rule except leads.
    pub allowlist: AllowSpec,
    /// Regexes for placeholder values (not reported), added to the built-in placeholder filter.
    pub placeholders: Vec<String>,
    pub rules: Vec<RuleSpec>,
}

/// The first non-empty line of a (possibly multi-line, snippet-rendering) message.
fn one_line(s: &str) -> String {
    let l = s
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    l.strip_prefix("error: ").unwrap_or(l).to_string()
}

/// Parse a rules document; `path` names it in errors.
pub fn parse(text: &str, path: &str) -> Result<RulesDoc, RulesError> {
    let file_err = |message: String| RulesError::File {
        path: path.to_string(),
        message: one_line(&message),
    };
    let v: Value = serde_saphyr::from_str(text).map_err(|e| file_err(e.to_string()))?;
    let mut doc = RulesDoc::default();
    let obj = match v {
        Value::Object(o) => o,
        Value::Null => return Ok(doc),
        _ => return Err(file_err("expected a mapping with `rules:`".into())),
    };
    for (k, v) in obj {
        match k.as_str() {
            "allowlist" => {
                doc.allowlist =
                    serde_json::from_value(v).map_err(|e| file_err(format!("allowlist: {e}")))?;
            }
            "placeholders" => {
                doc.placeholders = serde_json::from_value(v)
                    .map_err(|e| file_err(format!("placeholders: {e}")))?;
            }
            "rules" => {
                let Value::Array(items) = v else {
                    return Err(file_err("`rules` must be a list".into()));
                };
                for (i, item) in items.into_iter().enumerate() {
                    let id = item
                        .get("id")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .unwrap_or_else(|| format!("#{}", i + 1));
                    let spec: RuleSpec =
                        serde_json::from_value(item).map_err(|e| RulesError::Rule {
                            path: path.to_string(),
                            id: id.clone(),
                            problem: one_line(&e.to_string()),
                        })?;
                    doc.rules.push(spec);
                }
            }
            "version" => {}
            other => return Err(file_err(format!("unknown key `{other}`"))),
        }
    }
    Ok(doc)
}

/// Merge `user` into `base`: a rule with an existing id replaces it in place, a new id is appended,
/// and allowlists and placeholders add up.
pub fn merge(mut base: RulesDoc, user: RulesDoc) -> RulesDoc {
    let a = &mut base.allowlist;
    a.values.extend(user.allowlist.values);
    a.regexes.extend(user.allowlist.regexes);
    a.stopwords.extend(user.allowlist.stopwords);
    a.names.extend(user.allowlist.names);
    base.placeholders.extend(user.placeholders);
    for r in user.rules {
        match base.rules.iter_mut().find(|b| b.id == r.id) {
            Some(b) => *b = r,
            None => base.rules.push(r),
        }
    }
    base
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_parses_and_anchors_resolve() {
        let d = parse(BUILTIN_RULES, "builtin").unwrap();
        assert!(d.rules.len() > 40, "{}", d.rules.len());
        let plain = d
            .rules
            .iter()
            .find(|r| r.id == "secret-name-value")
            .unwrap();
        assert!(!plain.names.is_empty());
        assert!(!plain.allowlist.names.is_empty());
    }

    #[test]
    fn errors_name_the_rule() {
        let e = parse("rules:\n  - id: x1\n    regx: 'a'\n", "f.yaml").unwrap_err();
        let m = e.to_string();
        assert!(m.contains("rule x1") && m.contains("regx"), "{m}");
        assert!(!m.contains('\n'));
        let e = parse("rules: [\n", "f.yaml").unwrap_err().to_string();
        assert!(
            e.starts_with("rules file f.yaml:") && !e.contains('\n'),
            "{e}"
        );
    }

    #[test]
    fn user_rule_replaces_and_disables() {
        let base = parse(BUILTIN_RULES, "b").unwrap();
        let n = base.rules.len();
        let user = parse(
            "rules:\n  - id: jwt\n    enabled: false\n  - id: mine\n    regex: 'zz(\\d+)'\n",
            "u",
        )
        .unwrap();
        let m = merge(base, user);
        assert_eq!(m.rules.len(), n + 1);
        assert!(!m.rules.iter().find(|r| r.id == "jwt").unwrap().enabled);
    }
}

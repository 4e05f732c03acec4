//! Rules files in Falco's format: `list`, `macro`, `rule`, `required_engine_version` and
//! `required_plugin_versions` items, merged in load order with Falco's semantics (redefinition
//! replaces, `enabled`-only items toggle, `append: true`, `override:` append/replace).

use super::DetectError;
use serde_json::Value;

/// Where an item was defined.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: u64,
}

#[derive(Debug, Clone)]
pub struct ListDef {
    pub name: String,
    pub items: Vec<String>,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct MacroDef {
    /// Load sequence of the first and of the latest definition.
    pub first: usize,
    pub last: usize,
    pub name: String,
    pub condition: String,
    pub origin: Origin,
}

/// One exception: fields, comparators and value tuples (Falco's shapes kept as given).
#[derive(Debug, Clone, Default)]
pub struct Exception {
    pub name: String,
    pub fields: Value,
    pub comps: Value,
    pub values: Vec<Value>,
}

#[derive(Debug, Clone, Default)]
pub struct RuleDef {
    pub name: String,
    pub desc: String,
    pub condition: String,
    pub output: String,
    pub priority: String,
    pub tags: Vec<String>,
    pub enabled: bool,
    pub exceptions: Vec<Exception>,
    pub source: String,
    pub skip_if_unknown_filter: bool,
    pub origin: Origin,
}

/// Everything loaded so far, in definition order.
#[derive(Debug, Clone, Default)]
pub struct RuleDb {
    pub lists: Vec<ListDef>,
    pub macros: Vec<MacroDef>,
    pub rules: Vec<RuleDef>,
    /// `required_engine_version` and `required_plugin_versions` seen (accepted and noted).
    pub requirements: Vec<String>,
    /// Items loaded so far (the sequence macros are ordered by).
    pub seq: usize,
}

/// Largest rules file read (Falco's stable rules are about 100 KB).
pub const MAX_RULES_FILE: usize = 8 << 20;

fn err(o: &Origin, item: &str, msg: impl Into<String>) -> DetectError {
    DetectError::Rules {
        file: o.file.clone(),
        line: o.line,
        item: item.to_string(),
        msg: msg.into(),
    }
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    match v? {
        Value::Array(a) => a.iter().map(|x| text(Some(x))).collect(),
        Value::Null => Some(Vec::new()),
        _ => None,
    }
}

/// How one key of an item merges into an existing definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Merge {
    Append,
    Replace,
}

fn overrides(
    o: &Origin,
    name: &str,
    m: &serde_json::Map<String, Value>,
) -> Result<Vec<(String, Merge)>, DetectError> {
    let mut out = Vec::new();
    if let Some(ov) = m.get("override") {
        let Value::Object(ov) = ov else {
            return Err(err(o, name, "override must be a mapping"));
        };
        for (k, v) in ov {
            let how = match v.as_str() {
                Some("append") => Merge::Append,
                Some("replace") => Merge::Replace,
                _ => {
                    return Err(err(
                        o,
                        name,
                        format!("override of {k} must be append or replace"),
                    ));
                }
            };
            if !m.contains_key(k) {
                return Err(err(o, name, format!("override of {k} without a {k} key")));
            }
            out.push((k.clone(), how));
        }
    }
    Ok(out)
}

impl RuleDb {
    /// Load one file's text on top of what is loaded.
    pub fn load(&mut self, file: &str, src: &str) -> Result<(), DetectError> {
        if src.len() > MAX_RULES_FILE {
            return Err(err(
                &Origin {
                    file: file.into(),
                    line: 0,
                },
                "",
                "file too large",
            ));
        }
        let items: Option<Vec<serde_saphyr::Spanned<Value>>> = serde_saphyr::from_str(src)
            .map_err(|e| {
                let msg = e.to_string();
                let line = msg.lines().next().unwrap_or("malformed YAML").to_string();
                err(
                    &Origin {
                        file: file.into(),
                        line: 0,
                    },
                    "",
                    format!("malformed YAML: {line}"),
                )
            })?;
        for item in items.unwrap_or_default() {
            self.seq += 1;
            let o = Origin {
                file: file.to_string(),
                line: item.referenced.line(),
            };
            let Value::Object(m) = &item.value else {
                return Err(err(
                    &o,
                    "",
                    "an item must be a mapping (list, macro or rule)",
                ));
            };
            if let Some(n) = m.get("rule") {
                self.rule(&o, text(Some(n)).unwrap_or_default(), m)?;
            } else if let Some(n) = m.get("macro") {
                self.macro_(&o, text(Some(n)).unwrap_or_default(), m)?;
            } else if let Some(n) = m.get("list") {
                self.list(&o, text(Some(n)).unwrap_or_default(), m)?;
            } else if m.contains_key("required_engine_version")
                || m.contains_key("required_plugin_versions")
            {
                self.requirements.push(format!("{}:{}", o.file, o.line));
            } else {
                return Err(err(
                    &o,
                    "",
                    "unknown item (expected list, macro, rule, required_engine_version or required_plugin_versions)",
                ));
            }
        }
        Ok(())
    }

    fn list(
        &mut self,
        o: &Origin,
        name: String,
        m: &serde_json::Map<String, Value>,
    ) -> Result<(), DetectError> {
        let items = strings(m.get("items"))
            .ok_or_else(|| err(o, &name, "list items must be a sequence of strings"))?;
        let ov = overrides(o, &name, m)?;
        let append = m.get("append").and_then(Value::as_bool).unwrap_or(false)
            || ov.iter().any(|(k, h)| k == "items" && *h == Merge::Append);
        match self.lists.iter_mut().find(|l| l.name == name) {
            Some(l) if append => l.items.extend(items),
            Some(l) => {
                l.items = items;
                l.origin = o.clone();
            }
            None if append => {
                return Err(err(
                    o,
                    &name,
                    format!("append to list '{name}', which is not defined"),
                ));
            }
            None => self.lists.push(ListDef {
                name,
                items,
                origin: o.clone(),
            }),
        }
        Ok(())
    }

    fn macro_(
        &mut self,
        o: &Origin,
        name: String,
        m: &serde_json::Map<String, Value>,
    ) -> Result<(), DetectError> {
        let cond =
            text(m.get("condition")).ok_or_else(|| err(o, &name, "macro without a condition"))?;
        let ov = overrides(o, &name, m)?;
        let append = m.get("append").and_then(Value::as_bool).unwrap_or(false)
            || ov
                .iter()
                .any(|(k, h)| k == "condition" && *h == Merge::Append);
        match self.macros.iter_mut().find(|x| x.name == name) {
            Some(x) if append => {
                x.condition.push(' ');
                x.condition.push_str(&cond);
                x.last = self.seq;
            }
            Some(x) => {
                x.condition = cond;
                x.origin = o.clone();
                x.last = self.seq;
            }
            None if append => {
                return Err(err(
                    o,
                    &name,
                    format!("append to macro '{name}', which is not defined"),
                ));
            }
            None => self.macros.push(MacroDef {
                first: self.seq,
                last: self.seq,
                name,
                condition: cond,
                origin: o.clone(),
            }),
        }
        Ok(())
    }

    fn rule(
        &mut self,
        o: &Origin,
        name: String,
        m: &serde_json::Map<String, Value>,
    ) -> Result<(), DetectError> {
        let mut ov = overrides(o, &name, m)?;
        if m.get("append").and_then(Value::as_bool).unwrap_or(false) {
            for k in ["condition", "exceptions", "output", "desc", "tags"] {
                if m.contains_key(k) {
                    ov.push((k.to_string(), Merge::Append));
                }
            }
        }
        let enabled_only =
            m.keys().all(|k| k == "rule" || k == "enabled") && m.contains_key("enabled");
        let pos = self.rules.iter().position(|r| r.name == name);
        if ov.is_empty() && !enabled_only {
            let r = self.new_rule(o, name, m)?;
            match pos {
                Some(i) => self.rules[i] = r,
                None => self.rules.push(r),
            }
            return Ok(());
        }
        let Some(i) = pos else {
            return Err(err(
                o,
                &name,
                format!("rule '{name}' is not defined: cannot append, override or toggle it"),
            ));
        };
        let r = &mut self.rules[i];
        if enabled_only {
            r.enabled = m
                .get("enabled")
                .and_then(Value::as_bool)
                .ok_or_else(|| err(o, &name, "enabled must be true or false"))?;
            return Ok(());
        }
        for (k, how) in ov {
            apply(o, r, &k, how, m)?;
        }
        Ok(())
    }

    fn new_rule(
        &self,
        o: &Origin,
        name: String,
        m: &serde_json::Map<String, Value>,
    ) -> Result<RuleDef, DetectError> {
        let need =
            |k: &str| text(m.get(k)).ok_or_else(|| err(o, &name, format!("rule without {k}")));
        Ok(RuleDef {
            desc: text(m.get("desc")).unwrap_or_default(),
            condition: need("condition")?,
            output: need("output")?,
            priority: need("priority")?,
            tags: strings(m.get("tags")).unwrap_or_default(),
            enabled: m.get("enabled").and_then(Value::as_bool).unwrap_or(true),
            exceptions: exceptions(o, &name, m.get("exceptions"))?,
            source: text(m.get("source")).unwrap_or_else(|| "syscall".into()),
            skip_if_unknown_filter: m
                .get("skip-if-unknown-filter")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            origin: o.clone(),
            name,
        })
    }
}

fn exceptions(o: &Origin, name: &str, v: Option<&Value>) -> Result<Vec<Exception>, DetectError> {
    let Some(Value::Array(a)) = v else {
        return match v {
            None | Some(Value::Null) => Ok(Vec::new()),
            _ => Err(err(o, name, "exceptions must be a sequence")),
        };
    };
    a.iter()
        .map(|x| {
            let Value::Object(m) = x else {
                return Err(err(o, name, "an exception must be a mapping"));
            };
            Ok(Exception {
                name: text(m.get("name"))
                    .ok_or_else(|| err(o, name, "exception without a name"))?,
                fields: m.get("fields").cloned().unwrap_or(Value::Null),
                comps: m.get("comps").cloned().unwrap_or(Value::Null),
                values: match m.get("values") {
                    Some(Value::Array(v)) => v.clone(),
                    None | Some(Value::Null) => Vec::new(),
                    _ => return Err(err(o, name, "exception values must be a sequence")),
                },
            })
        })
        .collect()
}

fn apply(
    o: &Origin,
    r: &mut RuleDef,
    k: &str,
    how: Merge,
    m: &serde_json::Map<String, Value>,
) -> Result<(), DetectError> {
    let name = r.name.clone();
    let s = || text(m.get(k)).ok_or_else(|| err(o, &name, format!("{k} must be text")));
    let join = |old: &mut String, new: String| {
        if how == Merge::Append {
            old.push(' ');
            old.push_str(&new);
        } else {
            *old = new;
        }
    };
    match k {
        "condition" => join(&mut r.condition, s()?),
        "output" => join(&mut r.output, s()?),
        "desc" => join(&mut r.desc, s()?),
        "tags" => {
            let t = strings(m.get(k)).ok_or_else(|| err(o, &name, "tags must be a sequence"))?;
            if how == Merge::Append {
                r.tags.extend(t)
            } else {
                r.tags = t
            }
        }
        "exceptions" => {
            let ex = exceptions(o, &name, m.get(k))?;
            if how == Merge::Replace {
                r.exceptions = ex;
            } else {
                for e in ex {
                    match r.exceptions.iter_mut().find(|x| x.name == e.name) {
                        Some(x) => x.values.extend(e.values),
                        None => r.exceptions.push(e),
                    }
                }
            }
        }
        "priority" | "enabled" if how == Merge::Append => {
            return Err(err(
                o,
                &name,
                format!("{k} can only be replaced, not appended"),
            ));
        }
        "priority" => r.priority = s()?,
        "enabled" => {
            r.enabled = m
                .get(k)
                .and_then(Value::as_bool)
                .ok_or_else(|| err(o, &name, "enabled must be true or false"))?
        }
        _ => return Err(err(o, &name, format!("{k} cannot be overridden"))),
    }
    Ok(())
}

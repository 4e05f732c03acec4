//! Output templates: `%field` substitution with Falco's rule for a name glued to text (the
//! longest known field name wins: `%user.uiduser=` is `%user.uid` then `user=`), unknown
//! values as `<NA>`, and `%container.info` as nothing (Falco 0.41 and later).

use super::events::Event;
use super::extract::{Ctx, Val, extract};
use super::fields::{Field, is_falco_field, resolve};
use std::collections::BTreeMap;

/// One piece of a template.
#[derive(Debug, Clone)]
enum Part {
    Text(String),
    /// Field name as written (with its argument) and the field when procscope knows it.
    Field(String, Option<Field>),
}

/// A compiled output template.
#[derive(Debug, Clone, Default)]
pub struct Template {
    parts: Vec<Part>,
}

fn name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.'
}

impl Template {
    pub fn new(text: &str) -> Template {
        let text = text.trim();
        let b = text.as_bytes();
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut i = 0;
        while i < b.len() {
            let start = i;
            if b[i] != b'%' {
                let next = text[i..].find('%').map_or(b.len(), |n| i + n);
                lit.push_str(&text[i..next]);
                i = next;
                continue;
            }
            let mut end = i + 1;
            while end < b.len() && name_char(b[end]) {
                end += 1;
            }
            let run = &text[i + 1..end];
            let best = (1..=run.len())
                .rev()
                .map(|n| &run[..n])
                .find(|n| is_falco_field(n) && !n.ends_with('.'));
            let Some(name) = best else {
                lit.push_str(&text[start..end.max(start + 1)]);
                i = end.max(start + 1);
                continue;
            };
            let mut after = i + 1 + name.len();
            let mut arg = None;
            if let (true, Some(close)) = (
                name.len() == run.len() && b.get(after) == Some(&b'['),
                text.get(after..).and_then(|t| t.find(']')),
            ) {
                arg = Some(text[after + 1..after + close].to_string());
                after += close + 1;
            }
            if !lit.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut lit)));
            }
            let field = resolve(name, arg.as_deref()).ok();
            let shown = match &arg {
                Some(a) => format!("{name}[{a}]"),
                None => name.to_string(),
            };
            parts.push(Part::Field(shown, field));
            i = after;
        }
        if !lit.is_empty() {
            parts.push(Part::Text(lit));
        }
        Template { parts }
    }

    /// The output text and the typed values of its fields (`null` for `<NA>`).
    pub fn render(&self, c: &Ctx, e: &Event) -> (String, BTreeMap<String, serde_json::Value>) {
        let mut out = String::new();
        let mut fields = BTreeMap::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Field(_, Some(Field::ContainerInfo)) => {}
                Part::Field(name, f) => {
                    let v = f.as_ref().and_then(|f| extract(c, e, f));
                    match &v {
                        Some(v) => out.push_str(&v.text()),
                        None => out.push_str("<NA>"),
                    }
                    fields.insert(
                        name.clone(),
                        v.as_ref().map_or(serde_json::Value::Null, json),
                    );
                }
            }
        }
        (out, fields)
    }
}

fn json(v: &Val) -> serde_json::Value {
    match v {
        Val::Num(n) => (*n).into(),
        Val::Bool(b) => (*b).into(),
        Val::Str(s) => s.as_ref().into(),
        Val::List(_) => v.text().as_ref().into(),
    }
}

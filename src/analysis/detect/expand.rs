//! Macro and list expansion (macros see only the macros defined before them, rules see all;
//! list names in list values expand to their items) and exceptions as `and not (...)`.

use super::DetectError;
use super::ast::{Check, Expr, FieldExpr, Item, Op, Rhs};
use super::loader::{Exception, MacroDef, Origin, RuleDb};
use super::parser::parse;
use serde_json::Value;
use std::collections::HashMap;

/// Deepest list-in-list and macro nesting followed.
const MAX_NEST: usize = 64;

/// Lists with earlier lists expanded in their items, and macros parsed and resolved.
pub struct Expanded {
    pub lists: HashMap<String, Vec<String>>,
    pub macros: HashMap<String, Expr>,
}

fn err(o: &Origin, item: &str, msg: impl Into<String>) -> DetectError {
    DetectError::Rules {
        file: o.file.clone(),
        line: o.line,
        item: item.to_string(),
        msg: msg.into(),
    }
}

impl Expanded {
    pub fn new(db: &RuleDb) -> Result<Expanded, DetectError> {
        let mut lists: HashMap<String, Vec<String>> = HashMap::new();
        for l in &db.lists {
            let mut items = Vec::with_capacity(l.items.len());
            for i in &l.items {
                match lists.get(i) {
                    Some(sub) => items.extend(sub.iter().cloned()),
                    None => items.push(i.clone()),
                }
            }
            lists.insert(l.name.clone(), items);
        }
        let mut x = Expanded {
            lists,
            macros: HashMap::new(),
        };
        let defs: HashMap<&str, &MacroDef> =
            db.macros.iter().map(|m| (m.name.as_str(), m)).collect();
        for m in &db.macros {
            let mut stack = Vec::new();
            x.macro_expr(m, &defs, &mut stack)?;
        }
        Ok(x)
    }

    /// Resolve macro `m` (memoized): it may use the macros first defined before its latest
    /// definition; meeting itself again is a cycle.
    fn macro_expr(
        &mut self,
        m: &MacroDef,
        defs: &HashMap<&str, &MacroDef>,
        stack: &mut Vec<String>,
    ) -> Result<Expr, DetectError> {
        if let Some(e) = self.macros.get(&m.name) {
            return Ok(e.clone());
        }
        if stack.contains(&m.name) || stack.len() > MAX_NEST {
            stack.push(m.name.clone());
            let o = &m.origin;
            return Err(err(
                o,
                &m.name,
                format!("macro cycle: {}", stack.join(" -> ")),
            ));
        }
        let raw = parse(&m.condition)
            .map_err(|e| err(&m.origin, &m.name, format!("macro '{}': {e}", m.name)))?;
        let mut used = Vec::new();
        collect_macros(&raw, &mut used);
        stack.push(m.name.clone());
        for u in used {
            let Some(d) = defs.get(u.as_str()) else {
                return Err(err(&m.origin, &m.name, format!("undefined macro '{u}'")));
            };
            if d.first >= m.last {
                let msg = format!(
                    "undefined macro '{u}' (a macro can use only macros defined before it)"
                );
                return Err(err(&m.origin, &m.name, msg));
            }
            self.macro_expr(d, defs, stack)?;
        }
        stack.pop();
        let e = self.resolve(&raw, &m.origin, &m.name, 0)?;
        self.macros.insert(m.name.clone(), e.clone());
        Ok(e)
    }

    /// Replace macro references of `e`; `before`: only macros defined before this position.
    pub fn resolve(
        &self,
        e: &Expr,
        o: &Origin,
        item: &str,
        depth: usize,
    ) -> Result<Expr, DetectError> {
        if depth > MAX_NEST {
            return Err(err(o, item, "macros nested too deep"));
        }
        Ok(match e {
            Expr::And(v) => Expr::And(
                v.iter()
                    .map(|x| self.resolve(x, o, item, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            Expr::Or(v) => Expr::Or(
                v.iter()
                    .map(|x| self.resolve(x, o, item, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            Expr::Not(x) => Expr::Not(Box::new(self.resolve(x, o, item, depth + 1)?)),
            Expr::Macro(name) => match self.macros.get(name) {
                Some(m) => m.clone(),
                None => return Err(err(o, item, format!("undefined macro '{name}'"))),
            },
            Expr::Check(c) => Expr::Check(Box::new(self.lists_in(c))),
            Expr::Const(b) => Expr::Const(*b),
        })
    }

    fn lists_in(&self, c: &Check) -> Check {
        let rhs = match &c.rhs {
            Rhs::List(items) => Rhs::List(self.expand_items(items)),
            Rhs::ListName(n) => match self.lists.get(n) {
                Some(v) => Rhs::List(
                    v.iter()
                        .map(|t| Item {
                            text: t.clone(),
                            quoted: false,
                        })
                        .collect(),
                ),
                None => Rhs::ListName(n.clone()),
            },
            r => r.clone(),
        };
        Check {
            lhs: c.lhs.clone(),
            op: c.op,
            rhs,
        }
    }

    fn expand_items(&self, items: &[Item]) -> Vec<Item> {
        let mut out = Vec::with_capacity(items.len());
        for i in items {
            match self.lists.get(&i.text).filter(|_| !i.quoted) {
                Some(v) => out.extend(v.iter().map(|t| Item {
                    text: t.clone(),
                    quoted: false,
                })),
                None => out.push(i.clone()),
            }
        }
        out
    }
}

fn collect_macros(e: &Expr, out: &mut Vec<String>) {
    match e {
        Expr::And(v) | Expr::Or(v) => v.iter().for_each(|x| collect_macros(x, out)),
        Expr::Not(x) => collect_macros(x, out),
        Expr::Macro(m) => out.push(m.clone()),
        _ => {}
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn op_of(s: &str) -> Option<Op> {
    Op::SYMBOLS
        .iter()
        .chain(Op::WORDS.iter())
        .find(|(w, _)| *w == s)
        .map(|(_, o)| *o)
}

fn field_of(o: &Origin, rule: &str, f: &str) -> Result<FieldExpr, DetectError> {
    let e = parse(&format!("{f} exists"))
        .map_err(|_| err(o, rule, format!("exception field '{f}' is not a field")))?;
    match e {
        Expr::Check(c) => Ok(c.lhs),
        _ => Err(err(
            o,
            rule,
            format!("exception field '{f}' is not a field"),
        )),
    }
}

fn check(lhs: FieldExpr, op: Op, v: &Value) -> Check {
    let rhs = match v {
        Value::Array(a) => Rhs::List(
            a.iter()
                .filter_map(scalar)
                .map(|t| Item {
                    text: t,
                    quoted: false,
                })
                .collect(),
        ),
        v if op.is_list() => Rhs::List(vec![Item {
            text: scalar(v).unwrap_or_default(),
            quoted: false,
        }]),
        v => Rhs::Value(scalar(v).unwrap_or_default()),
    };
    Check { lhs, op, rhs }
}

/// The exceptions of a rule as one expression to `and not`, or `None` when none has values.
pub fn exceptions(o: &Origin, rule: &str, ex: &[Exception]) -> Result<Option<Expr>, DetectError> {
    let mut alts = Vec::new();
    for x in ex {
        match &x.fields {
            Value::String(f) => {
                let op = match &x.comps {
                    Value::Null => Op::In,
                    c => op_of(&scalar(c).unwrap_or_default()).ok_or_else(|| {
                        err(o, rule, format!("exception '{}': bad comparator", x.name))
                    })?,
                };
                let lhs = field_of(o, rule, f)?;
                if !x.values.is_empty() {
                    let items = Value::Array(x.values.clone());
                    alts.push(Expr::Check(Box::new(check(lhs, op, &items))));
                }
            }
            Value::Array(fields) => alts.extend(tuples(o, rule, x, fields)?),
            Value::Null => {}
            _ => {
                return Err(err(
                    o,
                    rule,
                    format!(
                        "exception '{}': fields must be a name or a sequence",
                        x.name
                    ),
                ));
            }
        }
    }
    Ok((!alts.is_empty()).then_some(Expr::Or(alts)))
}

/// The alternatives of an exception with a sequence of fields: one `and` of checks per value.
fn tuples(
    o: &Origin,
    rule: &str,
    x: &Exception,
    fields: &[Value],
) -> Result<Vec<Expr>, DetectError> {
    let mut alts = Vec::new();
    let names: Vec<String> = fields.iter().filter_map(scalar).collect();
    let comps: Vec<Op> = match &x.comps {
        Value::Null => vec![Op::Eq; names.len()],
        Value::Array(c) => c
            .iter()
            .map(|c| op_of(&scalar(c).unwrap_or_default()))
            .collect::<Option<_>>()
            .ok_or_else(|| err(o, rule, format!("exception '{}': bad comparator", x.name)))?,
        _ => {
            return Err(err(
                o,
                rule,
                format!("exception '{}': comps must be a sequence", x.name),
            ));
        }
    };
    if comps.len() != names.len() {
        return Err(err(
            o,
            rule,
            format!("exception '{}': fields and comps differ in length", x.name),
        ));
    }
    for tuple in &x.values {
        let Value::Array(vals) = tuple else {
            return Err(err(
                o,
                rule,
                format!("exception '{}': each value must be a sequence", x.name),
            ));
        };
        if vals.len() != names.len() {
            return Err(err(
                o,
                rule,
                format!(
                    "exception '{}': a value has {} items for {} fields",
                    x.name,
                    vals.len(),
                    names.len()
                ),
            ));
        }
        let parts: Vec<Expr> = names
            .iter()
            .zip(&comps)
            .zip(vals)
            .map(|((f, op), v)| Ok(Expr::Check(Box::new(check(field_of(o, rule, f)?, *op, v)))))
            .collect::<Result<_, DetectError>>()?;
        alts.push(Expr::And(parts));
    }
    Ok(alts)
}

//! From expanded syntax to evaluable rules: fields resolved (a typo is an error, a field
//! state cannot know makes the rule not evaluable), regexes compiled, event types computed.

use super::DetectError;
use super::ast::{Check, Expr, FieldExpr, Op, Rhs};
use super::eval::{CCheck, CExpr, CField, CRhs, Lit};
use super::events::Kind;
use super::fields::{Unresolved, resolve};
use super::loader::Origin;

/// Why a rule is loaded but not evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    Unknowable(String),
}

fn err(o: &Origin, item: &str, msg: impl Into<String>) -> DetectError {
    DetectError::Rules {
        file: o.file.clone(),
        line: o.line,
        item: item.to_string(),
        msg: msg.into(),
    }
}

pub struct Compiler<'a> {
    pub origin: &'a Origin,
    pub item: &'a str,
    /// Treat an unknown field as "not evaluable" (Falco's `skip-if-unknown-filter`).
    pub lenient: bool,
}

impl Compiler<'_> {
    fn field(&self, f: &FieldExpr) -> Result<Result<CField, Skip>, DetectError> {
        let mut transforms = Vec::new();
        let mut cur = f;
        while let FieldExpr::Transform { kind, inner } = cur {
            transforms.push(*kind);
            cur = inner;
        }
        transforms.reverse();
        let (name, arg) = cur.field();
        match resolve(name, arg) {
            Ok(field) => Ok(Ok(CField { field, transforms })),
            Err(Unresolved::Unknowable) => Ok(Err(Skip::Unknowable(format!(
                "uses {name}, which state cannot tell"
            )))),
            Err(Unresolved::NotFalco) if self.lenient => Ok(Err(Skip::Unknowable(format!(
                "uses unknown field {name} (skip-if-unknown-filter)"
            )))),
            Err(Unresolved::NotFalco) => Err(err(
                self.origin,
                self.item,
                format!("unknown field '{name}'"),
            )),
            Err(Unresolved::BadArg(m)) => Err(err(self.origin, self.item, m)),
        }
    }

    /// Compile `e`; the first field state cannot know makes the result a [`Skip`].
    pub fn expr(&self, e: &Expr) -> Result<Result<CExpr, Skip>, DetectError> {
        let list = |v: &[Expr]| -> Result<Result<Vec<CExpr>, Skip>, DetectError> {
            let mut out = Vec::with_capacity(v.len());
            for x in v {
                match self.expr(x)? {
                    Ok(c) => out.push(c),
                    Err(s) => return Ok(Err(s)),
                }
            }
            Ok(Ok(out))
        };
        Ok(Ok(match e {
            Expr::And(v) => match list(v)? {
                Ok(v) => CExpr::And(v),
                Err(s) => return Ok(Err(s)),
            },
            Expr::Or(v) => match list(v)? {
                Ok(v) => CExpr::Or(v),
                Err(s) => return Ok(Err(s)),
            },
            Expr::Not(x) => match self.expr(x)? {
                Ok(c) => CExpr::Not(Box::new(c)),
                Err(s) => return Ok(Err(s)),
            },
            Expr::Const(b) => CExpr::Const(*b),
            Expr::Macro(m) => {
                return Err(err(
                    self.origin,
                    self.item,
                    format!("undefined macro '{m}'"),
                ));
            }
            Expr::Check(c) => match self.check(c)? {
                Ok(c) => CExpr::Check(Box::new(c)),
                Err(s) => return Ok(Err(s)),
            },
        }))
    }

    fn check(&self, c: &Check) -> Result<Result<CCheck, Skip>, DetectError> {
        let lhs = match self.field(&c.lhs)? {
            Ok(f) => f,
            Err(s) => return Ok(Err(s)),
        };
        let rhs = match &c.rhs {
            Rhs::None => CRhs::None,
            Rhs::Field(f) => match self.field(f)? {
                Ok(f) => CRhs::Field(f),
                Err(s) => return Ok(Err(s)),
            },
            Rhs::Value(v) if c.op == Op::Regex => {
                let re = regex::RegexBuilder::new(&format!("^(?:{v})$"))
                    .size_limit(1 << 20)
                    .build()
                    .map_err(|e| {
                        err(
                            self.origin,
                            self.item,
                            format!(
                                "bad regex '{v}': {}",
                                e.to_string().lines().last().unwrap_or("")
                            ),
                        )
                    })?;
                CRhs::Regex(re)
            }
            Rhs::Value(v) if c.op.is_list() => set(std::slice::from_ref(v)),
            Rhs::Value(v) => CRhs::One(Lit::new(v.clone())),
            Rhs::List(items) if c.op.is_list() => {
                set(&items.iter().map(|i| i.text.clone()).collect::<Vec<_>>())
            }
            Rhs::List(_) => {
                return Err(err(
                    self.origin,
                    self.item,
                    "a list after an operator that takes one value",
                ));
            }
            Rhs::ListName(n) => {
                return Err(err(self.origin, self.item, format!("undefined list '{n}'")));
            }
        };
        Ok(Ok(CCheck { lhs, op: c.op, rhs }))
    }
}

fn set(items: &[String]) -> CRhs {
    CRhs::Set {
        items: items.iter().map(|t| Lit::new(t.clone())).collect(),
        texts: items.iter().cloned().collect(),
        nets: items.iter().filter(|t| t.contains('/')).cloned().collect(),
    }
}

/// Event kinds an expression can match (a bit per [`Kind`]), as Falco computes a rule's
/// event types: `evt.type` checks narrow it, everything else keeps all.
pub fn kinds(e: &CExpr) -> u16 {
    const ALL: u16 = u16::MAX;
    match e {
        CExpr::And(v) => v.iter().fold(ALL, |m, x| m & kinds(x)),
        CExpr::Or(v) => v.iter().fold(0, |m, x| m | kinds(x)),
        CExpr::Not(_) => ALL,
        CExpr::Const(false) => 0,
        CExpr::Const(true) => ALL,
        CExpr::Check(c) => {
            if c.lhs.field != super::fields::Field::EvtType || !c.lhs.transforms.is_empty() {
                return ALL;
            }
            let names: Vec<&str> = match (&c.rhs, c.op) {
                (CRhs::One(l), Op::Eq) => vec![l.text.as_str()],
                (CRhs::Set { items, .. }, Op::In) => {
                    items.iter().map(|l| l.text.as_str()).collect()
                }
                _ => return ALL,
            };
            Kind::ALL
                .iter()
                .filter(|k| names.contains(&k.name()))
                .fold(0, |m, k| m | k.bit())
        }
    }
}

//! Every rule's condition in one shared graph: equal sub-expressions (a macro used by many
//! rules, the same check in two rules) become one node, evaluated at most once per event,
//! and once per process when it reads only process fields; each field is extracted at most
//! once per event (or per process). Memoizing a pure function changes no verdict.

use super::ast::{Op, Transformer};
use super::eval::{CCheck, CExpr, CRhs, transform};
use super::events::Event;
use super::extract::{Ctx, Val, extract};
use super::fields::Field;
use super::prefix::{Prefixes, groups};
use std::collections::HashMap;

/// A node of the shared graph.
pub type NodeId = u32;

#[derive(Debug, Clone)]
enum Node {
    And(Vec<NodeId>),
    Or(Vec<NodeId>),
    Not(NodeId),
    Const(bool),
    /// A check with the value slots of its left and (for a field) right side.
    Check(Box<CCheck>, u16, Option<u16>),
}

/// What makes two nodes the same: the kind and the children, or a check's text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    And(Vec<NodeId>),
    Or(Vec<NodeId>),
    Not(NodeId),
    Const(bool),
    Check(String),
}

/// The conditions of a rule set, hash-consed.
#[derive(Debug, Clone, Default)]
pub struct Program {
    nodes: Vec<Node>,
    /// Per node: whether its value depends on the event beyond its process.
    per_event: Vec<bool>,
    keys: HashMap<Key, NodeId>,
    /// Value slots: one per distinct field, with whether it depends on the event.
    fields: Vec<(Field, bool)>,
    slots: HashMap<Field, u16>,
    /// `startswith` checks decided together, and per node its group (`u32::MAX`: none).
    prefixes: Vec<Prefixes>,
    prefix_of: Vec<u32>,
}

/// Whether field `f` can differ between two events of the same process.
fn field_per_event(f: &Field) -> bool {
    use Field::*;
    matches!(
        f,
        EvtType
            | EvtDir
            | EvtRawRes
            | EvtIsOpenRead
            | EvtIsOpenWrite
            | EvtIsOpenExec
            | EvtArg(_)
            | FdNum
            | FdType
            | FdTypeChar
            | FdName
            | FdDirectory
            | FdFilename
            | FdSip
            | FdSport
            | FdCip
            | FdCport
            | FdLip
            | FdLport
            | FdRip
            | FdRport
            | FdL4Proto
            | FdSockFamily
            | FdIsServer
            | FdSipName
            | FdIno
    )
}

/// A check's identity: its field, transformers, operator and literal text.
fn check_key(c: &CCheck) -> String {
    let rhs = match &c.rhs {
        CRhs::None => "none".to_string(),
        CRhs::One(l) => format!("one {:?}", l.text),
        CRhs::Set { items, .. } => {
            let t: Vec<&str> = items.iter().map(|l| l.text.as_str()).collect();
            format!("set {t:?}")
        }
        CRhs::Regex(re) => format!("re {:?}", re.as_str()),
        CRhs::Field(f) => format!("field {:?} {:?}", f.field, f.transforms),
    };
    format!("{:?} {:?} {:?} {rhs}", c.lhs.field, c.lhs.transforms, c.op)
}

impl Program {
    fn slot(&mut self, f: &Field) -> u16 {
        if let Some(s) = self.slots.get(f) {
            return *s;
        }
        let s = self.fields.len() as u16;
        self.fields.push((f.clone(), field_per_event(f)));
        self.slots.insert(f.clone(), s);
        s
    }

    fn intern(&mut self, key: Key, node: Node, per_event: bool) -> NodeId {
        if let Some(id) = self.keys.get(&key) {
            return *id;
        }
        let id = self.nodes.len() as NodeId;
        self.nodes.push(node);
        self.per_event.push(per_event);
        self.keys.insert(key, id);
        id
    }

    fn children(&mut self, v: Vec<CExpr>) -> (Vec<NodeId>, bool) {
        let ids: Vec<NodeId> = v.into_iter().map(|x| self.add(x)).collect();
        let pe = ids.iter().any(|i| self.per_event[*i as usize]);
        (ids, pe)
    }

    /// Add a compiled expression; equal sub-expressions already present are reused.
    pub fn add(&mut self, e: CExpr) -> NodeId {
        match e {
            CExpr::And(v) => {
                let (ids, pe) = self.children(v);
                self.intern(Key::And(ids.clone()), Node::And(ids), pe)
            }
            CExpr::Or(v) => {
                let (ids, pe) = self.children(v);
                self.intern(Key::Or(ids.clone()), Node::Or(ids), pe)
            }
            CExpr::Not(x) => {
                let id = self.add(*x);
                let pe = self.per_event[id as usize];
                self.intern(Key::Not(id), Node::Not(id), pe)
            }
            CExpr::Const(b) => self.intern(Key::Const(b), Node::Const(b), false),
            CExpr::Check(c) => {
                let key = Key::Check(check_key(&c));
                if let Some(id) = self.keys.get(&key) {
                    return *id;
                }
                let l = self.slot(&c.lhs.field);
                let r = match &c.rhs {
                    CRhs::Field(f) => Some(self.slot(&f.field)),
                    _ => None,
                };
                let pe = self.fields[l as usize].1 || r.is_some_and(|r| self.fields[r as usize].1);
                self.intern(key, Node::Check(c, l, r), pe)
            }
        }
    }

    /// Group the `startswith` checks of many rules on one field (after the last rule).
    pub fn finish(&mut self) {
        let checks = self.nodes.iter().enumerate().filter_map(|(i, n)| match n {
            Node::Check(k, l, None) if k.op == Op::StartsWith && k.lhs.transforms.is_empty() => {
                match &k.rhs {
                    CRhs::One(lit) => Some((i as NodeId, *l, lit.text.as_str())),
                    _ => None,
                }
            }
            _ => None,
        });
        self.prefixes = groups(checks);
        self.prefix_of = vec![u32::MAX; self.nodes.len()];
        for (g, p) in self.prefixes.iter().enumerate() {
            for id in &p.members {
                self.prefix_of[*id as usize] = g as u32;
            }
        }
    }

    /// Decide every check of prefix group `g` for this event (their value is text or
    /// `<NA>`); `false` when the value is of another kind, left to each check.
    fn bulk<'a>(&self, g: u32, stamp: u32, m: &mut Memo<'a>, c: &Ctx<'a>, e: &Event<'a>) -> bool {
        let p = &self.prefixes[g as usize];
        self.fill(p.slot, m, c, e);
        let value = match &m.field_val[p.slot as usize] {
            None => None,
            Some(Val::Str(s)) => Some(s.as_bytes()),
            Some(_) => return false,
        };
        for id in &p.members {
            m.node_at[*id as usize] = stamp;
            m.node_val[*id as usize] = false;
        }
        if let Some(v) = value {
            p.matching(v, |id| m.node_val[id as usize] = true);
        }
        true
    }

    /// Add a rule's condition as the list of its top-level conjuncts (nested `and`s
    /// flattened, repeats dropped): the rule holds when every one does.
    pub fn add_rule(&mut self, e: CExpr) -> Vec<NodeId> {
        let mut out = Vec::new();
        self.conjuncts(e, &mut out);
        out
    }

    fn conjuncts(&mut self, e: CExpr, out: &mut Vec<NodeId>) {
        match e {
            CExpr::And(v) => v.into_iter().for_each(|x| self.conjuncts(x, out)),
            e => {
                let id = self.add(e);
                if !out.contains(&id) {
                    out.push(id);
                }
            }
        }
    }

    /// Whether every conjunct of a rule holds for `e`.
    pub fn holds<'a>(&self, rule: &[NodeId], m: &mut Memo<'a>, c: &Ctx<'a>, e: &Event<'a>) -> bool {
        rule.iter().all(|id| self.eval(*id, m, c, e))
    }

    /// Nodes in the graph.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether node `id` holds for event `e` (`m` must have been told of `e` by [`Memo::event`]).
    pub fn eval<'a>(&self, id: NodeId, m: &mut Memo<'a>, c: &Ctx<'a>, e: &Event<'a>) -> bool {
        let i = id as usize;
        let stamp = if self.per_event[i] { m.event } else { m.proc };
        if m.node_at[i] == stamp {
            return m.node_val[i];
        }
        let g = self.prefix_of.get(i).copied().unwrap_or(u32::MAX);
        if g != u32::MAX && self.bulk(g, stamp, m, c, e) {
            return m.node_val[i];
        }
        let v = match &self.nodes[i] {
            Node::And(v) => v.iter().all(|x| self.eval(*x, m, c, e)),
            Node::Or(v) => v.iter().any(|x| self.eval(*x, m, c, e)),
            Node::Not(x) => !self.eval(*x, m, c, e),
            Node::Const(b) => *b,
            Node::Check(k, l, r) => self.check(k, *l, *r, m, c, e),
        };
        m.node_at[i] = stamp;
        m.node_val[i] = v;
        v
    }

    fn fill<'a>(&self, s: u16, m: &mut Memo<'a>, c: &Ctx<'a>, e: &Event<'a>) {
        let (f, pe) = &self.fields[s as usize];
        let stamp = if *pe { m.event } else { m.proc };
        let s = s as usize;
        if m.field_at[s] != stamp {
            m.field_val[s] = extract(c, e, f);
            m.field_at[s] = stamp;
        }
    }

    fn check<'a>(
        &self,
        k: &CCheck,
        l: u16,
        r: Option<u16>,
        m: &mut Memo<'a>,
        c: &Ctx<'a>,
        e: &Event<'a>,
    ) -> bool {
        self.fill(l, m, c, e);
        if m.field_val[l as usize].is_none() {
            return false;
        }
        if let Some(r) = r.filter(|_| k.op != Op::Exists) {
            self.fill(r, m, c, e);
        }
        let lhs = transformed(m.field_val[l as usize].as_ref(), &k.lhs.transforms);
        let Some(lhs) = lhs else { return false };
        let rhs = match (r, &k.rhs) {
            (Some(r), CRhs::Field(f)) if k.op != Op::Exists => {
                transformed(m.field_val[r as usize].as_ref(), &f.transforms)
            }
            _ => None,
        };
        k.holds(&lhs, rhs.as_deref())
    }
}

/// A cached value with its transformers applied (borrowed when there are none).
fn transformed<'v, 'a>(
    v: Option<&'v Val<'a>>,
    ts: &[Transformer],
) -> Option<std::borrow::Cow<'v, Val<'a>>> {
    let v = v?;
    if ts.is_empty() {
        return Some(std::borrow::Cow::Borrowed(v));
    }
    let mut v = v.clone();
    for t in ts {
        v = transform(v, *t)?;
    }
    Some(std::borrow::Cow::Owned(v))
}

/// The per-event (and per-process) memory of node results and field values: stamps say
/// which event or process a cached entry belongs to, so nothing is cleared between events.
pub struct Memo<'a> {
    tick: u32,
    event: u32,
    proc: u32,
    proc_of: *const crate::model::Process,
    node_at: Vec<u32>,
    node_val: Vec<bool>,
    field_at: Vec<u32>,
    field_val: Vec<Option<Val<'a>>>,
}

impl<'a> Memo<'a> {
    pub fn new(p: &Program) -> Memo<'a> {
        Memo {
            tick: 0,
            event: 0,
            proc: 0,
            proc_of: std::ptr::null(),
            node_at: vec![0; p.nodes.len()],
            node_val: vec![false; p.nodes.len()],
            field_at: vec![0; p.fields.len()],
            field_val: vec![None; p.fields.len()],
        }
    }

    fn next(&mut self) -> u32 {
        if self.tick == u32::MAX {
            self.tick = 0;
            self.node_at.iter_mut().for_each(|s| *s = 0);
            self.field_at.iter_mut().for_each(|s| *s = 0);
            self.proc_of = std::ptr::null();
        }
        self.tick += 1;
        self.tick
    }

    /// Start evaluating event `e`: what was cached for another event (or process) is stale.
    pub fn event(&mut self, e: &Event<'a>) {
        self.event = self.next();
        if !std::ptr::eq(self.proc_of, e.proc) {
            self.proc = self.next();
            self.proc_of = e.proc;
        }
    }
}

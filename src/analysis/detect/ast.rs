//! The syntax tree of a Falco condition (libsinsp's filter grammar), before and after macro
//! and list expansion.

/// A boolean expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Check(Box<Check>),
    /// A bare identifier: a macro reference, resolved by the compiler.
    Macro(String),
    /// A constant (what an empty `or`/`and` or a resolved `never_true` may become).
    Const(bool),
}

/// A field, possibly with an argument and wrapped in transformers.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldExpr {
    Field {
        name: String,
        arg: Option<String>,
    },
    Transform {
        kind: Transformer,
        inner: Box<FieldExpr>,
    },
}

impl FieldExpr {
    /// The innermost field's name and argument.
    pub fn field(&self) -> (&str, Option<&str>) {
        match self {
            FieldExpr::Field { name, arg } => (name, arg.as_deref()),
            FieldExpr::Transform { inner, .. } => inner.field(),
        }
    }
}

/// The field transformers procscope evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transformer {
    ToLower,
    ToUpper,
    B64,
    Basename,
    Len,
}

impl Transformer {
    pub fn from_name(s: &str) -> Option<Transformer> {
        Some(match s {
            "tolower" => Transformer::ToLower,
            "toupper" => Transformer::ToUpper,
            "b64" => Transformer::B64,
            "basename" => Transformer::Basename,
            "len" => Transformer::Len,
            _ => return None,
        })
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
    IContains,
    BContains,
    StartsWith,
    BStartsWith,
    EndsWith,
    Glob,
    IGlob,
    Regex,
    In,
    Intersects,
    PMatch,
    Exists,
}

impl Op {
    /// Word operators, longest first where one is a prefix of another.
    pub const WORDS: [(&'static str, Op); 13] = [
        ("bcontains", Op::BContains),
        ("bstartswith", Op::BStartsWith),
        ("contains", Op::Contains),
        ("icontains", Op::IContains),
        ("startswith", Op::StartsWith),
        ("endswith", Op::EndsWith),
        ("glob", Op::Glob),
        ("iglob", Op::IGlob),
        ("regex", Op::Regex),
        ("intersects", Op::Intersects),
        ("in", Op::In),
        ("pmatch", Op::PMatch),
        ("exists", Op::Exists),
    ];

    /// Symbol operators, longest first.
    pub const SYMBOLS: [(&'static str, Op); 7] = [
        ("==", Op::Eq),
        ("!=", Op::Ne),
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("=", Op::Eq),
        ("<", Op::Lt),
        (">", Op::Gt),
    ];

    pub fn is_list(self) -> bool {
        matches!(self, Op::In | Op::Intersects | Op::PMatch)
    }
}

/// One item of a list value; `quoted` items are never list names.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub text: String,
    pub quoted: bool,
}

/// The right-hand side of a check.
#[derive(Debug, Clone, PartialEq)]
pub enum Rhs {
    None,
    Value(String),
    List(Vec<Item>),
    /// `in list_name` (a list named without parentheses).
    ListName(String),
    /// `val(field)` or a transformed field.
    Field(FieldExpr),
}

/// `field op value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub lhs: FieldExpr,
    pub op: Op,
    pub rhs: Rhs,
}

impl Expr {
    /// Visit every check of the expression.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Check)) {
        match self {
            Expr::And(v) | Expr::Or(v) => v.iter().for_each(|e| e.walk(f)),
            Expr::Not(e) => e.walk(f),
            Expr::Check(c) => f(c),
            Expr::Macro(_) | Expr::Const(_) => {}
        }
    }
}

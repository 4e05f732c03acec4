//! A recursive-descent parser for Falco conditions, following libsinsp's grammar
//! (`not` > `and` > `or`, parentheses, field checks, macro identifiers, list values).

use super::ast::{Check, Expr, FieldExpr, Item, Op, Rhs, Transformer};

/// Deepest nesting accepted: a hostile condition cannot exhaust the stack.
const MAX_DEPTH: usize = 256;

/// A syntax error at a byte offset of the condition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{msg} at offset {pos}")]
pub struct ParseError {
    pub pos: usize,
    pub msg: String,
}

/// Parse a whole condition.
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        pos: 0,
        depth: 0,
    };
    let e = p.or()?;
    p.ws();
    if p.pos < p.s.len() {
        return Err(p.err("unexpected text"));
    }
    Ok(e)
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: usize,
}

fn ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn bare_char(b: u8) -> bool {
    !matches!(
        b,
        b'(' | b')' | b'"' | b'\'' | b'=' | b',' | b' ' | b'\t' | b'\n' | b'\r' | 8 | 12 | 11
    )
}

impl<'a> Parser<'a> {
    fn err(&self, msg: &str) -> ParseError {
        ParseError {
            pos: self.pos,
            msg: msg.to_string(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// A keyword followed by a blank or `(` (libsinsp's rule for `and`, `or`, `not`).
    fn keyword(&mut self, kw: &str) -> bool {
        self.ws();
        let end = self.pos + kw.len();
        if self.s.get(self.pos..end) != Some(kw.as_bytes()) {
            return false;
        }
        match self.s.get(end) {
            Some(b) if b.is_ascii_whitespace() || *b == b'(' => {
                self.pos = end;
                true
            }
            _ => false,
        }
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        let mut v = vec![self.and()?];
        while self.keyword("or") {
            v.push(self.and()?);
        }
        self.depth -= 1;
        Ok(if v.len() == 1 {
            v.remove(0)
        } else {
            Expr::Or(v)
        })
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut v = vec![self.not()?];
        while self.keyword("and") {
            v.push(self.not()?);
        }
        Ok(if v.len() == 1 {
            v.remove(0)
        } else {
            Expr::And(v)
        })
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        let mut n = 0;
        while self.keyword("not") {
            n += 1;
            if n > MAX_DEPTH {
                return Err(self.err("nesting too deep"));
            }
        }
        let mut e = self.check()?;
        for _ in 0..n {
            e = Expr::Not(Box::new(e));
        }
        Ok(e)
    }

    fn check(&mut self) -> Result<Expr, ParseError> {
        if self.eat(b'(') {
            let e = self.or()?;
            if !self.eat(b')') {
                return Err(self.err("expected ')'"));
            }
            return Ok(e);
        }
        self.ws();
        let start = self.pos;
        let word = self.word();
        if word.is_empty() {
            return Err(self.err("expected a field, a macro or '('"));
        }
        if self.peek() == Some(b'(') {
            self.pos = start;
            let lhs = self.field_expr()?;
            return self.condition(lhs);
        }
        if !word.contains('.') {
            if word.as_bytes()[0].is_ascii_digit() {
                self.pos = start;
                return Err(self.err("expected a field, a macro or '('"));
            }
            return Ok(Expr::Macro(word.to_string()));
        }
        self.pos = start;
        let lhs = self.field_expr()?;
        self.condition(lhs)
    }

    /// `[A-Za-z0-9_.]*` at the cursor.
    fn word(&mut self) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(|b| ident_char(b) || b == b'.') {
            self.pos += 1;
        }
        &self.text[start..self.pos]
    }

    fn field_expr(&mut self) -> Result<FieldExpr, ParseError> {
        self.ws();
        let at = self.pos;
        let word = self.word();
        if self.peek() == Some(b'(') {
            let kind = Transformer::from_name(word).ok_or_else(|| ParseError {
                pos: at,
                msg: format!("unknown or unsupported transformer '{word}'"),
            })?;
            self.pos += 1;
            self.enter()?;
            let inner = self.field_expr()?;
            self.depth -= 1;
            if !self.eat(b')') {
                return Err(self.err("expected ')' after transformer argument"));
            }
            return Ok(FieldExpr::Transform {
                kind,
                inner: Box::new(inner),
            });
        }
        if !valid_field_name(word) {
            self.pos = at;
            return Err(self.err("expected a field name"));
        }
        let arg = if self.peek() == Some(b'[') {
            self.pos += 1;
            let a = if matches!(self.peek(), Some(b'"') | Some(b'\'')) {
                self.quoted()?
            } else {
                let start = self.pos;
                while self.peek().is_some_and(|b| {
                    !matches!(b, b'[' | b']' | b'"' | b'\'') && !b.is_ascii_whitespace()
                }) {
                    self.pos += 1;
                }
                self.text[start..self.pos].to_string()
            };
            if self.peek() != Some(b']') {
                return Err(self.err("expected ']' after field argument"));
            }
            self.pos += 1;
            Some(a)
        } else {
            None
        };
        Ok(FieldExpr::Field {
            name: word.to_string(),
            arg,
        })
    }

    fn operator(&mut self) -> Result<Op, ParseError> {
        self.ws();
        let rest = &self.s[self.pos..];
        for (sym, op) in Op::SYMBOLS {
            if rest.starts_with(sym.as_bytes()) {
                self.pos += sym.len();
                return Ok(op);
            }
        }
        for (w, op) in Op::WORDS {
            if rest.starts_with(w.as_bytes()) && !rest.get(w.len()).is_some_and(|b| ident_char(*b))
            {
                self.pos += w.len();
                return Ok(op);
            }
        }
        Err(self.err("expected an operator"))
    }

    fn condition(&mut self, lhs: FieldExpr) -> Result<Expr, ParseError> {
        let op = self.operator()?;
        let rhs = if op == Op::Exists {
            Rhs::None
        } else {
            self.ws();
            if let Some(f) = self.rhs_field()? {
                Rhs::Field(f)
            } else if op.is_list() {
                self.list()?
            } else {
                Rhs::Value(self.value()?)
            }
        };
        Ok(Expr::Check(Box::new(Check { lhs, op, rhs })))
    }

    /// `val(field)` or `transformer(field)` on the right-hand side.
    fn rhs_field(&mut self) -> Result<Option<FieldExpr>, ParseError> {
        let start = self.pos;
        let word = self.word();
        if self.peek() != Some(b'(') || word.is_empty() {
            self.pos = start;
            return Ok(None);
        }
        if word == "val" {
            self.pos += 1;
            let f = self.field_expr()?;
            if !self.eat(b')') {
                return Err(self.err("expected ')' after val("));
            }
            return Ok(Some(f));
        }
        if Transformer::from_name(word).is_some() {
            self.pos = start;
            return Ok(Some(self.field_expr()?));
        }
        self.pos = start;
        Ok(None)
    }

    fn list(&mut self) -> Result<Rhs, ParseError> {
        if !self.eat(b'(') {
            let start = self.pos;
            let w = self.word();
            if w.is_empty() || w.contains('.') {
                self.pos = start;
                return Err(self.err("expected a list"));
            }
            return Ok(Rhs::ListName(w.to_string()));
        }
        let mut items = Vec::new();
        if self.eat(b')') {
            return Ok(Rhs::List(items));
        }
        loop {
            self.ws();
            let quoted = matches!(self.peek(), Some(b'"') | Some(b'\''));
            let text = self.value()?;
            items.push(Item { text, quoted });
            if self.eat(b',') {
                continue;
            }
            if self.eat(b')') {
                return Ok(Rhs::List(items));
            }
            return Err(self.err("expected ',' or ')' in list"));
        }
    }

    fn value(&mut self) -> Result<String, ParseError> {
        self.ws();
        if matches!(self.peek(), Some(b'"') | Some(b'\'')) {
            return self.quoted();
        }
        let start = self.pos;
        while self.peek().is_some_and(bare_char) {
            self.pos += 1;
        }
        if start == self.pos {
            return Err(self.err("expected a value"));
        }
        Ok(self.text[start..self.pos].to_string())
    }

    fn quoted(&mut self) -> Result<String, ParseError> {
        let q = self.s[self.pos];
        let start = self.pos;
        self.pos += 1;
        let mut out = Vec::new();
        while let Some(b) = self.peek() {
            self.pos += 1;
            if b == q {
                return Ok(String::from_utf8_lossy(&out).into_owned());
            }
            if b == b'\\' {
                let Some(n) = self.peek() else { break };
                self.pos += 1;
                match n {
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    b'r' => out.push(b'\r'),
                    b'\\' | b'"' | b'\'' => out.push(n),
                    _ => out.extend_from_slice(&[b'\\', n]),
                }
            } else {
                out.push(b);
            }
        }
        self.pos = start;
        Err(self.err("unterminated quoted string"))
    }
}

/// libsinsp's field name shape: `ident(.ident)+`, each part starting with a letter.
pub fn valid_field_name(w: &str) -> bool {
    let mut parts = 0;
    for part in w.split('.') {
        if !part
            .as_bytes()
            .first()
            .is_some_and(|b| b.is_ascii_alphabetic())
        {
            return false;
        }
        parts += 1;
    }
    parts >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_and_lists() {
        let e = parse("a or b and not c").unwrap();
        assert_eq!(
            e,
            Expr::Or(vec![
                Expr::Macro("a".into()),
                Expr::And(vec![
                    Expr::Macro("b".into()),
                    Expr::Not(Box::new(Expr::Macro("c".into())))
                ])
            ])
        );
        let e =
            parse("proc.name in (bash, 'my sh', runc:[0:PARENT]) and proc.aname[2]=sshd").unwrap();
        let Expr::And(v) = e else { panic!() };
        let Expr::Check(c) = &v[0] else { panic!() };
        let Rhs::List(items) = &c.rhs else { panic!() };
        assert_eq!(items[2].text, "runc:[0:PARENT]");
        assert!(items[1].quoted);
        let Expr::Check(c) = &v[1] else { panic!() };
        assert_eq!(c.lhs.field(), ("proc.aname", Some("2")));
    }

    #[test]
    fn transformers_val_and_errors() {
        let e = parse("tolower(proc.name) = val(proc.pname)").unwrap();
        let Expr::Check(c) = e else { panic!() };
        assert!(matches!(
            c.lhs,
            FieldExpr::Transform {
                kind: Transformer::ToLower,
                ..
            }
        ));
        assert!(matches!(c.rhs, Rhs::Field(_)));
        assert!(parse("proc.name exists and not(fd.num>=3)").is_ok());
        assert!(parse("proc.name =").is_err());
        assert!(parse("(proc.name = a").is_err());
        assert!(parse("proc.name = 'x").is_err());
        assert!(parse("proc.name bogus x").is_err());
        assert!(parse(&"(".repeat(10_000)).is_err());
    }
}

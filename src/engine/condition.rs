//! Conditions over a model's series: the general form of a first-passage test,
//! parsed from text such as `revenue >= spending` or
//! `growth(revenue, 4) >= growth(spending, 4) and ebita > 0`.
//!
//! A [`Condition`] is evaluated at every point of a path from the path's
//! observations. [`FirstPassage::when`](super::FirstPassage::when) turns it into a
//! passage rule; the grammar and the meaning of every function are stated on
//! [`Condition`] and in `docs/model.md` (part 2).

use crate::error::{Error, Result};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Longest window a function may take, in points: far beyond any horizon a model
/// runs, small enough that window sums cannot overflow a count.
pub const MAX_WINDOW: usize = 10_000;

/// Longest condition text, in bytes: conditions are written by hand.
const MAX_TEXT: usize = 4_096;

/// Deepest nesting of parentheses and operators, so that parsing hostile text
/// cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

/// A condition over the series of a model at one point, parsed from text.
///
/// # Grammar
/// ```text
/// condition  = conjunction { "or" conjunction }
/// conjunction = negation { "and" negation }
/// negation   = "not" negation | "(" condition ")" | comparison
/// comparison = expr ( ">=" | ">" | "<=" | "<" ) expr
/// expr       = term { ("+" | "-") term }
/// term       = factor { ("*" | "/") factor }
/// factor     = number | series | function "(" args ")" | "(" expr ")" | "-" factor
/// ```
/// A series is a name of letters, digits and `_` starting with a letter; numbers
/// are decimal (`0.5`, `1e-3`). Keywords (`and`, `or`, `not`) and function names
/// cannot name series.
///
/// # Meaning
/// The condition is evaluated at each point `k` of the path's *domain*, the points
/// `s..=steps` from the rule's first point `s` (see
/// [`FirstPassage::starting_at`](super::FirstPassage::starting_at)); functions see
/// only the domain, so a window never reaches back before `s`. With `x_k` the value
/// of expression `x` at point `k`:
///
/// | function | value at `k` | defined for |
/// |---|---|---|
/// | `sum(x, n)` | `x_{k-n+1} + ... + x_k` | `k - n + 1 >= s` |
/// | `mean(x, n)` | `sum(x, n) / n` | `k - n + 1 >= s` |
/// | `growth(x, n)` | `sum(x, n)_k / sum(x, n)_{k-n} - 1` | `k - 2n + 1 >= s` and `sum(x, n)_{k-n} > 0` |
/// | `lag(x, n)` | `x_{k-n}` | `k - n >= s` |
/// | `change(x, n)` | `x_k - x_{k-n}` | `k - n >= s` |
/// | `cumsum(x)` | `x_s + ... + x_k` | every `k` |
/// | `min(a, b)`, `max(a, b)` | the smaller, larger of `a_k`, `b_k` | both defined |
/// | `abs(x)` | `|x_k|` | `x` defined |
///
/// `n` is a whole number from 1 to [`MAX_WINDOW`]. Sums run from the oldest point
/// to the newest. Arithmetic follows IEEE-754 double precision; a value that is
/// not defined, or not a number (such as `0 / 0`), makes every comparison that
/// reads it *undefined*, and an undefined comparison makes the whole condition
/// undefined. An undefined condition does not hold. (`not` of an undefined
/// condition is undefined too, so `not` never turns "unknown" into "true".)
///
/// ```
/// use outpace::engine::Condition;
/// let c: Condition = "growth(revenue, 4) >= growth(spending, 4) and ebita > 0".parse()?;
/// assert_eq!(c.series(), ["ebita", "revenue", "spending"]);
/// assert_eq!(c.to_string(), "growth(revenue, 4) >= growth(spending, 4) and ebita > 0");
/// assert!("revenue >=".parse::<Condition>().is_err());
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    text: String,
    root: Logic,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compare {
    AtLeast,
    Above,
    AtMost,
    Below,
}

impl Compare {
    fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Compare::AtLeast => a >= b,
            Compare::Above => a > b,
            Compare::AtMost => a <= b,
            Compare::Below => a < b,
        }
    }
}

/// The boolean structure of a condition.
#[derive(Debug, Clone, PartialEq)]
enum Logic {
    Compare(Expr, Compare, Expr),
    And(Box<Logic>, Box<Logic>),
    Or(Box<Logic>, Box<Logic>),
    Not(Box<Logic>),
}

/// An arithmetic expression.
#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Number(f64),
    Series(String),
    Neg(Box<Expr>),
    Binary(Arith, Box<Expr>, Box<Expr>),
    Window(Window, Box<Expr>, usize),
    Cumsum(Box<Expr>),
    Pair(Pair, Box<Expr>, Box<Expr>),
    Abs(Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Window {
    Sum,
    Mean,
    Growth,
    Lag,
    Change,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pair {
    Min,
    Max,
}

const WINDOW_FUNCTIONS: [(&str, Window); 5] = [
    ("sum", Window::Sum),
    ("mean", Window::Mean),
    ("growth", Window::Growth),
    ("lag", Window::Lag),
    ("change", Window::Change),
];
const PAIR_FUNCTIONS: [(&str, Pair); 2] = [("min", Pair::Min), ("max", Pair::Max)];
const KEYWORDS: [&str; 3] = ["and", "or", "not"];

impl Condition {
    /// Parses `text` (see the grammar above).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `condition`, quoting the text and saying
    /// what was expected where.
    pub fn parse(text: &str) -> Result<Condition> {
        if text.len() > MAX_TEXT {
            return Err(Error::invalid(
                "condition",
                format!("{} bytes of text", text.len()),
                format!("must be at most {MAX_TEXT} bytes"),
            ));
        }
        let mut parser = Parser {
            text,
            tokens: tokenize(text)?,
            at: 0,
            depth: 0,
        };
        let root = parser.condition()?;
        if let Some(token) = parser.peek() {
            return Err(parser.error(token.column, "expected `and`, `or` or the end"));
        }
        Ok(Condition {
            text: text.trim().to_owned(),
            root,
        })
    }

    /// The condition as written (trimmed).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The names of the series the condition reads, sorted, each once.
    pub fn series(&self) -> Vec<&str> {
        let mut names = Vec::new();
        self.root.series(&mut names);
        names.sort_unstable();
        names.dedup();
        names
    }

    /// `Some((series, compare, Ok(level) | Err(other_series)))` when the condition
    /// is a single comparison of a series with a number or another series, the
    /// form the engine tests without evaluating a program.
    pub(crate) fn as_barrier(&self) -> Option<(&str, Compare, std::result::Result<f64, &str>)> {
        let Logic::Compare(Expr::Series(name), compare, rhs) = &self.root else {
            return None;
        };
        match rhs {
            Expr::Number(level) => Some((name, *compare, Ok(*level))),
            Expr::Series(other) => Some((name, *compare, Err(other.as_str()))),
            _ => None,
        }
    }

    /// Compiles the condition against a model's series names.
    pub(crate) fn compile(&self, names: &[&str]) -> Result<Program> {
        let mut program = Program {
            nodes: Vec::new(),
            logic: Vec::new(),
        };
        let root = program.logic(&self.root, names)?;
        debug_assert_eq!(root + 1, program.logic.len());
        Ok(program)
    }
}

impl FromStr for Condition {
    type Err = Error;

    fn from_str(text: &str) -> Result<Condition> {
        Condition::parse(text)
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Condition {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Condition::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Logic {
    fn series<'a>(&'a self, names: &mut Vec<&'a str>) {
        match self {
            Logic::Compare(a, _, b) => {
                a.series(names);
                b.series(names);
            }
            Logic::And(a, b) | Logic::Or(a, b) => {
                a.series(names);
                b.series(names);
            }
            Logic::Not(a) => a.series(names),
        }
    }
}

impl Expr {
    fn series<'a>(&'a self, names: &mut Vec<&'a str>) {
        match self {
            Expr::Number(_) => {}
            Expr::Series(name) => names.push(name),
            Expr::Neg(a) | Expr::Window(_, a, _) | Expr::Cumsum(a) | Expr::Abs(a) => {
                a.series(names);
            }
            Expr::Binary(_, a, b) | Expr::Pair(_, a, b) => {
                a.series(names);
                b.series(names);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Tokens and parsing.

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Number(f64),
    Name(String),
    Symbol(&'static str),
}

#[derive(Debug, Clone, PartialEq)]
struct Token {
    kind: Kind,
    /// 1-based column of the token's first character.
    column: usize,
}

const SYMBOLS: [&str; 11] = [">=", "<=", ">", "<", "+", "-", "*", "/", "(", ")", ","];

fn tokenize(text: &str) -> Result<Vec<Token>> {
    let mut tokens = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let column = text[..i].chars().count() + 1;
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c.is_ascii_digit()
            || (c == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            let end = number_end(bytes, i);
            let literal = &text[i..end];
            let value: f64 = literal
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite())
                .ok_or_else(|| {
                    syntax(text, column, &format!("`{literal}` is not a finite number"))
                })?;
            tokens.push(Token {
                kind: Kind::Number(value),
                column,
            });
            i = end;
        } else if c.is_ascii_alphabetic() {
            let end = i + bytes[i..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count();
            tokens.push(Token {
                kind: Kind::Name(text[i..end].to_owned()),
                column,
            });
            i = end;
        } else if let Some(symbol) = SYMBOLS.iter().find(|s| text[i..].starts_with(**s)) {
            tokens.push(Token {
                kind: Kind::Symbol(symbol),
                column,
            });
            i += symbol.len();
        } else {
            let ch = text[i..].chars().next().unwrap_or('?');
            let hint = if ch == '=' {
                " (write `>=` or `<=`)"
            } else {
                ""
            };
            return Err(syntax(text, column, &format!("unexpected `{ch}`{hint}")));
        }
    }
    Ok(tokens)
}

/// The end of the number literal starting at `i`: digits, one `.`, an exponent.
fn number_end(bytes: &[u8], mut i: usize) -> usize {
    let digits = |bytes: &[u8], mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    i = digits(bytes, i);
    if bytes.get(i) == Some(&b'.') {
        i = digits(bytes, i + 1);
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(bytes.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        if bytes.get(j).is_some_and(u8::is_ascii_digit) {
            i = digits(bytes, j);
        }
    }
    i
}

fn syntax(text: &str, column: usize, what: &str) -> Error {
    Error::invalid(
        "condition",
        format!("\"{}\"", text.trim()),
        format!("{what} at column {column}"),
    )
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn error(&self, column: usize, what: &str) -> Error {
        syntax(self.text, column, what)
    }

    /// The column just after the last token, for errors at the end.
    fn end_column(&self) -> usize {
        self.text.trim_end().chars().count() + 1
    }

    fn next_column(&self) -> usize {
        self.peek().map_or_else(|| self.end_column(), |t| t.column)
    }

    fn eat_symbol(&mut self, symbol: &str) -> bool {
        if matches!(self.peek(), Some(Token { kind: Kind::Symbol(s), .. }) if *s == symbol) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn eat_keyword(&mut self, keyword: &str) -> bool {
        if matches!(self.peek(), Some(Token { kind: Kind::Name(n), .. }) if n == keyword) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect_symbol(&mut self, symbol: &str) -> Result<()> {
        if self.eat_symbol(symbol) {
            Ok(())
        } else {
            Err(self.error(self.next_column(), &format!("expected `{symbol}`")))
        }
    }

    fn deeper<T>(&mut self, parse: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(
                self.next_column(),
                &format!("nesting deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.depth += 1;
        let result = parse(self);
        self.depth -= 1;
        result
    }

    fn condition(&mut self) -> Result<Logic> {
        self.deeper(|p| {
            let mut left = p.conjunction()?;
            while p.eat_keyword("or") {
                left = Logic::Or(Box::new(left), Box::new(p.conjunction()?));
            }
            Ok(left)
        })
    }

    fn conjunction(&mut self) -> Result<Logic> {
        let mut left = self.negation()?;
        while self.eat_keyword("and") {
            left = Logic::And(Box::new(left), Box::new(self.negation()?));
        }
        Ok(left)
    }

    fn negation(&mut self) -> Result<Logic> {
        self.deeper(|p| {
            if p.eat_keyword("not") {
                return Ok(Logic::Not(Box::new(p.negation()?)));
            }
            // A parenthesis opens either a condition or an expression: try the
            // condition first and fall back to a comparison.
            if matches!(
                p.peek(),
                Some(Token {
                    kind: Kind::Symbol("("),
                    ..
                })
            ) {
                let start = p.at;
                p.at += 1;
                if let Ok(inner) = p.condition()
                    && p.eat_symbol(")")
                    && !p.at_comparison()
                {
                    return Ok(inner);
                }
                p.at = start;
            }
            p.comparison()
        })
    }

    fn at_comparison(&self) -> bool {
        matches!(self.peek(), Some(Token { kind: Kind::Symbol(s), .. }) if COMPARISONS.iter().any(|(c, _)| c == s))
            || matches!(self.peek(), Some(Token { kind: Kind::Symbol(s), .. }) if ["+", "-", "*", "/"].contains(s))
    }

    fn comparison(&mut self) -> Result<Logic> {
        let left = self.expr()?;
        let column = self.next_column();
        let compare = match self.peek() {
            Some(Token {
                kind: Kind::Symbol(s),
                ..
            }) => COMPARISONS.iter().find(|(c, _)| c == s).map(|(_, op)| *op),
            _ => None,
        }
        .ok_or_else(|| self.error(column, "expected a comparison (`>=`, `>`, `<=` or `<`)"))?;
        self.at += 1;
        let right = self.expr()?;
        Ok(Logic::Compare(left, compare, right))
    }

    fn expr(&mut self) -> Result<Expr> {
        self.deeper(|p| {
            let mut left = p.term()?;
            loop {
                let op = if p.eat_symbol("+") {
                    Arith::Add
                } else if p.eat_symbol("-") {
                    Arith::Sub
                } else {
                    return Ok(left);
                };
                left = Expr::Binary(op, Box::new(left), Box::new(p.term()?));
            }
        })
    }

    fn term(&mut self) -> Result<Expr> {
        let mut left = self.factor()?;
        loop {
            let op = if self.eat_symbol("*") {
                Arith::Mul
            } else if self.eat_symbol("/") {
                Arith::Div
            } else {
                return Ok(left);
            };
            left = Expr::Binary(op, Box::new(left), Box::new(self.factor()?));
        }
    }

    fn factor(&mut self) -> Result<Expr> {
        self.deeper(|p| {
            let column = p.next_column();
            let Some(token) = p.peek().cloned() else {
                return Err(p.error(column, "expected a number, a series or a function"));
            };
            p.at += 1;
            match token.kind {
                Kind::Number(x) => Ok(Expr::Number(x)),
                Kind::Symbol("-") => Ok(Expr::Neg(Box::new(p.factor()?))),
                Kind::Symbol("(") => {
                    let inner = p.expr()?;
                    p.expect_symbol(")")?;
                    Ok(inner)
                }
                Kind::Name(name) if p.eat_symbol("(") => p.call(&name, column),
                Kind::Name(name) if KEYWORDS.contains(&name.as_str()) => Err(p.error(
                    column,
                    &format!("`{name}` is a keyword and cannot name a series"),
                )),
                Kind::Name(name) => Ok(Expr::Series(name)),
                Kind::Symbol(s) => Err(p.error(
                    column,
                    &format!("unexpected `{s}`: expected a number, a series or a function"),
                )),
            }
        })
    }

    /// A function call whose name and `(` were consumed.
    fn call(&mut self, name: &str, column: usize) -> Result<Expr> {
        if let Some((_, window)) = WINDOW_FUNCTIONS.iter().find(|(n, _)| *n == name) {
            let arg = self.expr()?;
            self.expect_symbol(",")?;
            let n = self.window_length(name)?;
            self.expect_symbol(")")?;
            return Ok(Expr::Window(*window, Box::new(arg), n));
        }
        if let Some((_, pair)) = PAIR_FUNCTIONS.iter().find(|(n, _)| *n == name) {
            let a = self.expr()?;
            self.expect_symbol(",")?;
            let b = self.expr()?;
            self.expect_symbol(")")?;
            return Ok(Expr::Pair(*pair, Box::new(a), Box::new(b)));
        }
        let single = match name {
            "cumsum" => Expr::Cumsum,
            "abs" => Expr::Abs,
            _ => {
                return Err(self.error(
                    column,
                    &format!(
                        "unknown function `{name}`: known are sum, mean, growth, lag, change \
                         (with a window), cumsum, abs, min, max"
                    ),
                ));
            }
        };
        let arg = self.expr()?;
        self.expect_symbol(")")?;
        Ok(single(Box::new(arg)))
    }

    fn window_length(&mut self, function: &str) -> Result<usize> {
        let column = self.next_column();
        let bad = |p: &Self| {
            p.error(
                column,
                &format!(
                    "the window of `{function}` must be a whole number from 1 to {MAX_WINDOW}"
                ),
            )
        };
        match self.peek() {
            Some(Token {
                kind: Kind::Number(n),
                ..
            }) if n.fract() == 0.0 && (1.0..=MAX_WINDOW as f64).contains(n) => {
                let n = *n as usize;
                self.at += 1;
                Ok(n)
            }
            _ => Err(bad(self)),
        }
    }
}

const COMPARISONS: [(&str, Compare); 4] = [
    (">=", Compare::AtLeast),
    (">", Compare::Above),
    ("<=", Compare::AtMost),
    ("<", Compare::Below),
];

// ---------------------------------------------------------------------------
// Evaluation.

/// A condition compiled against a model's series: expression nodes in evaluation
/// order (each node's operands come before it) and the boolean structure over
/// them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Program {
    nodes: Vec<Node>,
    logic: Vec<Step>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Node {
    Number(f64),
    Series(usize),
    Neg(usize),
    Binary(Arith, usize, usize),
    Window(Window, usize, usize),
    Cumsum(usize),
    Pair(Pair, usize, usize),
    Abs(usize),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    Compare(usize, Compare, usize),
    And(usize, usize),
    Or(usize, usize),
    Not(usize),
}

impl Program {
    fn expr(&mut self, expr: &Expr, names: &[&str]) -> Result<usize> {
        let node = match expr {
            Expr::Number(x) => Node::Number(*x),
            Expr::Series(name) => Node::Series(super::first_passage::index_of(names, name)?),
            Expr::Neg(a) => Node::Neg(self.expr(a, names)?),
            Expr::Binary(op, a, b) => Node::Binary(*op, self.expr(a, names)?, self.expr(b, names)?),
            Expr::Window(w, a, n) => Node::Window(*w, self.expr(a, names)?, *n),
            Expr::Cumsum(a) => Node::Cumsum(self.expr(a, names)?),
            Expr::Pair(p, a, b) => Node::Pair(*p, self.expr(a, names)?, self.expr(b, names)?),
            Expr::Abs(a) => Node::Abs(self.expr(a, names)?),
        };
        self.nodes.push(node);
        Ok(self.nodes.len() - 1)
    }

    fn logic(&mut self, logic: &Logic, names: &[&str]) -> Result<usize> {
        let step = match logic {
            Logic::Compare(a, c, b) => {
                Step::Compare(self.expr(a, names)?, *c, self.expr(b, names)?)
            }
            Logic::And(a, b) => Step::And(self.logic(a, names)?, self.logic(b, names)?),
            Logic::Or(a, b) => Step::Or(self.logic(a, names)?, self.logic(b, names)?),
            Logic::Not(a) => Step::Not(self.logic(a, names)?),
        };
        self.logic.push(step);
        Ok(self.logic.len() - 1)
    }

    /// Scratch values needed to evaluate a path of `points` points.
    pub(crate) fn scratch_len(&self, points: usize) -> usize {
        self.nodes.len() * points
    }

    /// Evaluates every expression node over the domain `start..points` of one path
    /// (`obs` holds `points x s` observations, point-major) into `scratch`: node
    /// `i` at point `start + j` lands in `scratch[i * len + j]`, NaN where it is
    /// not defined.
    pub(crate) fn evaluate(&self, obs: &[f64], s: usize, start: usize, scratch: &mut [f64]) {
        let points = obs.len() / s;
        let len = points.saturating_sub(start);
        for (i, node) in self.nodes.iter().enumerate() {
            let (before, rest) = scratch.split_at_mut(i * len);
            let column = |j: usize| &before[j * len..(j + 1) * len];
            let out = &mut rest[..len];
            match *node {
                Node::Number(x) => out.fill(x),
                Node::Series(j) => {
                    for (k, o) in out.iter_mut().enumerate() {
                        *o = obs[(start + k) * s + j];
                    }
                }
                Node::Neg(a) => map(out, column(a), |x| -x),
                Node::Abs(a) => map(out, column(a), f64::abs),
                Node::Binary(op, a, b) => {
                    let f = match op {
                        Arith::Add => |x: f64, y: f64| x + y,
                        Arith::Sub => |x, y| x - y,
                        Arith::Mul => |x, y| x * y,
                        Arith::Div => |x, y| x / y,
                    };
                    zip(out, column(a), column(b), f);
                }
                Node::Pair(p, a, b) => {
                    // NaN in either operand propagates (f64::min would drop it).
                    let f = match p {
                        Pair::Min => |x: f64, y: f64| if x < y || x.is_nan() { x } else { y },
                        Pair::Max => |x: f64, y: f64| if x > y || x.is_nan() { x } else { y },
                    };
                    zip(out, column(a), column(b), f);
                }
                Node::Cumsum(a) => {
                    let mut total = 0.0;
                    for (o, &x) in out.iter_mut().zip(column(a)) {
                        total += x;
                        *o = total;
                    }
                }
                Node::Window(w, a, n) => window(out, column(a), w, n),
            }
        }
    }

    /// The condition at domain point `j` (0 is the rule's first point), after
    /// [`evaluate`](Self::evaluate): `None` when undefined.
    pub(crate) fn holds(&self, scratch: &[f64], len: usize, j: usize) -> Option<bool> {
        self.step(self.logic.len() - 1, &|node: usize| scratch[node * len + j])
    }

    fn step(&self, i: usize, value: &impl Fn(usize) -> f64) -> Option<bool> {
        match self.logic[i] {
            Step::Compare(a, c, b) => {
                let (x, y) = (value(a), value(b));
                (!x.is_nan() && !y.is_nan()).then(|| c.holds(x, y))
            }
            Step::And(a, b) => {
                let (x, y) = (self.step(a, value)?, self.step(b, value)?);
                Some(x && y)
            }
            Step::Or(a, b) => {
                let (x, y) = (self.step(a, value)?, self.step(b, value)?);
                Some(x || y)
            }
            Step::Not(a) => self.step(a, value).map(|x| !x),
        }
    }
}

fn map(out: &mut [f64], a: &[f64], f: impl Fn(f64) -> f64) {
    for (o, &x) in out.iter_mut().zip(a) {
        *o = f(x);
    }
}

fn zip(out: &mut [f64], a: &[f64], b: &[f64], f: impl Fn(f64, f64) -> f64) {
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        *o = f(x, y);
    }
}

/// A window function of `a` over windows of `n` points (see [`Condition`]).
fn window(out: &mut [f64], a: &[f64], w: Window, n: usize) {
    let sum = |end: usize| -> f64 { a[end + 1 - n..=end].iter().sum() };
    for (k, o) in out.iter_mut().enumerate() {
        *o = match w {
            Window::Sum if k + 1 >= n => sum(k),
            Window::Mean if k + 1 >= n => sum(k) / n as f64,
            Window::Growth if k + 1 >= 2 * n => {
                let earlier = sum(k - n);
                if earlier > 0.0 {
                    sum(k) / earlier - 1.0
                } else {
                    f64::NAN
                }
            }
            Window::Lag if k >= n => a[k - n],
            Window::Change if k >= n => a[k] - a[k - n],
            _ => f64::NAN,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Condition {
        Condition::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    /// Evaluates `text` on one series `x` (and `y` if given) over the whole path.
    fn eval(text: &str, x: &[f64], y: &[f64], start: usize) -> Vec<Option<bool>> {
        let names = ["x", "y"];
        let obs: Vec<f64> = x.iter().zip(y).flat_map(|(a, b)| [*a, *b]).collect();
        let program = parse(text).compile(&names).unwrap();
        let len = x.len() - start;
        let mut scratch = vec![0.0; program.scratch_len(x.len())];
        program.evaluate(&obs, 2, start, &mut scratch);
        (0..len).map(|j| program.holds(&scratch, len, j)).collect()
    }

    #[test]
    fn parses_precedence_and_round_trips_text() {
        let c = parse("  a + b * 2 >= c - -1 and not (d < 0 or e > f)  ");
        assert_eq!(c.as_str(), "a + b * 2 >= c - -1 and not (d < 0 or e > f)");
        assert_eq!(c.series(), ["a", "b", "c", "d", "e", "f"]);
        let Logic::And(left, _) = &c.root else {
            panic!("{:?}", c.root)
        };
        let Logic::Compare(Expr::Binary(Arith::Add, _, mul), Compare::AtLeast, _) = &**left else {
            panic!("{left:?}")
        };
        assert!(matches!(**mul, Expr::Binary(Arith::Mul, _, _)));
        // A parenthesised expression on the left of a comparison.
        assert!(Condition::parse("(a + b) * 2 >= c").is_ok());
        assert!(Condition::parse("((a)) >= (b)").is_ok());
        assert!(Condition::parse("((a >= b))").is_ok());
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Condition>(&json).unwrap(), c);
    }

    #[test]
    fn syntax_errors_say_what_and_where() {
        for (text, what) in [
            (
                "revenue >=",
                "expected a number, a series or a function at column 11",
            ),
            (
                "revenue = spending",
                "unexpected `=` (write `>=` or `<=`) at column 9",
            ),
            ("revenue", "expected a comparison"),
            ("growth(revenue) >= 0", "expected `,` at column 15"),
            (
                "growth(revenue, 0) >= 0",
                "must be a whole number from 1 to",
            ),
            ("growth(revenue, 2.5) >= 0", "must be a whole number"),
            ("foo(revenue) >= 0", "unknown function `foo`"),
            ("and >= 1", "`and` is a keyword"),
            ("a >= 1 b", "expected `and`, `or` or the end at column 8"),
            ("a >= 1e999", "is not a finite number"),
            ("a >= b $", "unexpected `$`"),
        ] {
            let err = Condition::parse(text).unwrap_err().to_string();
            assert!(
                err.contains("`condition`") && err.contains(what),
                "{text}: {err}"
            );
        }
        let deep = format!("{}a{} >= 0", "(".repeat(200), ")".repeat(200));
        assert!(
            Condition::parse(&deep)
                .unwrap_err()
                .to_string()
                .contains("nesting")
        );
        assert!(Condition::parse(&"a".repeat(5000)).is_err());
    }

    #[test]
    fn unknown_series_are_named_when_compiling() {
        let err = parse("profit >= 0").compile(&["revenue"]).unwrap_err();
        assert!(err.to_string().contains("unknown series `profit`"), "{err}");
    }

    #[test]
    fn comparisons_and_logic() {
        let x = [0.0, 1.0, 2.0, f64::NAN];
        let y = [1.0, 1.0, 1.0, 1.0];
        let t = |b| Some(b);
        assert_eq!(
            eval("x >= y", &x, &y, 0),
            [t(false), t(true), t(true), None]
        );
        assert_eq!(
            eval("x > y", &x, &y, 0),
            [t(false), t(false), t(true), None]
        );
        assert_eq!(
            eval("x <= y", &x, &y, 0),
            [t(true), t(true), t(false), None]
        );
        assert_eq!(
            eval("x < y", &x, &y, 0),
            [t(true), t(false), t(false), None]
        );
        assert_eq!(
            eval("x >= 1 and y >= 1", &x, &y, 0),
            [t(false), t(true), t(true), None]
        );
        assert_eq!(
            eval("x >= 2 or y >= 1", &x, &y, 0),
            [t(true), t(true), t(true), None]
        );
        assert_eq!(
            eval("not x >= 1", &x, &y, 0),
            [t(true), t(false), t(false), None]
        );
        // 0 / 0 is not a number: undefined, never true; 1 / 0 is infinite.
        assert_eq!(
            eval("(x - x) / (x - x) > 0", &x, &y, 0),
            [None, None, None, None]
        );
        assert_eq!(
            eval("y / (x - x) > 0", &x, &y, 0),
            [t(true), t(true), t(true), None]
        );
    }

    #[test]
    fn window_functions_match_their_definitions() {
        let x: Vec<f64> = (0..12).map(|k| 1.0 + (k * k) as f64).collect();
        let y = vec![0.0; x.len()];
        let start = 1;
        let domain = &x[start..];
        // Brute force: value of each function at domain point j.
        let sum =
            |j: usize, n: usize| (j + 1 >= n).then(|| domain[j + 1 - n..=j].iter().sum::<f64>());
        type Truth<'a> = Box<dyn Fn(usize) -> Option<f64> + 'a>;
        let cases: Vec<(&str, Truth<'_>)> = vec![
            ("sum(x, 3)", Box::new(move |j| sum(j, 3))),
            ("mean(x, 3)", Box::new(move |j| sum(j, 3).map(|s| s / 3.0))),
            (
                "growth(x, 2)",
                Box::new(move |j| {
                    (j + 1 >= 4).then(|| sum(j, 2).unwrap() / sum(j - 2, 2).unwrap() - 1.0)
                }),
            ),
            (
                "lag(x, 2)",
                Box::new(move |j| (j >= 2).then(|| domain[j - 2])),
            ),
            (
                "change(x, 2)",
                Box::new(move |j| (j >= 2).then(|| domain[j] - domain[j - 2])),
            ),
            (
                "cumsum(x)",
                Box::new(move |j| Some(domain[..=j].iter().sum())),
            ),
            ("abs(-x)", Box::new(move |j| Some(domain[j]))),
            ("max(x, 30)", Box::new(move |j| Some(domain[j].max(30.0)))),
            ("min(x, 30)", Box::new(move |j| Some(domain[j].min(30.0)))),
        ];
        for (function, truth) in cases {
            // `f >= v` holds exactly when the true value is at least v: probing at
            // each true value and just above it pins the value down.
            for j in 0..domain.len() {
                let value = truth(j);
                let probe = value.unwrap_or(0.0);
                let text = format!("{function} >= {probe:e}");
                let at = eval(&text, &x, &y, start)[j];
                assert_eq!(at, value.map(|_| true), "{text} at {j}");
                let above = format!("{function} >= {:e}", probe + probe.abs() * 1e-12 + 1e-300);
                let at = eval(&above, &x, &y, start)[j];
                assert_eq!(at, value.map(|_| false), "{above} at {j}");
            }
        }
    }

    #[test]
    fn growth_is_undefined_on_a_non_positive_earlier_window() {
        let x = [0.0, 0.0, 1.0, 2.0];
        let y = [0.0; 4];
        assert_eq!(
            eval("growth(x, 2) >= -1", &x, &y, 0),
            [None, None, None, None]
        );
        let x = [1.0, 1.0, 1.0, 3.0];
        assert_eq!(
            eval("growth(x, 2) >= 1", &x, &y, 0),
            [None, None, None, Some(true)]
        );
    }

    #[test]
    fn simple_comparisons_are_barriers() {
        assert_eq!(
            parse("fcf >= 0").as_barrier(),
            Some(("fcf", Compare::AtLeast, Ok(0.0)))
        );
        assert_eq!(
            parse("revenue >= spending").as_barrier(),
            Some(("revenue", Compare::AtLeast, Err("spending")))
        );
        assert_eq!(parse("0 <= fcf").as_barrier(), None);
        assert_eq!(parse("fcf >= 0 and fcf >= 0").as_barrier(), None);
    }
}

//! Finding a field path in the text of a scenario file: its line and column, for
//! messages that point at the problem.

use toml::de::{DeTable, DeValue};

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Key(String),
    Index(usize),
}

/// Splits `price.regime_drift[1]` into keys and indices (`.` is the root).
pub(crate) fn segments(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, mut rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        if !key.is_empty() {
            out.push(Segment::Key(key.to_owned()));
        }
        while let Some((index, tail)) = rest.split_once(']') {
            match index.parse() {
                Ok(i) => out.push(Segment::Index(i)),
                Err(_) => return out,
            }
            rest = tail.strip_prefix('[').unwrap_or(tail);
        }
    }
    out
}

/// A parsed document: its spans, to locate field paths.
pub(crate) enum Spans<'a> {
    Toml(DeTable<'a>),
    Json,
}

/// Line and column of the deepest field of `path` present in `text`: of its value,
/// or of its key if `at_key` and the whole path is present.
pub(crate) fn locate(
    lines: &Lines<'_>,
    spans: &Spans<'_>,
    path: &[Segment],
    at_key: bool,
) -> Option<(usize, usize)> {
    let offset = match spans {
        Spans::Toml(table) => toml_offset(table, path, at_key)?,
        Spans::Json => json_offset(lines.text, path, at_key)?,
    };
    Some(lines.line_column(offset))
}

/// Whether the whole of `path` is present in the document.
pub(crate) fn contains(text: &str, spans: &Spans<'_>, path: &[Segment]) -> bool {
    match spans {
        Spans::Toml(table) => toml_has(table, path),
        Spans::Json => json_has(text, path),
    }
}

fn toml_has(table: &DeTable<'_>, path: &[Segment]) -> bool {
    let Some((Segment::Key(key), rest)) = path.split_first() else {
        return path.is_empty();
    };
    let Some(value) = table.get(key.as_str()) else {
        return false;
    };
    value_has(value.get_ref(), rest)
}

fn value_has(value: &DeValue<'_>, path: &[Segment]) -> bool {
    match (value, path.split_first()) {
        (_, None) => true,
        (DeValue::Table(table), _) => toml_has(table, path),
        (DeValue::Array(array), Some((Segment::Index(i), rest))) => array
            .get(*i)
            .is_some_and(|item| value_has(item.get_ref(), rest)),
        _ => false,
    }
}

/// The span start of the deepest field of `path` in a TOML document.
fn toml_offset(table: &DeTable<'_>, path: &[Segment], at_key: bool) -> Option<usize> {
    let (Segment::Key(key), rest) = path.split_first()? else {
        return None;
    };
    let (name, value) = table.get_key_value(key.as_str())?;
    if rest.is_empty() && at_key {
        return Some(name.span().start);
    }
    Some(value_offset(value.get_ref(), rest, at_key).unwrap_or(value.span().start))
}

fn value_offset(value: &DeValue<'_>, path: &[Segment], at_key: bool) -> Option<usize> {
    match (value, path.split_first()?) {
        (DeValue::Table(table), _) => toml_offset(table, path, at_key),
        (DeValue::Array(array), (Segment::Index(i), rest)) => {
            let item = array.get(*i)?;
            Some(value_offset(item.get_ref(), rest, at_key).unwrap_or(item.span().start))
        }
        _ => None,
    }
}

/// The offset of the deepest field of `path` in a JSON document (valid JSON).
fn json_offset(text: &str, path: &[Segment], at_key: bool) -> Option<usize> {
    let mut scanner = JsonScanner {
        bytes: text.as_bytes(),
        at: 0,
    };
    scanner.skip_space();
    let mut found = None;
    for (i, segment) in path.iter().enumerate() {
        match scanner.enter(segment) {
            Some(key) if at_key && i + 1 == path.len() => found = Some(key),
            Some(_) => found = Some(scanner.at),
            None => break,
        }
    }
    found
}

fn json_has(text: &str, path: &[Segment]) -> bool {
    let mut scanner = JsonScanner {
        bytes: text.as_bytes(),
        at: 0,
    };
    scanner.skip_space();
    path.iter().all(|segment| scanner.enter(segment).is_some())
}

/// A cursor over valid JSON that can descend into a key or an index.
struct JsonScanner<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl JsonScanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    /// Moves from the start of an object or array to the start of the value of
    /// `segment`; returns the offset of its key (of the value for an index).
    fn enter(&mut self, segment: &Segment) -> Option<usize> {
        let (open, close) = match segment {
            Segment::Key(_) => (b'{', b'}'),
            Segment::Index(_) => (b'[', b']'),
        };
        if self.peek()? != open {
            return None;
        }
        self.at += 1;
        let mut index = 0;
        loop {
            self.skip_space();
            if self.peek()? == close {
                return None;
            }
            let start = self.at;
            let hit = match segment {
                Segment::Key(key) => {
                    let name = self.string()?;
                    self.skip_space();
                    self.at += 1; // the colon
                    self.skip_space();
                    name == *key
                }
                Segment::Index(i) => {
                    index += 1;
                    index - 1 == *i
                }
            };
            if hit {
                return Some(start);
            }
            self.value()?;
            self.skip_space();
            if self.peek()? == b',' {
                self.at += 1;
            }
        }
    }

    /// Skips a string, returning its raw contents (escapes kept).
    fn string(&mut self) -> Option<String> {
        let start = self.at + 1;
        self.at += 1;
        while self.peek()? != b'"' {
            self.at += if self.peek()? == b'\\' { 2 } else { 1 };
        }
        self.at += 1;
        String::from_utf8(self.bytes[start..self.at - 1].to_vec()).ok()
    }

    /// Skips one value.
    fn value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => depth -= 1,
                        _ => {}
                    }
                    self.at += 1;
                    if depth == 0 {
                        return Some(());
                    }
                }
            }
            _ => {
                while self.peek().is_some_and(|b| !b",}] \t\r\n".contains(&b)) {
                    self.at += 1;
                }
                Some(())
            }
        }
    }
}

/// The line starts of a text, so that each offset is placed in `O(log lines +
/// line length)`: locating every problem of a file with many does not rescan it.
pub(crate) struct Lines<'t> {
    text: &'t str,
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    /// Indexes `text`'s lines.
    pub(crate) fn new(text: &'t str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub(crate) fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&start| start <= offset);
        let start = self.starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |before| before.chars().count());
        (line, column + 1)
    }
}

/// The field path of the innermost key whose value spans `offset` in a TOML
/// document that parsed with errors (recovered): names the field of a syntax
/// error such as an integer out of range inside an array.
pub(crate) fn path_at(table: &DeTable<'_>, offset: usize) -> Option<String> {
    for (key, value) in table.iter() {
        let span = value.span();
        if span.start <= offset && offset <= span.end.max(span.start + 1) {
            let name = key.get_ref().to_string();
            return Some(match value.get_ref() {
                DeValue::Table(inner) => path_at(inner, offset)
                    .map_or_else(|| name.clone(), |rest| format!("{name}.{rest}")),
                DeValue::Array(items) => items
                    .iter()
                    .position(|item| {
                        let s = item.span();
                        s.start <= offset && offset <= s.end
                    })
                    .map_or_else(|| name.clone(), |i| format!("{name}[{i}]")),
                _ => name,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_into_segments() {
        assert_eq!(
            segments("price.regime_drift[1]"),
            [
                Segment::Key("price".into()),
                Segment::Key("regime_drift".into()),
                Segment::Index(1)
            ]
        );
        assert_eq!(
            segments("market.generator[0][2]"),
            [
                Segment::Key("market".into()),
                Segment::Key("generator".into()),
                Segment::Index(0),
                Segment::Index(2)
            ]
        );
        assert!(segments(".").is_empty());
    }

    #[test]
    fn lines_and_columns_count_characters() {
        assert_eq!(Lines::new("ab\ncd").line_column(4), (2, 2));
        assert_eq!(Lines::new("é\nx").line_column(3), (2, 1));
        assert_eq!(Lines::new("é\nx").line_column(0), (1, 1));
        assert_eq!(Lines::new("ab\n").line_column(3), (2, 1));
        assert_eq!(Lines::new("ab\ncd").line_column(99), (2, 3));
    }
}

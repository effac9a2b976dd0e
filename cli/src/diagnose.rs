//! Loading a scenario file and, when it does not load, finding every problem in it
//! with its line and column.
//!
//! The library's loader stops at the first error. To report more, each top-level
//! key of the file is checked on its own: the key is put into a known-valid
//! scenario (the `alibaba` preset, or the preset the file `extends`) and that
//! candidate is loaded and validated; its first error is the first problem of that
//! section. Problems are then located in the original text by their field path.
//! The library's own verdict on the whole file always decides whether the file is
//! valid; the per-section pass only explains it.

use outpace::Error;
use outpace::cloud::{PRESETS, Scenario};
use toml::de::{DeTable, DeValue};

/// The key that derives a scenario from a preset.
const EXTENDS: &str = "extends";

/// A scenario file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML (the default).
    Toml,
    /// JSON (files ending in `.json`).
    Json,
}

impl Format {
    /// The format of a file, by its extension.
    pub fn of(path: &std::path::Path) -> Format {
        let json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if json { Format::Json } else { Format::Toml }
    }
}

/// One problem of a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line and column, when the problem could be located.
    pub location: Option<(usize, usize)>,
    /// What is wrong, on one line.
    pub message: String,
}

impl Problem {
    fn new(message: impl Into<String>) -> Self {
        Problem {
            location: None,
            message: one_line(&message.into()),
        }
    }

    fn at(mut self, location: Option<(usize, usize)>) -> Self {
        self.location = location;
        self
    }

    /// `file:line:column: message`, or `file: message` when not located.
    pub fn render(&self, file: &str) -> String {
        match self.location {
            Some((line, column)) => format!("{file}:{line}:{column}: {}", self.message),
            None => format!("{file}: {}", self.message),
        }
    }
}

/// Loads a scenario from `text`, or returns every problem found (at least one).
pub fn load(text: &str, format: Format) -> Result<Scenario, Vec<Problem>> {
    let loaded = match format {
        Format::Toml => Scenario::from_toml_str(text),
        Format::Json => Scenario::from_json_str(text),
    };
    loaded.map_err(|error| {
        let problems = problems(text, format);
        if problems.is_empty() {
            vec![Problem::new(error.to_string())]
        } else {
            problems
        }
    })
}

/// Every problem found in `text`, in the order of the file.
fn problems(text: &str, format: Format) -> Vec<Problem> {
    let (document, table) = match parse(text, format) {
        Ok(parsed) => parsed,
        Err(syntax) => return syntax,
    };
    let base = match base_preset(&table) {
        Ok(base) => base,
        Err(problem) => {
            let location = document.locate(&[Segment::Key(EXTENDS.into())], false);
            return vec![problem.at(location)];
        }
    };
    let mut found: Vec<Problem> = sections(&table, base.as_deref())
        .into_iter()
        .filter_map(|key| section_problem(&table, &key, base.as_deref()))
        .map(|(path, problem)| {
            // An unknown field is best shown at its key, a bad value at the value.
            let at_key = problem.message.contains("unknown field");
            let location = document.locate(&segments(&path), at_key);
            problem.at(location)
        })
        .collect();
    found.dedup();
    found.sort_by_key(|p| p.location.unwrap_or((usize::MAX, 0)));
    found
}

/// A parsed document: its spans for locating problems, and its values.
enum Document<'a> {
    Toml(&'a str, DeTable<'a>),
    Json(&'a str),
}

/// Parses `text`, or returns its syntax errors.
fn parse(text: &str, format: Format) -> Result<(Document<'_>, toml::Table), Vec<Problem>> {
    match format {
        Format::Toml => {
            let (spans, errors) = DeTable::parse_recoverable(text);
            if !errors.is_empty() {
                return Err(toml_syntax(text, &errors));
            }
            let table = toml::from_str::<toml::Table>(text)
                .map_err(|e| vec![Problem::new(format!("TOML: {}", e.message()))])?;
            Ok((Document::Toml(text, spans.into_inner()), table))
        }
        Format::Json => {
            let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
                let message = e.to_string();
                let suffix = format!(" at line {} column {}", e.line(), e.column());
                let message = message.strip_suffix(&suffix).unwrap_or(&message);
                // serde_json counts columns from 0 at the end of a line.
                let location = Some((e.line(), e.column().max(1)));
                vec![Problem::new(format!("JSON syntax: {message}")).at(location)]
            })?;
            if !value.is_object() {
                return Err(vec![
                    Problem::new("JSON: a scenario must be an object").at(Some((1, 1))),
                ]);
            }
            let table = toml::Table::try_from(value)
                .map_err(|e| vec![Problem::new(format!("JSON: {e}"))])?;
            Ok((Document::Json(text), table))
        }
    }
}

/// The syntax errors of a TOML document, the first of each line.
fn toml_syntax(text: &str, errors: &[toml::de::Error]) -> Vec<Problem> {
    let mut problems: Vec<Problem> = errors
        .iter()
        .map(|e| {
            let location = e.span().map(|s| line_column(text, s.start));
            Problem::new(format!("TOML syntax: {}", e.message())).at(location)
        })
        .collect();
    problems.sort_by_key(|p| p.location);
    problems.dedup_by_key(|p| p.location.map(|(line, _)| line));
    problems
}

/// The preset named by `extends`, if any.
fn base_preset(table: &toml::Table) -> Result<Option<String>, Problem> {
    match table.get(EXTENDS) {
        None => Ok(None),
        Some(toml::Value::String(name)) if PRESETS.iter().any(|p| p.name == name) => {
            Ok(Some(name.clone()))
        }
        Some(other) => Err(Problem::new(format!(
            "`extends` = {other}: must name a preset ({})",
            preset_names()
        ))),
    }
}

/// The names of the presets, comma separated.
pub fn preset_names() -> String {
    PRESETS
        .iter()
        .map(|p| p.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The top-level keys to check: the file's own, and without `extends` those of a
/// complete scenario that the file lacks.
fn sections(table: &toml::Table, base: Option<&str>) -> Vec<String> {
    let mut keys: Vec<String> = table.keys().filter(|k| *k != EXTENDS).cloned().collect();
    if base.is_none() {
        keys.extend(
            complete()
                .keys()
                .filter(|k| !table.contains_key(*k))
                .cloned(),
        );
    }
    keys
}

/// The calibrated preset as a table: a complete, valid scenario.
fn complete() -> toml::Table {
    toml::from_str(PRESETS[0].source()).expect("the bundled presets are valid TOML")
}

/// The first problem of the top-level `key` of `table`, with its field path.
fn section_problem(
    table: &toml::Table,
    key: &str,
    base: Option<&str>,
) -> Option<(String, Problem)> {
    let error = match base {
        Some(base) => {
            let mut candidate = toml::Table::new();
            candidate.insert(EXTENDS.into(), toml::Value::String(base.into()));
            if let Some(value) = table.get(key) {
                candidate.insert(key.into(), value.clone());
            }
            let text = toml::to_string(&candidate).ok()?;
            Scenario::from_toml_str(&text).err()?
        }
        None => {
            let mut candidate = complete();
            match table.get(key) {
                Some(value) => candidate.insert(key.into(), value.clone()),
                None => candidate.remove(key),
            };
            match serde_path_to_error::deserialize::<_, Scenario>(toml::Value::Table(candidate)) {
                Ok(scenario) => scenario.validate().err()?,
                Err(e) => {
                    let path = e.path().to_string();
                    let message = format!("at `{path}`: {}", e.inner().message());
                    return Some((path, Problem::new(message)));
                }
            }
        }
    };
    Some(explain(error))
}

/// The field path and the problem of a library error.
fn explain(error: Error) -> (String, Problem) {
    match &error {
        Error::InvalidParameter { name, .. } => (name.clone(), Problem::new(error.to_string())),
        Error::Parse(message) => {
            // The loader's form: "<source>: at `<path>`: <message>".
            let located = message
                .split_once("at `")
                .and_then(|(_, rest)| rest.split_once("`: "));
            match located {
                Some((path, rest)) => {
                    let first = rest.lines().next().unwrap_or(rest);
                    (
                        path.to_owned(),
                        Problem::new(format!("at `{path}`: {first}")),
                    )
                }
                None => (String::new(), Problem::new(message.clone())),
            }
        }
        other => (String::new(), Problem::new(other.to_string())),
    }
}

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// Splits `price.regime_drift[1]` into keys and indices (`.` is the root).
fn segments(path: &str) -> Vec<Segment> {
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

impl Document<'_> {
    /// Line and column of the deepest field of `path` present in the document: of
    /// its value, or of its key if `at_key` and the whole path is present.
    fn locate(&self, path: &[Segment], at_key: bool) -> Option<(usize, usize)> {
        let (text, offset) = match self {
            Document::Toml(text, table) => (*text, toml_offset(table, path, at_key)?),
            Document::Json(text) => (*text, json_offset(text, path, at_key)?),
        };
        Some(line_column(text, offset))
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

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// A message on one line: the parsers' multi-line displays (source excerpts with
/// `|` gutters) reduced to their text.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('|') && !l.contains(" | "))
        .collect::<Vec<_>>()
        .join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = include_str!("../../scenarios/alibaba.toml");

    fn toml_problems(text: &str) -> Vec<Problem> {
        load(text, Format::Toml).unwrap_err()
    }

    #[test]
    fn every_section_reports_its_first_problem() {
        let text = BASE
            .replace("utilisation = 0.9", "utilisation = 1.5")
            .replace("volatility = 0.2", "volatility = -0.2\nfoo = 1")
            .replace("horizon_years = 10", "horizon_years = \"ten\"");
        let problems = toml_problems(&text);
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(problems.len(), 3, "{messages:?}");
        assert!(messages[0].contains("horizon_years") && messages[0].contains("ten"));
        assert!(messages[1].contains("`initial.utilisation` = 1.5"));
        assert!(messages[2].contains("demand"));
        let line = |needle: &str| text.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
        assert_eq!(problems[0].location, Some((line("horizon_years"), 17)));
        assert_eq!(problems[1].location, Some((line("utilisation"), 15)));
    }

    #[test]
    fn missing_and_unknown_keys() {
        let text = BASE.replace("horizon_years = 10", "horizonyears = 10");
        let problems = toml_problems(&text);
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(problems.len(), 2, "{messages:?}");
        assert!(
            messages
                .iter()
                .any(|m| m.contains("unknown field `horizonyears`"))
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("missing field `horizon_years`"))
        );
    }

    #[test]
    fn syntax_errors_have_line_and_column() {
        let problems = toml_problems("name = \"x\"\nstart = \n");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].location, Some((2, 9)));
        assert!(problems[0].message.starts_with("TOML syntax:"));
        assert!(!problems[0].render("f.toml").contains('\n'));
    }

    #[test]
    fn extends_files_are_checked_section_by_section() {
        let text = "extends = \"alibaba\"\nname = \"y\"\n[initial]\nutilisation = 2.0\n\
                    [demand]\nceiling = -3.0\n[price_war]\ncut_size = { kind = \"normal\" }\n";
        let problems = toml_problems(text);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert_eq!(problems[0].location, Some((4, 15)));
        assert!(problems[1].message.contains("`demand.ceiling`"));
        assert!(problems[2].message.contains("price_war.cut_size"));
        let unknown = toml_problems("extends = \"nope\"\n");
        assert_eq!(unknown.len(), 1);
        assert!(unknown[0].message.contains("must name a preset"));
        assert_eq!(unknown[0].location, Some((1, 11)));
    }

    #[test]
    fn json_problems_are_located() {
        let json = Scenario::alibaba().to_json_string().unwrap();
        let text = json.replace("\"horizon_years\": 10", "\"horizon_years\": -1");
        let problems = load(&text, Format::Json).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        let line = text
            .lines()
            .position(|l| l.contains("horizon_years"))
            .unwrap()
            + 1;
        assert_eq!(problems[0].location, Some((line, 20)));
        let syntax = load("{\"name\": ", Format::Json).unwrap_err();
        assert_eq!(syntax[0].location, Some((1, 9)));
        assert!(load(&json, Format::Json).is_ok());
    }

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
}

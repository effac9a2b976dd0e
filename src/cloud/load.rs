//! Reading and writing scenarios: TOML and JSON files, bundled presets, `extends`
//! to derive a scenario from a preset or another file, overrides of single fields
//! (`--set demand.ceiling=200`), and every problem of a file with its line and
//! column.

use super::Scenario;
use super::locate::{self, Lines, Segment, Spans};
use crate::error::{Error, Result, readable};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// A scenario bundled with the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    /// Name to ask for it by, e.g. `alibaba`.
    pub name: &'static str,
    /// One-line summary.
    pub summary: &'static str,
    toml: &'static str,
}

impl Preset {
    /// The preset's TOML source, with the basis of every parameter in comments.
    pub fn source(&self) -> &'static str {
        self.toml
    }
}

/// Every bundled scenario: the calibrated base case first, then the alternatives,
/// which `extends` it.
pub const PRESETS: [Preset; 6] = [
    Preset {
        name: "alibaba",
        summary: "Alibaba Cloud Intelligence, calibrated to the March 2026 quarter",
        toml: include_str!("../../scenarios/alibaba.toml"),
    },
    Preset {
        name: "price_war",
        summary: "The price war escalates: more and deeper cuts, longer war regimes",
        toml: include_str!("../../scenarios/price_war.toml"),
    },
    Preset {
        name: "chip_ban",
        summary: "The chip ban tightens: banned regime likelier, costlier and slower capacity",
        toml: include_str!("../../scenarios/chip_ban.toml"),
    },
    Preset {
        name: "ai_boom",
        summary: "AI demand booms: faster adoption, higher ceiling",
        toml: include_str!("../../scenarios/ai_boom.toml"),
    },
    Preset {
        name: "pessimistic",
        summary: "Pessimistic: slower demand, deflation and price wars, dearer chips",
        toml: include_str!("../../scenarios/pessimistic.toml"),
    },
    Preset {
        name: "optimistic",
        summary: "Optimistic: strong demand, firm prices, open chip supply",
        toml: include_str!("../../scenarios/optimistic.toml"),
    },
];

/// The key that derives a scenario from a preset or another file.
const EXTENDS: &str = "extends";

/// Largest scenario file, in bytes: a scenario is a page of text; larger input is
/// refused before it is parsed.
pub const MAX_SCENARIO_BYTES: usize = 1 << 20;

/// Most problems reported for one scenario; the rest are counted.
pub const MAX_PROBLEMS: usize = 50;

/// Most problems of one scenario given a line and column (the first found); the
/// rest are reported after them, unlocated, and counted past [`MAX_PROBLEMS`].
const LOCATED_PROBLEMS: usize = 4 * MAX_PROBLEMS;

/// Longest `extends` chain (a file extending a file ... extending a preset).
const MAX_EXTENDS_DEPTH: usize = 16;

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
    pub fn of(path: &Path) -> Format {
        let json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if json { Format::Json } else { Format::Toml }
    }
}

/// Where a scenario comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A TOML or JSON file (JSON if its name ends in `.json`); `extends` paths in
    /// it are relative to its directory.
    File(PathBuf),
    /// A bundled preset by name.
    Preset(String),
    /// Text, labelled for messages; `extends` paths in it are relative to the
    /// current directory.
    Text {
        /// How messages name it.
        label: String,
        /// The text.
        text: String,
        /// Its format.
        format: Format,
    },
}

impl Source {
    /// `preset:NAME` as a preset, anything else as a file path.
    pub fn parse(argument: &str) -> Source {
        match argument.strip_prefix("preset:") {
            Some(name) => Source::Preset(name.to_owned()),
            None => Source::File(argument.into()),
        }
    }

    /// How messages name the source: the file path, `preset:NAME`, or the label.
    pub fn label(&self) -> String {
        match self {
            Source::File(path) => path.display().to_string(),
            Source::Preset(name) => format!("preset:{name}"),
            Source::Text { label, .. } => label.clone(),
        }
    }
}

/// One override of a scenario field, as given on the command line:
/// `field.path=value`, where the path names a field with `.` and `[i]` (e.g.
/// `price_war.baseline[0]`) and the value is a TOML value (`0.3`, `[2, 3, 4]`,
/// `"name"`, `{ dist = "uniform", min = 1, max = 2 }`), a law written as a call
/// (`normal(mean, std_dev)`, `log_normal(median, sigma)`, `uniform(min, max)`,
/// `triangular(min, mode, max)`, `pert(min, mode, max)`,
/// `beta(alpha, beta[, min, max])`), or else a bare word taken as a string.
/// Overrides apply after `extends` is resolved, in order, and are validated with
/// the rest of the scenario.
///
/// ```
/// use outpace::cloud::{Override, Scenario, Source};
/// let set: Override = "demand.ceiling=pert(100, 150, 260)".parse()?;
/// let scenario = Scenario::load(&Source::Preset("alibaba".into()), &[set])
///     .map_err(|problems| problems[0].error.clone())?;
/// assert_eq!(scenario.demand.ceiling.mean(), (100.0 + 4.0 * 150.0 + 260.0) / 6.0);
/// assert!("demand.ceiling".parse::<Override>().is_err());
/// # Ok::<(), outpace::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    path: String,
    value: toml::Value,
    text: String,
}

/// The laws an override may write as a call, with the names of their arguments.
const LAWS: [(&str, &[&str]); 6] = [
    ("normal", &["mean", "std_dev"]),
    ("log_normal", &["median", "sigma"]),
    ("uniform", &["min", "max"]),
    ("triangular", &["min", "mode", "max"]),
    ("pert", &["min", "mode", "max"]),
    ("beta", &["alpha", "beta", "min", "max"]),
];

impl Override {
    /// The field path it sets.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The value it sets.
    pub fn value(&self) -> &toml::Value {
        &self.value
    }

    /// Parses `field.path=value` (see the type's documentation).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `--set` for a text without `=`, a
    /// malformed path, or a law call with the wrong arguments.
    pub fn parse(text: &str) -> Result<Override> {
        let bad = |rule: String| Error::invalid("--set", format!("\"{text}\""), rule);
        let (path, value) = text
            .split_once('=')
            .ok_or_else(|| bad("must be `field.path=value`, e.g. `demand.ceiling=200`".into()))?;
        let path = path.trim();
        let segments = locate::segments(path);
        let well_formed = !segments.is_empty()
            && path.split('.').all(|part| {
                let key = part.split('[').next().unwrap_or("");
                key.starts_with(|c: char| c.is_ascii_lowercase())
                    && key
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            });
        if !well_formed {
            return Err(bad(format!(
                "`{path}` is not a field path: write keys separated by `.`, indices as `[i]`, \
                 e.g. `price_war.baseline[0]`"
            )));
        }
        let value = parse_value(value.trim()).map_err(bad)?;
        Ok(Override {
            path: path.to_owned(),
            value,
            text: text.trim().to_owned(),
        })
    }

    /// Sets the value in `table`.
    fn apply(&self, table: &mut toml::Table) -> std::result::Result<(), String> {
        let segments = locate::segments(&self.path);
        let (last, parents) = segments.split_last().expect("checked when parsed");
        let mut current = table;
        let mut at: &mut toml::Value;
        let mut iter = parents.iter().peekable();
        // Walk the tables and arrays down to the parent of the last segment.
        let Segment::Key(first) = &segments[0] else {
            return Err("a path starts with a key".into());
        };
        if parents.is_empty() {
            return set(current, last, self.value.clone());
        }
        iter.next();
        at = current
            .entry(first.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        for segment in iter {
            at = match (segment, at) {
                (Segment::Key(k), toml::Value::Table(t)) => t
                    .entry(k.clone())
                    .or_insert_with(|| toml::Value::Table(toml::Table::new())),
                (Segment::Index(i), toml::Value::Array(a)) => {
                    let len = a.len();
                    a.get_mut(*i)
                        .ok_or_else(|| format!("index {i} is beyond the array's {len} entries"))?
                }
                (segment, _) => {
                    return Err(format!(
                        "`{segment:?}` does not address a table or an array"
                    ));
                }
            };
        }
        match at {
            toml::Value::Table(t) => {
                current = t;
                set(current, last, self.value.clone())
            }
            toml::Value::Array(a) => match last {
                Segment::Index(i) => {
                    let len = a.len();
                    *a.get_mut(*i).ok_or_else(|| {
                        format!("index {i} is beyond the array's {len} entries")
                    })? = self.value.clone();
                    Ok(())
                }
                Segment::Key(k) => Err(format!("`{k}` addresses an array, which has no keys")),
            },
            _ => Err("the path goes through a value that is neither a table nor an array".into()),
        }
    }
}

fn set(
    table: &mut toml::Table,
    last: &Segment,
    value: toml::Value,
) -> std::result::Result<(), String> {
    match last {
        Segment::Key(k) => {
            table.insert(k.clone(), value);
            Ok(())
        }
        Segment::Index(_) => Err("an index must follow an array's key".into()),
    }
}

impl FromStr for Override {
    type Err = Error;

    fn from_str(text: &str) -> Result<Override> {
        Override::parse(text)
    }
}

impl fmt::Display for Override {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A value of an override: a law call, a TOML value, or a bare word.
fn parse_value(text: &str) -> std::result::Result<toml::Value, String> {
    if let Some((name, args)) = text.strip_suffix(')').and_then(|t| t.split_once('(')) {
        let name = name.trim();
        if let Some((law, fields)) = LAWS.iter().find(|(law, _)| *law == name) {
            let numbers: Vec<f64> = args
                .split(',')
                .map(|a| a.trim().parse::<f64>())
                .collect::<std::result::Result<_, _>>()
                .map_err(|_| format!("the arguments of `{law}(...)` must be numbers"))?;
            let fits = numbers.len() == fields.len() || (*law == "beta" && numbers.len() == 2);
            if !fits {
                return Err(format!(
                    "`{law}` takes the arguments ({}), got {}",
                    fields.join(", "),
                    numbers.len()
                ));
            }
            let mut table = toml::Table::new();
            table.insert("dist".into(), toml::Value::String((*law).to_owned()));
            for (field, x) in fields.iter().zip(numbers) {
                table.insert((*field).to_owned(), toml::Value::Float(x));
            }
            return Ok(toml::Value::Table(table));
        }
    }
    match toml::from_str::<toml::Table>(&format!("v = {text}")) {
        Ok(mut table) => Ok(table.remove("v").expect("parsed the key v")),
        Err(_) if !text.is_empty() && !text.contains(['"', '[', '{', '=']) => {
            Ok(toml::Value::String(text.to_owned()))
        }
        Err(e) => Err(format!("the value is not valid: {}", e.message())),
    }
}

/// One problem of a scenario: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The file (or `preset:NAME`, `--set field=value`) the problem is in.
    pub origin: String,
    /// 1-based line and column, when the problem could be located.
    pub location: Option<(usize, usize)>,
    /// The error, naming the field path, the value and the rule.
    pub error: Error,
}

impl fmt::Display for Problem {
    /// `origin:line:column: message`, or `origin: message`, on one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = one_line(&self.error.to_string());
        match self.location {
            Some((line, column)) => write!(f, "{}:{line}:{column}: {message}", self.origin),
            None => write!(f, "{}: {message}", self.origin),
        }
    }
}

/// A message on one line: parsers' multi-line displays (source excerpts with `|`
/// gutters) reduced to their text, with long numerals shortened.
fn one_line(message: &str) -> String {
    let text = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('|') && !l.contains(" | "))
        .collect::<Vec<_>>()
        .join(": ");
    shorten_numerals(&text)
}

/// Numerals longer than [`LONG_NUMERAL`] characters (a parser echoing `1e308` as
/// 309 digits) rewritten in readable scientific form.
fn shorten_numerals(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(tail.len());
        let numeral = &tail[..end];
        match numeral.parse::<f64>() {
            Ok(x) if numeral.len() > LONG_NUMERAL => out.push_str(&readable(x).to_string()),
            _ => out.push_str(numeral),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// The longest numeral a message keeps as written.
const LONG_NUMERAL: usize = 24;

/// One document of an `extends` chain.
struct Doc {
    origin: String,
    /// What identifies it in the chain: a canonical path or `preset:NAME`.
    identity: String,
    text: String,
    format: Format,
    /// The directory its `extends` paths are relative to.
    dir: PathBuf,
    /// Whether it is a file (a file that extends another may take its name from its
    /// file name).
    stem: Option<String>,
    table: toml::Table,
}

impl Doc {
    /// Reads and parses `source`; syntax errors are problems.
    fn read(source: &Source) -> std::result::Result<Doc, Vec<Problem>> {
        let origin = source.label();
        let fail = |error: Error| {
            vec![Problem {
                origin: origin.clone(),
                location: None,
                error,
            }]
        };
        let (text, format, dir, identity, stem) = match source {
            Source::File(path) => {
                let size = std::fs::metadata(path)
                    .map_err(|e| {
                        fail(Error::Parse(format!(
                            "cannot read `{}`: {e}",
                            path.display()
                        )))
                    })?
                    .len();
                check_size(size).map_err(fail)?;
                let text = std::fs::read_to_string(path).map_err(|e| {
                    fail(Error::Parse(format!(
                        "cannot read `{}`: {e}",
                        path.display()
                    )))
                })?;
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                let identity = std::fs::canonicalize(path)
                    .map_or_else(|_| path.display().to_string(), |p| p.display().to_string());
                let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
                (text, Format::of(path), dir, identity, stem)
            }
            Source::Preset(name) => {
                let preset = find_preset(name).map_err(fail)?;
                let identity = format!("preset:{name}");
                (
                    preset.toml.to_owned(),
                    Format::Toml,
                    PathBuf::new(),
                    identity,
                    None,
                )
            }
            Source::Text {
                text,
                format,
                label,
            } => {
                check_size(text.len() as u64).map_err(fail)?;
                (
                    text.clone(),
                    *format,
                    PathBuf::new(),
                    format!("text:{label}"),
                    None,
                )
            }
        };
        let table = parse(&text, format).map_err(|errors| {
            errors
                .into_iter()
                .map(|(location, error)| Problem {
                    origin: origin.clone(),
                    location,
                    error,
                })
                .collect::<Vec<_>>()
        })?;
        Ok(Doc {
            origin,
            identity,
            text,
            format,
            dir,
            stem,
            table,
        })
    }

    /// The document's spans, to locate fields.
    fn spans(&self) -> Spans<'_> {
        match self.format {
            Format::Toml => Spans::Toml(
                toml::de::DeTable::parse_recoverable(&self.text)
                    .0
                    .into_inner(),
            ),
            Format::Json => Spans::Json,
        }
    }

    /// The spans and lines of this document, built once to locate many fields.
    fn index(&self) -> DocIndex<'_> {
        DocIndex {
            spans: self.spans(),
            lines: Lines::new(&self.text),
        }
    }

    /// The location of `path` in this document, if it holds the path.
    fn locate(&self, path: &str, at_key: bool) -> Option<Option<(usize, usize)>> {
        self.locate_in(&self.index(), path, at_key)
    }

    /// [`locate`](Self::locate) with the document's index built already.
    fn locate_in(
        &self,
        index: &DocIndex<'_>,
        path: &str,
        at_key: bool,
    ) -> Option<Option<(usize, usize)>> {
        let segments = locate::segments(path);
        locate::contains(&self.text, &index.spans, &segments)
            .then(|| locate::locate(&index.lines, &index.spans, &segments, at_key))
    }
}

/// What locating fields in a document needs, parsed once.
struct DocIndex<'d> {
    spans: Spans<'d>,
    lines: Lines<'d>,
}

fn check_size(bytes: u64) -> Result<()> {
    if bytes > MAX_SCENARIO_BYTES as u64 {
        Err(Error::invalid(
            "scenario",
            format!("{bytes} bytes"),
            format!("must be at most {MAX_SCENARIO_BYTES} bytes: a scenario is a page of text"),
        ))
    } else {
        Ok(())
    }
}

type Located = (Option<(usize, usize)>, Error);

/// Parses TOML or JSON into a table, or returns its syntax errors (the first of
/// each line for TOML), located and naming the field where it can be found.
fn parse(text: &str, format: Format) -> std::result::Result<toml::Table, Vec<Located>> {
    match format {
        Format::Toml => {
            let (spans, errors) = toml::de::DeTable::parse_recoverable(text);
            if !errors.is_empty() {
                let spans = spans.into_inner();
                let lines = Lines::new(text);
                // Each error is placed by a walk of the table: a bounded number of
                // them keeps a file of thousands of bad lines linear.
                let mut located: Vec<Located> = errors
                    .iter()
                    .take(LOCATED_PROBLEMS)
                    .map(|e| {
                        let offset = e.span().map(|s| s.start);
                        let at = offset.and_then(|o| locate::path_at(&spans, o));
                        let message = match at {
                            Some(path) => {
                                format!("TOML syntax: at `{path}`: {}", e.message().trim())
                            }
                            None => format!("TOML syntax: {}", e.message().trim()),
                        };
                        (
                            offset.map(|o| lines.line_column(o)),
                            Error::Parse(one_line(&message)),
                        )
                    })
                    .collect();
                located.sort_by_key(|(l, _)| *l);
                located.dedup_by_key(|(l, _)| l.map(|(line, _)| line));
                if located.len() > MAX_PROBLEMS {
                    let more = located.len() - MAX_PROBLEMS;
                    located.truncate(MAX_PROBLEMS);
                    let message = format!("and syntax errors on {more} more lines");
                    located.push((None, Error::Parse(message)));
                }
                return Err(located);
            }
            toml::from_str::<toml::Table>(text).map_err(|e| {
                vec![(
                    None,
                    Error::Parse(format!("TOML: {}", one_line(e.message()))),
                )]
            })
        }
        Format::Json => {
            let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
                let message = e.to_string();
                let suffix = format!(" at line {} column {}", e.line(), e.column());
                let message = message.strip_suffix(&suffix).unwrap_or(&message).to_owned();
                vec![(
                    Some((e.line(), e.column().max(1))),
                    Error::Parse(format!("JSON syntax: {message}")),
                )]
            })?;
            if !value.is_object() {
                return Err(vec![(
                    Some((1, 1)),
                    Error::Parse("JSON: a scenario must be an object".into()),
                )]);
            }
            json_to_table(value)
        }
    }
}

/// A JSON object as a TOML table; `null` (which TOML lacks) is named by its path.
fn json_to_table(value: serde_json::Value) -> std::result::Result<toml::Table, Vec<Located>> {
    fn nulls(value: &serde_json::Value, path: &str, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Null => out.push(path.to_owned()),
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    nulls(v, &format!("{path}[{i}]"), out);
                }
            }
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    nulls(v, &p, out);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    nulls(&value, "", &mut found);
    if !found.is_empty() {
        return Err(found
            .into_iter()
            .map(|path| {
                (
                    None,
                    Error::Parse(format!(
                        "at `{path}`: `null` is not a value: give the field a value or leave it out"
                    )),
                )
            })
            .collect());
    }
    toml::Table::try_from(value).map_err(|e| vec![(None, Error::Parse(format!("JSON: {e}")))])
}

/// A scenario assembled from an `extends` chain and overrides, before it is
/// deserialised: the merged table and where each part came from.
struct Assembled {
    table: toml::Table,
    /// The chain, top (the file asked for) first.
    docs: Vec<Doc>,
    overrides: Vec<Override>,
}

impl Assembled {
    /// Reads `source`, resolves its `extends` chain (presets or files relative to
    /// the extending file, cycles refused), names a file that extends another
    /// after itself when it has no `name`, and applies the overrides.
    fn new(source: &Source, overrides: &[Override]) -> std::result::Result<Self, Vec<Problem>> {
        let mut docs = vec![Doc::read(source)?];
        loop {
            let top = docs.last().expect("at least the source");
            let Some(base) = top.table.get(EXTENDS) else {
                break;
            };
            let problem = |error: Error| {
                let location = top.locate(EXTENDS, false).flatten();
                vec![Problem {
                    origin: top.origin.clone(),
                    location,
                    error,
                }]
            };
            let base = match base {
                toml::Value::String(name) if find_preset(name).is_ok() => {
                    Source::Preset(name.clone())
                }
                toml::Value::String(path) => Source::File(top.dir.join(path)),
                other => {
                    return Err(problem(Error::invalid(
                        EXTENDS,
                        other,
                        format!(
                            "must be the name of a preset ({}) or the path of a scenario file",
                            preset_names()
                        ),
                    )));
                }
            };
            if docs.len() >= MAX_EXTENDS_DEPTH {
                return Err(problem(Error::invalid(
                    EXTENDS,
                    base.label(),
                    format!("chains of `extends` may be at most {MAX_EXTENDS_DEPTH} deep"),
                )));
            }
            if let Source::File(path) = &base
                && !path.is_file()
            {
                return Err(problem(Error::invalid(
                    EXTENDS,
                    format!("\"{}\"", base.label()),
                    format!(
                        "is neither a preset ({}) nor a readable file (paths are relative to the extending file)",
                        preset_names()
                    ),
                )));
            }
            let doc = Doc::read(&base)?;
            if let Some(seen) = docs.iter().position(|d| d.identity == doc.identity) {
                let cycle: Vec<String> = docs[seen..]
                    .iter()
                    .map(|d| d.origin.clone())
                    .chain([doc.origin.clone()])
                    .collect();
                return Err(problem(Error::invalid(
                    EXTENDS,
                    base.label(),
                    format!("makes a cycle: {}", cycle.join(" -> ")),
                )));
            }
            docs.push(doc);
        }
        let mut table = toml::Table::new();
        for doc in docs.iter().rev() {
            let mut own = doc.table.clone();
            let extends = own.remove(EXTENDS).is_some();
            if extends && !own.contains_key("name") {
                match &doc.stem {
                    Some(stem) => {
                        own.insert("name".into(), toml::Value::String(stem.clone()));
                    }
                    None => {
                        return Err(vec![Problem {
                            origin: doc.origin.clone(),
                            location: None,
                            error: Error::invalid(
                                "name",
                                "missing",
                                "a scenario that extends another must name itself (`name = \"...\"`)",
                            ),
                        }]);
                    }
                }
            }
            merge(&mut table, own);
        }
        let mut problems = Vec::new();
        for o in overrides {
            if let Err(rule) = o.apply(&mut table) {
                problems.push(Problem {
                    origin: format!("--set {o}"),
                    location: None,
                    error: Error::invalid(o.path(), o.value(), rule),
                });
            }
        }
        if problems.is_empty() {
            Ok(Assembled {
                table,
                docs,
                overrides: overrides.to_vec(),
            })
        } else {
            Err(problems)
        }
    }

    /// Deserialises and validates, or returns every problem found, located.
    fn scenario(self) -> std::result::Result<Scenario, Vec<Problem>> {
        let found = match deserialize(&self.table) {
            Ok(scenario) => {
                let problems = scenario.problems();
                if problems.is_empty() {
                    return Ok(scenario);
                }
                problems.into_iter().map(|e| (field_of(&e), e)).collect()
            }
            Err(_) => self.section_problems(),
        };
        let indices: Vec<DocIndex<'_>> = self.docs.iter().map(Doc::index).collect();
        // A JSON field is found by a scan of the text: locating a bounded number of
        // problems keeps a file with thousands of them linear. The rest are
        // counted below, after the located ones.
        let mut problems: Vec<Problem> = found
            .into_iter()
            .enumerate()
            .map(|(i, (path, error))| {
                if i < LOCATED_PROBLEMS {
                    self.locate(&indices, &path, error)
                } else {
                    Problem {
                        origin: self.docs[0].origin.clone(),
                        location: None,
                        error,
                    }
                }
            })
            .collect();
        problems.dedup();
        problems.sort_by(|a, b| {
            (
                a.origin != self.docs[0].origin,
                &a.origin,
                a.location.unwrap_or((usize::MAX, 0)),
            )
                .cmp(&(
                    b.origin != self.docs[0].origin,
                    &b.origin,
                    b.location.unwrap_or((usize::MAX, 0)),
                ))
        });
        if problems.len() > MAX_PROBLEMS {
            let more = problems.len() - MAX_PROBLEMS;
            problems.truncate(MAX_PROBLEMS);
            problems.push(Problem {
                origin: self.docs[0].origin.clone(),
                location: None,
                error: Error::Parse(format!("and {more} more problems")),
            });
        }
        Err(problems)
    }

    /// Every top-level key checked on its own: an unknown key directly; a known
    /// one put into the bundled base case (complete and valid), whose first
    /// deserialisation error, or every validation problem, is that section's.
    fn section_problems(&self) -> Vec<(String, Error)> {
        let reference: toml::Table =
            toml::from_str(PRESETS[0].toml).expect("the bundled presets are valid TOML");
        let mut found = Vec::new();
        let fields: &[&str] = &Scenario::FIELDS;
        for key in self.table.keys() {
            if !fields.contains(&key.as_str()) {
                found.push((
                    key.clone(),
                    Error::Parse(format!(
                        "at `{key}`: unknown field `{key}`, expected one of {}",
                        quoted(fields)
                    )),
                ));
            }
        }
        for &key in fields {
            let mut candidate = reference.clone();
            match self.table.get(key) {
                Some(value) => candidate.insert(key.to_owned(), value.clone()),
                None => candidate.remove(key),
            };
            match deserialize(&candidate) {
                Ok(scenario) => found.extend(
                    scenario
                        .problems()
                        .into_iter()
                        .map(|e| (field_of(&e), e))
                        .filter(|(path, _)| section(path) == key),
                ),
                Err((path, error)) => found.push((path, error)),
            }
        }
        found
    }

    /// Where the problem with field `path` is: in an override that set it, else in
    /// the first document of the chain that holds the field.
    fn locate(&self, indices: &[DocIndex<'_>], path: &str, error: Error) -> Problem {
        let segments = locate::segments(path);
        let by_override = self.overrides.iter().rev().find(|o| {
            let own = locate::segments(o.path());
            segments.starts_with(&own) || own.starts_with(&segments)
        });
        if let Some(o) = by_override {
            return Problem {
                origin: format!("--set {o}"),
                location: None,
                error,
            };
        }
        let at_key = error.to_string().contains("unknown field");
        for (doc, index) in self.docs.iter().zip(indices) {
            // The deepest prefix of the path a document holds.
            for len in (1..=segments.len()).rev() {
                let prefix = render(&segments[..len]);
                let at_key = at_key && len == segments.len();
                if let Some(location) = doc.locate_in(index, &prefix, at_key) {
                    return Problem {
                        origin: doc.origin.clone(),
                        location,
                        error,
                    };
                }
            }
        }
        Problem {
            origin: self.docs[0].origin.clone(),
            location: None,
            error,
        }
    }
}

/// `a, b` as "`a`, `b`".
fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A field path from its segments.
fn render(segments: &[Segment]) -> String {
    let mut out = String::new();
    for s in segments {
        match s {
            Segment::Key(k) if out.is_empty() => out.push_str(k),
            Segment::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The top-level key of a field path.
fn section(path: &str) -> &str {
    path.split(['.', '[']).next().unwrap_or(path)
}

/// The field path an error names.
fn field_of(error: &Error) -> String {
    match error {
        Error::InvalidParameter { name, .. } => name.clone(),
        other => {
            let text = other.to_string();
            text.split_once("at `")
                .and_then(|(_, rest)| rest.split_once('`'))
                .map(|(path, _)| path.to_owned())
                .unwrap_or_default()
        }
    }
}

/// Deserialises a table into a scenario, or returns the offending path and error
/// (not boxed: it is built once per load, on the rare error path).
#[allow(clippy::result_large_err)]
fn deserialize(table: &toml::Table) -> std::result::Result<Scenario, (String, Error)> {
    serde_path_to_error::deserialize::<_, Scenario>(toml::Value::Table(table.clone())).map_err(
        |e| {
            let path = e.path().to_string();
            let message = one_line(e.inner().message());
            (
                path.clone(),
                Error::Parse(format!("at `{path}`: {message}")),
            )
        },
    )
}

impl Scenario {
    /// The calibrated base case (the bundled `scenarios/alibaba.toml`).
    pub fn alibaba() -> Scenario {
        Self::preset("alibaba").expect("the bundled alibaba preset is valid (tested)")
    }

    /// A bundled scenario by name (see [`PRESETS`]).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the unknown preset and listing the known ones.
    pub fn preset(name: &str) -> Result<Scenario> {
        find_preset(name)?;
        first(Scenario::load(&Source::Preset(name.to_owned()), &[]))
    }

    /// Loads a scenario from `source` with `overrides` applied, and validates it;
    /// or returns every problem found, each with the file (or override) it is in,
    /// its line and column where known, and the error naming the field path.
    ///
    /// `extends = "NAME"` starts from a preset, `extends = "path/file.toml"` from
    /// another file (relative to the extending file; cycles and chains deeper than
    /// 16 are refused); tables merge key by key, anything else is replaced whole.
    /// A file that extends another and has no `name` takes its file name. Files
    /// above [`MAX_SCENARIO_BYTES`] are refused unread; at most [`MAX_PROBLEMS`]
    /// problems are listed.
    ///
    /// # Errors
    /// The problems, at least one.
    pub fn load(
        source: &Source,
        overrides: &[Override],
    ) -> std::result::Result<Scenario, Vec<Problem>> {
        Assembled::new(source, overrides)?.scenario()
    }

    /// Reads a scenario from TOML text and validates it.
    ///
    /// # Errors
    /// A syntax error (with line and column), an unknown or mistyped field (with its
    /// path), or a validation error naming the field path, the value and the rule:
    /// the first of [`load`](Scenario::load)'s problems.
    pub fn from_toml_str(text: &str) -> Result<Scenario> {
        first(Scenario::load(&text_source(text, Format::Toml), &[]))
    }

    /// Reads a scenario from JSON text and validates it.
    ///
    /// # Errors
    /// As [`from_toml_str`](Self::from_toml_str).
    pub fn from_json_str(text: &str) -> Result<Scenario> {
        first(Scenario::load(&text_source(text, Format::Json), &[]))
    }

    /// Reads a scenario file: `.json` as JSON, anything else as TOML.
    ///
    /// # Errors
    /// As [`from_toml_str`](Self::from_toml_str); a parse error is prefixed with
    /// the file name.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Scenario> {
        first(Scenario::load(
            &Source::File(path.as_ref().to_path_buf()),
            &[],
        ))
    }

    /// The scenario as TOML.
    ///
    /// # Errors
    /// If a value cannot be represented in TOML (does not happen for valid scenarios).
    pub fn to_toml_string(&self) -> Result<String> {
        toml::to_string_pretty(self).map_err(|e| Error::Parse(e.to_string()))
    }

    /// The scenario as pretty-printed JSON.
    ///
    /// # Errors
    /// If a value cannot be represented in JSON (does not happen for valid scenarios).
    pub fn to_json_string(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| Error::Parse(e.to_string()))
    }
}

fn text_source(text: &str, format: Format) -> Source {
    let label = match format {
        Format::Toml => "TOML",
        Format::Json => "JSON",
    };
    Source::Text {
        label: label.into(),
        text: text.to_owned(),
        format,
    }
}

/// The first problem as an error: a validation error as it is, anything else as a
/// parse error naming the origin and location.
fn first(loaded: std::result::Result<Scenario, Vec<Problem>>) -> Result<Scenario> {
    loaded.map_err(|problems| {
        let problem = problems.into_iter().next().expect("at least one problem");
        match problem.error {
            Error::InvalidParameter { .. } => problem.error,
            _ => Error::Parse(problem.to_string()),
        }
    })
}

fn find_preset(name: &str) -> Result<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name).ok_or_else(|| {
        Error::invalid(
            "preset",
            name,
            format!("unknown preset; known presets: {}", preset_names()),
        )
    })
}

/// The names of the presets, comma separated.
pub fn preset_names() -> String {
    PRESETS
        .iter()
        .map(|p| p.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Deep merge: tables merge key by key; anything else (numbers, arrays, and the
/// tables that are values, such as distributions) is replaced whole.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o))
                if !is_value_table(b) && !is_value_table(&o) =>
            {
                merge(b, o);
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// A parameter distribution (`dist = ...`) or a jump-size law (`kind = ...`).
fn is_value_table(table: &toml::Table) -> bool {
    table.contains_key("dist") || table.contains_key("kind")
}

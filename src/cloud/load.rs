//! Reading and writing scenarios: TOML and JSON files, bundled presets, and
//! `extends` to derive a scenario from a preset by overriding some fields.

use super::Scenario;
use crate::error::{Error, Result};
use serde::de::DeserializeOwned;
use std::path::Path;

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

/// The key that names a preset to start from.
const EXTENDS: &str = "extends";

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
        let preset = find_preset(name)?;
        Self::from_toml_str(preset.toml).map_err(|e| Error::Parse(format!("preset `{name}`: {e}")))
    }

    /// Reads a scenario from TOML text and validates it.
    ///
    /// # Errors
    /// A syntax error (with line and column), an unknown or mistyped field (with its
    /// path), or a validation error naming the field path, the value and the rule.
    pub fn from_toml_str(text: &str) -> Result<Scenario> {
        let table: toml::Table =
            toml::from_str(text).map_err(|e| Error::Parse(format!("TOML: {e}")))?;
        let scenario = if table.contains_key(EXTENDS) {
            from_table(extend(table)?)?
        } else {
            let deserializer = toml::de::Deserializer::parse(text)
                .map_err(|e| Error::Parse(format!("TOML: {e}")))?;
            deserialize_with_path(deserializer, "TOML")?
        };
        scenario.validate()?;
        Ok(scenario)
    }

    /// Reads a scenario from JSON text and validates it.
    ///
    /// # Errors
    /// As [`from_toml_str`](Self::from_toml_str).
    pub fn from_json_str(text: &str) -> Result<Scenario> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| Error::Parse(format!("JSON: {e}")))?;
        let scenario = if value.get(EXTENDS).is_some() {
            let table =
                toml::Table::try_from(value).map_err(|e| Error::Parse(format!("JSON: {e}")))?;
            from_table(extend(table)?)?
        } else {
            let mut deserializer = serde_json::Deserializer::from_str(text);
            deserialize_with_path(&mut deserializer, "JSON")?
        };
        scenario.validate()?;
        Ok(scenario)
    }

    /// Reads a scenario file: `.json` as JSON, anything else as TOML.
    ///
    /// # Errors
    /// An unreadable file (naming it), or any error of the parsers, prefixed with the
    /// file name.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Scenario> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Parse(format!("cannot read `{}`: {e}", path.display())))?;
        let is_json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let parsed = if is_json {
            Self::from_json_str(&text)
        } else {
            Self::from_toml_str(&text)
        };
        parsed.map_err(|e| match e {
            Error::Parse(message) => Error::Parse(format!("{}: {message}", path.display())),
            other => other,
        })
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

fn find_preset(name: &str) -> Result<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name).ok_or_else(|| {
        let known: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
        Error::invalid(
            "preset",
            name,
            format!("unknown preset; known presets: {}", known.join(", ")),
        )
    })
}

/// Deserialises, reporting the path of the offending field.
fn deserialize_with_path<'de, D, T>(deserializer: D, format: &str) -> Result<T>
where
    D: serde::Deserializer<'de>,
    D::Error: std::fmt::Display,
    T: DeserializeOwned,
{
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        Error::Parse(format!("{format}: at `{path}`: {}", e.into_inner()))
    })
}

fn from_table(table: toml::Table) -> Result<Scenario> {
    deserialize_with_path(toml::Value::Table(table), "scenario")
}

/// Replaces `extends = "preset"` by the preset's fields, overridden by the others.
fn extend(mut table: toml::Table) -> Result<toml::Table> {
    let base_name = match table.remove(EXTENDS) {
        Some(toml::Value::String(name)) => name,
        Some(other) => {
            return Err(Error::invalid(
                EXTENDS,
                other,
                "must be the name of a preset",
            ));
        }
        None => return Ok(table),
    };
    let mut base: toml::Table = toml::from_str(find_preset(&base_name)?.toml)
        .map_err(|e| Error::Parse(format!("preset `{base_name}`: {e}")))?;
    merge(&mut base, table);
    // A preset may itself extend another.
    extend(base)
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

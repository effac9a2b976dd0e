//! `--export-paths FILE.csv`: one row per path of `run` (the columns are in
//! `outpace::report::paths` and `docs/cli.md`).

use crate::Failure;
use clap::Args;
use outpace::analysis::Study;
use std::path::PathBuf;

/// The per-path export option of `run`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write one CSV row per path: its drawn inputs, its break-even period under
    /// every rule (empty when not within the horizon) and its NPV.
    #[arg(long, value_name = "FILE.csv")]
    pub export_paths: Option<PathBuf>,
}

impl ExportArgs {
    /// Whether the study must keep its paths' inputs.
    pub fn wanted(&self) -> bool {
        self.export_paths.is_some()
    }

    /// Writes the export of `study`, if asked, atomically.
    pub fn write(&self, study: &Study, quiet: bool) -> Result<(), Failure> {
        let Some(file) = &self.export_paths else {
            return Ok(());
        };
        outpace::report::paths::write_file(study, file)
            .map_err(|e| Failure::Internal(crate::single_line(&e.to_string())))?;
        if !quiet {
            eprintln!(
                "wrote {} paths to {}",
                study.outcome().paths(),
                file.display()
            );
        }
        Ok(())
    }
}

//! wrangler's module rules: which imports load as text, bytes or WebAssembly rather than as
//! JavaScript.
//!
//! A project's `[[rules]]` come first, wrangler's defaults after them; the first rule of each
//! type ends that type's list unless it says `fallthrough = true`, and the rules it hides are
//! named in a warning. As in wrangler's bundling step, a rule's globs are matched against the
//! import specifier as written (`./page.html`), `*` matching any run of characters, `/`
//! included, and `?` any one character (the glob-to-regexp package wrangler uses, without its
//! extended syntax: exactly wildmatch's patterns, which need no compiling).

use serde::{Deserialize, Serialize};
use wildmatch::WildMatch;

/// What a rule loads its files as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ModuleType {
    /// JavaScript, which the bundling step reads whatever the rules say.
    ESModule,
    CommonJS,
    /// A `WebAssembly.Module`.
    CompiledWasm,
    /// A string (the file as UTF-8).
    Text,
    /// An `ArrayBuffer` of the file's bytes.
    Data,
    /// Python Workers' modules, which wrangler accepts and edgesim does not run.
    PythonModule,
    PythonRequirement,
}

/// What a module that is not JavaScript is loaded as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueModule {
    CompiledWasm,
    Text,
    Data,
    Python,
}

impl ModuleType {
    /// What a rule of this type loads, unless it is JavaScript.
    fn value_module(self) -> Option<ValueModule> {
        match self {
            ModuleType::ESModule | ModuleType::CommonJS => None,
            ModuleType::CompiledWasm => Some(ValueModule::CompiledWasm),
            ModuleType::Text => Some(ValueModule::Text),
            ModuleType::Data => Some(ValueModule::Data),
            ModuleType::PythonModule | ModuleType::PythonRequirement => Some(ValueModule::Python),
        }
    }
}

/// One `[[rules]]` entry as the config writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModuleRule {
    #[serde(rename = "type")]
    pub kind: ModuleType,
    pub globs: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallthrough: Option<bool>,
}

impl ModuleRule {
    fn new(kind: ModuleType, globs: &[&str]) -> Self {
        ModuleRule {
            kind,
            globs: globs.iter().map(|g| g.to_string()).collect(),
            fallthrough: None,
        }
    }
}

/// wrangler's defaults, after the project's own rules.
fn default_rules() -> [ModuleRule; 3] {
    [
        ModuleRule::new(ModuleType::Text, &["**/*.txt", "**/*.html", "**/*.sql"]),
        ModuleRule::new(ModuleType::Data, &["**/*.bin"]),
        ModuleRule::new(ModuleType::CompiledWasm, &["**/*.wasm", "**/*.wasm?module"]),
    ]
}

/// The rules in force, in order, each glob compiled.
#[derive(Debug, Clone)]
pub struct ModuleRules {
    matchers: Vec<(ValueModule, Vec<WildMatch>)>,
    /// What wrangler warns about the rules that were dropped.
    pub warnings: Vec<String>,
}

impl Default for ModuleRules {
    fn default() -> Self {
        ModuleRules::new(&[])
    }
}

impl ModuleRules {
    /// The project's `user` rules followed by wrangler's defaults, with the rules a rule
    /// without fallthrough hides dropped.
    pub fn new(user: &[ModuleRule]) -> Self {
        let all: Vec<ModuleRule> = user.iter().cloned().chain(default_rules()).collect();
        // For each type, the index of the rule that ended its list.
        let mut ended_by: Vec<(ModuleType, usize)> = Vec::new();
        // For each rule that ended a list without saying `fallthrough = false`, what it hid.
        let mut hidden: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut kept = Vec::new();
        for (index, rule) in all.iter().enumerate() {
            if let Some(&(_, ender)) = ended_by.iter().find(|(kind, _)| *kind == rule.kind) {
                if all[ender].fallthrough != Some(false) {
                    match hidden.iter_mut().find(|(e, _)| *e == ender) {
                        Some((_, list)) => list.push(index),
                        None => hidden.push((ender, vec![index])),
                    }
                }
                continue;
            }
            if rule.fallthrough != Some(true) {
                ended_by.push((rule.kind, index));
            }
            kept.push(rule);
        }
        let shown = |rule: &ModuleRule| serde_json::to_string(rule).unwrap_or_default();
        let warnings = hidden
            .into_iter()
            .map(|(ender, list)| {
                let mut text = format!(
                    "The {}module rule {} does not have a fallback, the following rules will be ignored:",
                    if ender >= user.len() { "default " } else { "" },
                    shown(&all[ender])
                );
                for index in list {
                    let default = if index >= user.len() { " (DEFAULT)" } else { "" };
                    text.push_str(&format!("\n {}{default}", shown(&all[index])));
                }
                text.push_str("\n\nAdd `fallthrough = true` to rule to allow next rule to be used or `fallthrough = false` to silence this warning");
                text
            })
            .collect();
        let matchers = kept
            .into_iter()
            .filter_map(|rule| {
                let globs = rule.globs.iter().map(|g| WildMatch::new(g)).collect();
                Some((rule.kind.value_module()?, globs))
            })
            .collect();
        ModuleRules { matchers, warnings }
    }

    /// The type the first matching rule gives an import written as `specifier`, when it is not
    /// JavaScript (which the bundling step reads as JavaScript whatever the rules say).
    pub fn value_module(&self, specifier: &str) -> Option<ValueModule> {
        self.matchers
            .iter()
            .find(|(_, globs)| globs.iter().any(|g| g.matches(specifier)))
            .map(|(kind, _)| *kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_load_text_data_and_wasm_by_extension() {
        let rules = ModuleRules::default();
        let kind = |s| rules.value_module(s);
        assert_eq!(kind("./page.html"), Some(ValueModule::Text));
        assert_eq!(kind("../schema.sql"), Some(ValueModule::Text));
        assert_eq!(kind("pkg/data/blob.bin"), Some(ValueModule::Data));
        assert_eq!(kind("./add.wasm?module"), Some(ValueModule::CompiledWasm));
        assert_eq!(kind("./index.js"), None);
        // `**/` wants a slash: a bare name is not a path, as in wrangler.
        assert_eq!(kind("page.html"), None);
        assert!(rules.warnings.is_empty());
    }

    #[test]
    fn a_user_rule_without_fallthrough_hides_the_default_of_its_type_and_says_so() {
        let rules = ModuleRules::new(&[ModuleRule::new(ModuleType::Text, &["**/*.md"])]);
        assert_eq!(rules.value_module("./README.md"), Some(ValueModule::Text));
        assert_eq!(rules.value_module("./page.html"), None);
        assert_eq!(
            rules.warnings,
            vec![
                "The module rule {\"type\":\"Text\",\"globs\":[\"**/*.md\"]} does not have a fallback, the following rules will be ignored:\n {\"type\":\"Text\",\"globs\":[\"**/*.txt\",\"**/*.html\",\"**/*.sql\"]} (DEFAULT)\n\nAdd `fallthrough = true` to rule to allow next rule to be used or `fallthrough = false` to silence this warning"
            ]
        );
    }

    #[test]
    fn fallthrough_keeps_the_next_rule_and_false_silences_the_warning() {
        let mut md = ModuleRule::new(ModuleType::Text, &["**/*.md"]);
        md.fallthrough = Some(true);
        let rules = ModuleRules::new(&[md.clone()]);
        assert_eq!(rules.value_module("./a.md"), Some(ValueModule::Text));
        assert_eq!(rules.value_module("./a.txt"), Some(ValueModule::Text));
        md.fallthrough = Some(false);
        let rules = ModuleRules::new(&[md]);
        assert_eq!(rules.value_module("./a.txt"), None);
        assert!(rules.warnings.is_empty());
    }

    #[test]
    fn a_data_rule_can_claim_what_text_would_by_coming_first() {
        let mut rule = ModuleRule::new(ModuleType::Data, &["**/*.html"]);
        rule.fallthrough = Some(true);
        let rules = ModuleRules::new(&[rule]);
        assert_eq!(rules.value_module("./a.html"), Some(ValueModule::Data));
        assert_eq!(rules.value_module("./a.bin"), Some(ValueModule::Data));
    }
}

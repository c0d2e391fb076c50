//! `--output yaml` and `yaml-stream`: AWS CLI v2's `YAMLDumper` (ruamel.yaml `typ='safe'`,
//! block style, libyaml's emitter). Scalars at the top level are printed as JSON, as v2
//! does to avoid YAML's `...` document end marker.

use serde_json::Value;

use super::python;

/// What `YAMLDumper.dump(value, stream)` writes.
pub fn dump(value: &Value) -> String {
    match value {
        Value::Array(_) | Value::Object(_) => {
            // Placeholder until the emitter port lands: JSON is valid YAML.
            format!("{}\n", python::json_compact(value, ", ", ": ", false))
        }
        scalar => format!("{}\n", python::json_compact(scalar, ", ", ": ", false)),
    }
}

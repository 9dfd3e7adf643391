//! Structured answers from a language model: the JSON object is found in the answer, checked
//! against a JSON Schema (the same document the prompt shows the model), and only then read
//! into a typed value. Anything else is an error that says where, so that the workflow can ask
//! once more with the reason and then fall back to the built-in engine.
//!
//! The schema checker covers the subset of JSON Schema the workflows' schemas use: `type`
//! (one or a list), `properties`, `required`, `additionalProperties: false`, `items`, `enum`,
//! `minItems`, `maxItems`, `minLength`, and `format: "date"` (`YYYY-MM-DD`).

use serde_json::Value;

/// Reads the answer's JSON object: the whole answer, or the first `{` to the last `}` (a model
/// may wrap it in a Markdown fence or a sentence).
pub fn object(answer: &str) -> Result<Value, String> {
    let t = answer.trim();
    let parsed =
        serde_json::from_str::<Value>(t).or_else(|first| match (t.find('{'), t.rfind('}')) {
            (Some(a), Some(b)) if a < b => serde_json::from_str::<Value>(&t[a..=b]),
            _ => Err(first),
        });
    match parsed {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(_) => Err("the answer is JSON but not an object".into()),
        Err(e) => Err(format!("the answer is not JSON ({e})")),
    }
}

/// Checks `value` against `schema`; the error names the path (`$.next_step.date`).
pub fn validate(schema: &Value, value: &Value) -> Result<(), String> {
    check(schema, value, "$")
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn check(schema: &Value, v: &Value, path: &str) -> Result<(), String> {
    if let Some(t) = schema.get("type") {
        let allowed: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let actual = type_name(v);
        let ok = allowed
            .iter()
            .any(|a| *a == actual || (*a == "number" && actual == "integer"));
        if !ok {
            return Err(format!(
                "{path}: expected {}, found {actual}",
                allowed.join(" or ")
            ));
        }
    }
    if let Some(Value::Array(options)) = schema.get("enum")
        && !options.contains(v)
    {
        return Err(format!(
            "{path}: {v} is not one of {}",
            options
                .iter()
                .map(Value::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    match v {
        Value::String(s) => {
            if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
                && (s.trim().chars().count() as u64) < min
            {
                return Err(format!("{path}: shorter than {min} characters"));
            }
            if schema.get("format").and_then(Value::as_str) == Some("date")
                && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_err()
            {
                return Err(format!("{path}: {s:?} is not a date as YYYY-MM-DD"));
            }
        }
        Value::Array(items) => {
            if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
                && (items.len() as u64) < min
            {
                return Err(format!("{path}: fewer than {min} items"));
            }
            if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
                && (items.len() as u64) > max
            {
                return Err(format!("{path}: more than {max} items"));
            }
            if let Some(item) = schema.get("items") {
                for (k, x) in items.iter().enumerate() {
                    check(item, x, &format!("{path}[{k}]"))?;
                }
            }
        }
        Value::Object(map) => {
            let props = schema.get("properties").and_then(Value::as_object);
            if let Some(Value::Array(required)) = schema.get("required") {
                for r in required.iter().filter_map(Value::as_str) {
                    if !map.contains_key(r) {
                        return Err(format!("{path}: missing \"{r}\""));
                    }
                }
            }
            for (k, x) in map {
                match props.and_then(|p| p.get(k)) {
                    Some(s) => check(s, x, &format!("{path}.{k}"))?,
                    None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                        return Err(format!("{path}: unexpected field \"{k}\""));
                    }
                    None => {}
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// Reads `answer` as an object valid under `schema`, then as `T`.
pub fn parse<T: serde::de::DeserializeOwned>(answer: &str, schema: &Value) -> Result<T, String> {
    let v = object(answer)?;
    validate(schema, &v)?;
    serde_json::from_value(v).map_err(|e| format!("the answer does not fit the schema: {e}"))
}

/// Like [`parse`], with the personal data put back into every string first.
pub fn parse_restored<T: serde::de::DeserializeOwned>(
    answer: &str,
    schema: &Value,
    masked: &crate::prompt::Masked,
) -> Result<T, String> {
    let mut v = object(answer)?;
    validate(schema, &v)?;
    masked.restore_json(&mut v);
    let text = v.to_string();
    if let Some(p) = crate::prompt::leftover_placeholder(&text) {
        return Err(format!(
            "its answer altered or invented the placeholder {p}"
        ));
    }
    serde_json::from_value(v).map_err(|e| format!("the answer does not fit the schema: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["stage", "items"],
            "properties": {
                "stage": {"type": ["string", "null"], "enum": ["Proposal", "Negotiation", null]},
                "due": {"type": "string", "format": "date"},
                "items": {"type": "array", "maxItems": 2, "items": {
                    "type": "object", "required": ["text"],
                    "properties": {"text": {"type": "string", "minLength": 3}}
                }}
            }
        })
    }

    #[test]
    fn a_valid_object_passes_wherever_the_model_put_it() {
        let s = schema();
        for answer in [
            r#"{"stage": "Proposal", "items": [{"text": "send P&IDs"}]}"#,
            "Here you go:\n```json\n{\"stage\": null, \"items\": [], \"due\": \"2026-11-30\"}\n```",
        ] {
            let v = object(answer).unwrap();
            validate(&s, &v).unwrap();
        }
    }

    #[test]
    fn each_violation_names_its_path() {
        let s = schema();
        let cases = [
            (r#"{"items": []}"#, "$: missing \"stage\""),
            (
                r#"{"stage": "Won", "items": []}"#,
                "$.stage: \"Won\" is not one of",
            ),
            (
                r#"{"stage": 3, "items": []}"#,
                "$.stage: expected string or null, found integer",
            ),
            (
                r#"{"stage": null, "items": [], "x": 1}"#,
                "unexpected field \"x\"",
            ),
            (
                r#"{"stage": null, "items": [], "due": "next Tues"}"#,
                "$.due: \"next Tues\" is not a date",
            ),
            (
                r#"{"stage": null, "items": [{"text": "ok"}]}"#,
                "$.items[0].text: shorter than 3",
            ),
            (
                r#"{"stage": null, "items": [{}, {}, {}]}"#,
                "$.items: more than 2 items",
            ),
        ];
        for (answer, want) in cases {
            let err = validate(&s, &object(answer).unwrap()).unwrap_err();
            assert!(err.contains(want), "{answer}: {err}");
        }
        assert!(
            object("Sorry, I cannot help with that.")
                .unwrap_err()
                .contains("not JSON")
        );
        assert!(object("[1, 2]").unwrap_err().contains("not an object"));
    }
}
